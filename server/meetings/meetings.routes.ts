import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import {
  createMeetingSchema,
  listMeetingsQuerySchema,
  meetingAccessSchema,
  meetingPageSchema,
  meetingSchema,
  transitionSchema,
  updateMeetingSchema,
} from '../contracts/meetings';
import type { MeetingAccessInfo } from '../contracts/meetings';
import type { ApiRouter } from '../http/api-router';
import { meetingPolicy, requireAccess } from './meeting-access.service';
import { canChair, canManage, canView } from './meeting.policy';
import { meetingService } from './meeting.service';

const idParams = z.object({ id: objectIdSchema });

/** `/api/meetings`: scheduling, details, lifecycle, and the caller's access. */
export function registerMeetingRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/meetings',
    summary: 'List meetings the caller may see (filters, text search, pagination)',
    tags: ['meetings'],
    query: listMeetingsQuerySchema,
    response: meetingPageSchema,
    handler: ({ user, query }) => meetingService.list(user, query),
  });

  api.route({
    method: 'post',
    path: '/meetings',
    summary: 'Schedule a meeting (draft)',
    tags: ['meetings'],
    body: createMeetingSchema,
    response: meetingSchema,
    status: 201,
    errors: [403, 404],
    handler: ({ user, body }) => meetingService.create(user, body),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id',
    summary: 'One meeting',
    tags: ['meetings'],
    params: idParams,
    response: meetingSchema,
    errors: [403, 404],
    handler: ({ user, params }) => meetingService.get(user, params.id),
  });

  api.route({
    method: 'patch',
    path: '/meetings/:id',
    summary: 'Change a meeting (chair, secretary, host administrator)',
    tags: ['meetings'],
    authorize: meetingPolicy(
      canManage,
      'Only the chair, the secretary or an administrator of the host unit may change the meeting.',
    ),
    params: idParams,
    body: updateMeetingSchema,
    response: meetingSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => meetingService.update(user, params.id, body),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/transitions',
    summary: 'Move the lifecycle: scheduled, live, ended, minutes_published, cancelled',
    tags: ['meetings'],
    authorize: meetingPolicy(
      canManage,
      'Only the chair, the secretary or an administrator of the host unit may move the meeting along.',
    ),
    params: idParams,
    body: transitionSchema,
    response: meetingSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => meetingService.transition(user, params.id, body),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/access',
    summary: "The caller's role and rights in a meeting",
    tags: ['meetings'],
    params: idParams,
    response: meetingAccessSchema,
    errors: [403, 404],
    handler: async ({ user, params }): Promise<MeetingAccessInfo> => {
      const a = await requireAccess(user, params.id);
      return {
        meetingId: a.meetingId,
        state: a.state,
        visibility: a.visibility,
        role: a.role,
        voting: a.voting,
        operatedSiteIds: a.operatedSiteIds,
        hostAdmin: a.hostAdmin || a.systemAdmin,
        canView: canView(a),
        canManage: canManage(a),
        canChair: canChair(a),
      };
    },
  });
}
