import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import {
  floorStateSchema,
  grantFloorSchema,
  reorderFloorSchema,
  requestFloorSchema,
  speakingReportSchema,
} from '../contracts/speakers';
import type { ApiRouter } from '../http/api-router';
import { floorService } from './floor.service';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { canChair, takesPart } from '../meetings/meeting.policy';

const idParams = z.object({ id: objectIdSchema });
const entryParams = z.object({ id: objectIdSchema, entryId: objectIdSchema });

/** `/api/meetings/:id/floor`: the speaker queue. */
export function registerSpeakerRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/meetings/:id/floor',
    summary: 'Who speaks, and the queue in order',
    tags: ['floor'],
    params: idParams,
    response: floorStateSchema,
    errors: [403, 404],
    handler: ({ user, params }) => floorService.get(user, params.id),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/floor',
    summary: 'Ask for the floor (for oneself, or with siteId for a site one operates)',
    tags: ['floor'],
    authorize: meetingPolicy(
      takesPart,
      'Only invited people and site operators ask for the floor.',
    ),
    params: idParams,
    body: requestFloorSchema,
    response: floorStateSchema,
    status: 201,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => floorService.request(user, params.id, body),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/floor/:entryId/withdraw',
    summary: 'Withdraw a waiting request',
    tags: ['floor'],
    params: entryParams,
    response: floorStateSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => floorService.withdraw(user, params.id, params.entryId),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/floor/:entryId/grant',
    summary: 'Give the floor (the chair)',
    tags: ['floor'],
    authorize: meetingPolicy(canChair, 'Only the chair gives the floor.'),
    params: entryParams,
    body: grantFloorSchema,
    response: floorStateSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => floorService.grant(user, params.id, params.entryId, body),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/floor/:entryId/end',
    summary: 'End a turn (the chair, or the speaker)',
    tags: ['floor'],
    params: entryParams,
    response: floorStateSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => floorService.end(user, params.id, params.entryId),
  });

  api.route({
    method: 'put',
    path: '/meetings/:id/floor/order',
    summary: 'Reorder waiting requests (the chair)',
    tags: ['floor'],
    authorize: meetingPolicy(canChair, 'Only the chair reorders the queue.'),
    params: idParams,
    body: reorderFloorSchema,
    response: floorStateSchema,
    errors: [403, 404],
    handler: ({ user, params, body }) => floorService.reorder(user, params.id, body),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/floor/report',
    summary: 'Speaking time per person and per site',
    tags: ['floor'],
    params: idParams,
    response: speakingReportSchema,
    errors: [403, 404],
    handler: ({ user, params }) => floorService.report(user, params.id),
  });
}
