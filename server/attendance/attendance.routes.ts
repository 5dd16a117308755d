import { z } from 'zod';
import { absenceSchema, attendanceSchema, markAttendanceSchema } from '../contracts/attendance';
import { objectIdSchema } from '../contracts/common';
import type { ApiRouter } from '../http/api-router';
import { attendanceService } from './attendance.service';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { canTakeRollCall, operatesSite } from '../meetings/meeting.policy';

const idParams = z.object({ id: objectIdSchema });
const userParams = z.object({ id: objectIdSchema, userId: objectIdSchema });
const siteParams = z.object({ id: objectIdSchema, siteId: objectIdSchema });

/** `/api/meetings/:id/attendance`: check-in, roll call, absences, quorum. */
export function registerAttendanceRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/meetings/:id/attendance',
    summary: 'Roll call of participants and sites, with the quorum',
    tags: ['attendance'],
    params: idParams,
    response: attendanceSchema,
    errors: [403, 404],
    handler: ({ user, params }) => attendanceService.get(user, params.id),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/attendance/check-in',
    summary: 'Check in, present in the room',
    tags: ['attendance'],
    params: idParams,
    response: attendanceSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => attendanceService.checkIn(user, params.id),
  });

  api.route({
    method: 'put',
    path: '/meetings/:id/attendance/participants/:userId',
    summary: 'Mark a participant (chair, secretary; or oneself present or absent)',
    tags: ['attendance'],
    authorize: meetingPolicy(
      (a, p: { id: string; userId: string }) => canTakeRollCall(a) || p.userId === a.userId,
      'Only the chair or the secretary takes the roll call for others.',
    ),
    params: userParams,
    body: markAttendanceSchema,
    response: attendanceSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) =>
      attendanceService.markParticipant(user, params.id, params.userId, body),
  });

  api.route({
    method: 'put',
    path: '/meetings/:id/attendance/sites/:siteId',
    summary: "Mark a site (chair, secretary, or the site's operator)",
    tags: ['attendance'],
    authorize: meetingPolicy(
      (a, p: { id: string; siteId: string }) => canTakeRollCall(a) || operatesSite(a, p.siteId),
      "Only the chair, the secretary or the site's operator marks a site.",
    ),
    params: siteParams,
    body: markAttendanceSchema,
    response: attendanceSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) =>
      attendanceService.markSite(user, params.id, params.siteId, body),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/participants/:userId/absence',
    summary: 'Record an excused absence, optionally with a substitute (người dự thay)',
    tags: ['attendance'],
    authorize: meetingPolicy(
      (a, p: { id: string; userId: string }) => canTakeRollCall(a) || p.userId === a.userId,
      'Only the person themself, the chair or the secretary records an absence.',
    ),
    params: userParams,
    body: absenceSchema,
    response: attendanceSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) =>
      attendanceService.recordAbsence(user, params.id, params.userId, body),
  });
}
