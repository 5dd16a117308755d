import express from 'express';
import type { Express } from 'express';
import { z } from 'zod';
import { attendanceSchema } from '../contracts/attendance';
import { objectIdSchema } from '../contracts/common';
import {
  conferenceMuteResultSchema,
  conferenceMuteSchema,
  conferenceParticipantSchema,
  conferenceRecordingSchema,
  conferenceRemovalSchema,
  conferenceRollCallSchema,
  conferenceRoomMetadataSchema,
  conferenceSpotlightSchema,
  conferenceStatusSchema,
  conferenceTargetSchema,
  conferenceTokenRequestSchema,
  conferenceTokenSchema,
  recordingStatusSchema,
  videoRecordingSchema,
} from '../contracts/conference';
import type { ApiRouter } from '../http/api-router';
import { sendFileStream } from '../http/send-file-stream';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { canChair } from '../meetings/meeting.policy';
import type { ConferenceService } from './conference.service';

const idParams = z.object({ id: objectIdSchema });
const siteParams = z.object({ id: objectIdSchema, siteId: objectIdSchema });
const recordingParams = z.object({ id: objectIdSchema, recordingId: objectIdSchema });
const TAGS = ['conference'];

/** Largest webhook body accepted (LiveKit's are a few kilobytes). */
const WEBHOOK_LIMIT = '256kb';

/** SECURITY: the chair's controls are refused before their body is read (no 400 for others). */
const chairOnly = meetingPolicy(canChair, 'Only the chair controls the conference.');

