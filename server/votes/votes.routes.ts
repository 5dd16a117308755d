import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import {
  castBallotSchema,
  createPollSchema,
  myBallotSchema,
  pollSchema,
  pollVotersSchema,
} from '../contracts/votes';
import type { ApiRouter } from '../http/api-router';
import { ballotService } from './ballot.service';
import { pollService } from './poll.service';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { canChair, takesPart } from '../meetings/meeting.policy';

const CHAIR_MESSAGE = 'Only the chair runs the votes.';

const idParams = z.object({ id: objectIdSchema });
const pollParams = z.object({ id: objectIdSchema, pollId: objectIdSchema });

/** `/api/meetings/:id/polls`: votes (biểu quyết). */
export function registerVoteRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/meetings/:id/polls',
    summary: "The meeting's polls (results once closed)",
    tags: ['votes'],
    params: idParams,
    response: z.array(pollSchema),
    errors: [403, 404],
    handler: ({ user, params }) => pollService.list(user, params.id),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/polls',
    summary: 'Prepare a poll (the chair)',
    tags: ['votes'],
    authorize: meetingPolicy(canChair, CHAIR_MESSAGE),
    params: idParams,
    body: createPollSchema,
    response: pollSchema,
    status: 201,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => pollService.create(user, params.id, body),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/polls/:pollId',
    summary: 'One poll',
    tags: ['votes'],
    params: pollParams,
    response: pollSchema,
    errors: [403, 404],
    handler: ({ user, params }) => pollService.get(user, params.id, params.pollId),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/polls/:pollId/open',
    summary: 'Open a poll: fixes who may vote (the chair, meeting live)',
    tags: ['votes'],
    authorize: meetingPolicy(canChair, CHAIR_MESSAGE),
    params: pollParams,
    response: pollSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => pollService.open(user, params.id, params.pollId),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/polls/:pollId/close',
    summary: 'Close a poll: its results are fixed (the chair)',
    tags: ['votes'],
    authorize: meetingPolicy(canChair, CHAIR_MESSAGE),
    params: pollParams,
    response: pollSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => pollService.close(user, params.id, params.pollId),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/polls/:pollId/ballots',
    summary:
      'Cast a ballot (one per voter; replaced or refused on a second cast, as the poll says)',
    tags: ['votes'],
    authorize: meetingPolicy(takesPart, 'Only those taking part vote.'),
    params: pollParams,
    body: castBallotSchema,
    response: myBallotSchema,
    status: 201,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => ballotService.cast(user, params.id, params.pollId, body),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/polls/:pollId/ballots/mine',
    summary: 'Whether the caller voted (and how, in a named poll)',
    tags: ['votes'],
    params: pollParams,
    response: myBallotSchema,
    errors: [403, 404],
    handler: ({ user, params }) => ballotService.mine(user, params.id, params.pollId),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/polls/:pollId/voters',
    summary: 'Who voted (named polls: and how, once closed)',
    tags: ['votes'],
    params: pollParams,
    response: pollVotersSchema,
    errors: [403, 404],
    handler: ({ user, params }) => ballotService.voters(user, params.id, params.pollId),
  });
}
