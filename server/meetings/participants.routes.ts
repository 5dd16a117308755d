import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import {
  inviteResultSchema,
  inviteSchema,
  participantSchema,
  siteSchema,
  updateParticipantSchema,
  updateSiteSchema,
} from '../contracts/meetings';
import type { ApiRouter } from '../http/api-router';
import { meetingPolicy } from './meeting-access.service';
import { canManage } from './meeting.policy';
import { participantService } from './participant.service';

const PARTICIPANTS_MESSAGE =
  'Only the chair, the secretary or an administrator of the host unit may change who takes part.';
const idParams = z.object({ id: objectIdSchema });
const userParams = z.object({ id: objectIdSchema, userId: objectIdSchema });
const siteParams = z.object({ id: objectIdSchema, siteId: objectIdSchema });

/** `/api/meetings/:id/{participants,sites,invitations}`: who takes part, and from where. */
export function registerParticipantRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/meetings/:id/participants',
    summary: 'People taking part, with their meeting role',
    tags: ['participants'],
    params: idParams,
    response: z.array(participantSchema),
    errors: [403, 404],
    handler: ({ user, params }) => participantService.listParticipants(user, params.id),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/sites',
    summary: 'Bridge points (units joining by video) and their operators',
    tags: ['participants'],
    params: idParams,
    response: z.array(siteSchema),
    errors: [403, 404],
    handler: ({ user, params }) => participantService.listSites(user, params.id),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/invitations',
    summary: 'Invite people, a unit, or every unit of a level under a unit',
    tags: ['participants'],
    authorize: meetingPolicy(canManage, PARTICIPANTS_MESSAGE),
    params: idParams,
    body: inviteSchema,
    response: inviteResultSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => participantService.invite(user, params.id, body),
  });

  api.route({
    method: 'patch',
    path: '/meetings/:id/participants/:userId',
    summary: "Change a participant's role, vote or site",
    tags: ['participants'],
    authorize: meetingPolicy(canManage, PARTICIPANTS_MESSAGE),
    params: userParams,
    body: updateParticipantSchema,
    response: participantSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) =>
      participantService.updateParticipant(user, params.id, params.userId, body),
  });

  api.route({
    method: 'delete',
    path: '/meetings/:id/participants/:userId',
    summary: 'Withdraw an invitation',
    tags: ['participants'],
    authorize: meetingPolicy(canManage, PARTICIPANTS_MESSAGE),
    params: userParams,
    errors: [403, 404, 409],
    handler: async ({ user, params }) => {
      await participantService.removeParticipant(user, params.id, params.userId);
      return undefined;
    },
  });

  api.route({
    method: 'patch',
    path: '/meetings/:id/sites/:siteId',
    summary: "Change a site's operator or name",
    tags: ['participants'],
    authorize: meetingPolicy(canManage, PARTICIPANTS_MESSAGE),
    params: siteParams,
    body: updateSiteSchema,
    response: siteSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) =>
      participantService.updateSite(user, params.id, params.siteId, body),
  });

  api.route({
    method: 'delete',
    path: '/meetings/:id/sites/:siteId',
    summary: 'Remove a site',
    tags: ['participants'],
    authorize: meetingPolicy(canManage, PARTICIPANTS_MESSAGE),
    params: siteParams,
    errors: [403, 404, 409],
    handler: async ({ user, params }) => {
      await participantService.removeSite(user, params.id, params.siteId);
      return undefined;
    },
  });
}