/** `/api/meetings/:id/conference/...`: tokens, chair controls, roll call, recordings. */
export function registerConferenceRoutes(api: ApiRouter, service: ConferenceService): void {
  const base = '/meetings/:id/conference';

  api.route({
    method: 'post',
    path: `${base}/token`,
    summary:
      "A LiveKit token for the caller's role in the live meeting (chair and hub publish; sites and delegates publish only with the floor; observers subscribe)",
    tags: TAGS,
    params: idParams,
    body: conferenceTokenRequestSchema,
    response: conferenceTokenSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params, body }) => service.joining.token(user, params.id, body),
  });

  api.route({
    method: 'get',
    path: `${base}/room`,
    summary: "The conference room's metadata: title, current agenda item, spotlight",
    tags: TAGS,
    params: idParams,
    response: conferenceRoomMetadataSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params }) => service.joining.room(user, params.id),
  });

  api.route({
    method: 'get',
    path: `${base}/status`,
    summary: 'Whether the chair ended the video conference while the meeting goes on',
    tags: TAGS,
    params: idParams,
    response: conferenceStatusSchema,
    errors: [403, 404],
    handler: ({ user, params }) => service.rooms.status(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/end`,
    summary:
      'End the video conference while the meeting goes on: saves the recording, disconnects everyone, issues no token until reopened (chair)',
    tags: TAGS,
    params: idParams,
    response: conferenceStatusSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params }) => service.rooms.endConference(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/reopen`,
    summary: 'Open an ended video conference again (chair)',
    tags: TAGS,
    params: idParams,
    response: conferenceStatusSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params }) => service.rooms.reopenConference(user, params.id),
  });

  api.route({
    method: 'get',
    path: `${base}/roll-call`,
    summary:
      'Expected sites against connected ones, with connection quality and last seen (chair, secretary)',
    tags: TAGS,
    params: idParams,
    response: conferenceRollCallSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params }) => service.attendance.rollCall(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/roll-call/:siteId/present-by-phone`,
    summary: 'Mark a site present by phone when its video fails (chair, secretary)',
    tags: TAGS,
    params: siteParams,
    response: attendanceSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) =>
      service.attendance.presentByPhone(user, params.id, params.siteId),
  });

  api.route({
    method: 'post',
    path: `${base}/floor`,
    summary: 'Give a site or person the floor: publishing on (chair)',
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    body: conferenceTargetSchema,
    response: conferenceParticipantSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params, body }) =>
      service.controls.grantFloor(user, params.id, body.identity),
  });

  api.route({
    method: 'post',
    path: `${base}/floor/end`,
    summary: 'End the floor: publishing off, the tracks stop (chair)',
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    body: conferenceTargetSchema,
    response: conferenceParticipantSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params, body }) => service.controls.endFloor(user, params.id, body.identity),
  });

  api.route({
    method: 'post',
    path: `${base}/mute`,
    summary: "Mute a participant's microphone, or one of its tracks (chair)",
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    body: conferenceMuteSchema,
    response: conferenceMuteResultSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params, body }) =>
      service.controls.mute(user, params.id, body.identity, body.trackSid),
  });

  api.route({
    method: 'post',
    path: `${base}/ask-unmute`,
    summary:
      'Ask a participant holding the floor to turn its microphone on; its screen asks the people there (chair)',
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    body: conferenceTargetSchema,
    errors: [403, 404, 409, 503],
    handler: async ({ user, params, body }) => {
      await service.controls.askUnmute(user, params.id, body.identity);
      return undefined;
    },
  });

  api.route({
    method: 'post',
    path: `${base}/mute-all`,
    summary: 'Mute every microphone but the chair and the hub (chair)',
    tags: TAGS,
    params: idParams,
    response: conferenceMuteResultSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params }) => service.controls.muteAll(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/spotlight`,
    summary: 'Show a participant large on every screen, or clear it with null (chair)',
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    body: conferenceSpotlightSchema,
    response: conferenceRoomMetadataSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params, body }) => service.controls.spotlight(user, params.id, body.identity),
  });

  api.route({
    method: 'get',
    path: `${base}/removed`,
    summary: 'Participants the chair removed and did not let back in (chair, secretary)',
    tags: TAGS,
    params: idParams,
    response: z.array(conferenceRemovalSchema),
    errors: [403, 404],
    handler: ({ user, params }) => service.controls.removed(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/readmit`,
    summary: 'Let a removed participant join the conference again (chair)',
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    body: conferenceTargetSchema,
    errors: [403, 404, 409],
    handler: async ({ user, params, body }) => {
      await service.controls.readmit(user, params.id, body.identity);
      return undefined;
    },
  });

  api.route({
    method: 'post',
    path: `${base}/remove`,
    summary:
      'Disconnect a participant from the conference; it gets no new token until let back in (chair)',
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    body: conferenceTargetSchema,
    errors: [403, 404, 409, 503],
    handler: async ({ user, params, body }) => {
      await service.controls.remove(user, params.id, body.identity);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: `${base}/recording`,
    summary: 'Whether the conference audio is being recorded',
    tags: TAGS,
    params: idParams,
    response: recordingStatusSchema,
    errors: [403, 404],
    handler: ({ user, params }) => service.recordings.recordingStatus(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/recording/start`,
    summary: 'Start recording the conference audio (chair)',
    tags: TAGS,
    params: idParams,
    response: recordingStatusSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params }) => service.recordings.startRecording(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/recording/stop`,
    summary: 'Stop recording; the WAV file is stored with the meeting (chair)',
    tags: TAGS,
    params: idParams,
    response: conferenceRecordingSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => service.recordings.stopRecording(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/egress`,
    summary: 'Start a video recording through LiveKit Egress (chair; 501 when not configured)',
    tags: TAGS,
    params: idParams,
    response: videoRecordingSchema,
    errors: [403, 404, 409, 501, 503],
    handler: ({ user, params }) => service.recordings.startVideoRecording(user, params.id),
  });

  api.route({
    method: 'get',
    path: `${base}/recordings`,
    summary: "The meeting's recordings, audio (WAV) and programme video (MP4) (participants)",
    tags: TAGS,
    params: idParams,
    response: z.array(conferenceRecordingSchema),
    errors: [403, 404],
    handler: ({ user, params }) => service.recordings.listRecordings(user, params.id),
  });

  api.route({
    method: 'get',
    path: `${base}/recordings/:recordingId/content`,
    summary: 'Download a recording (participants; or a ticket in ?ticket=)',
    tags: TAGS,
    ticket: 'download',
    params: recordingParams,
    responseContentType: 'audio/wav',
    errors: [403, 404],
    handler: async ({ user, params, res }) => {
      const file = await service.recordings.openRecording(user, params.id, params.recordingId);
      await sendFileStream(res, file);
      return undefined;
    },
  });
}

/**
 * `POST /api/livekit/webhook`, mounted before the JSON parser: the signature covers the exact
 * body. A bad signature answers 401 and records nothing.
 */
export function mountConferenceWebhook(app: Express, service: ConferenceService): void {
  app.post(
    '/api/livekit/webhook',
    express.raw({ type: () => true, limit: WEBHOOK_LIMIT }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      await service.attendance.handleWebhook(body, req.headers.authorization);
      res.status(200).json({ ok: true });
    },
  );
}
