import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import { conferenceRecordingSchema, programmeRecordingStatusSchema } from '../contracts/conference';
import type { ApiRouter } from '../http/api-router';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { canChair } from '../meetings/meeting.policy';
import type { VideoRecordingService } from './video-recording.service';

const idParams = z.object({ id: objectIdSchema });
const TAGS = ['conference'];

/** SECURITY: refused before anything else is read. */
const chairOnly = meetingPolicy(canChair, 'Only the chair controls the conference.');

/**
 * `/api/meetings/:id/conference/video-recording...`: the programme video recorder. The files
 * are listed and downloaded with the audio ones (`/recordings`, `/recordings/:id/content`).
 */
export function registerVideoRecordingRoutes(api: ApiRouter, service: VideoRecordingService): void {
  const base = '/meetings/:id/conference/video-recording';

  api.route({
    method: 'get',
    path: base,
    summary: 'Whether the programme is being recorded to video, and who it shows (participants)',
    tags: TAGS,
    params: idParams,
    response: programmeRecordingStatusSchema,
    errors: [403, 404],
    handler: ({ user, params }) => service.status(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/start`,
    summary:
      'Start recording the programme (spotlight, else the floor holder, else the hub) with the mixed sound to MP4 (chair)',
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    response: programmeRecordingStatusSchema,
    errors: [403, 404, 409, 503],
    handler: ({ user, params }) => service.start(user, params.id),
  });

  api.route({
    method: 'post',
    path: `${base}/stop`,
    summary: 'Stop the video recording; the MP4 is stored with the meeting and its SHA-256 (chair)',
    tags: TAGS,
    authorize: chairOnly,
    params: idParams,
    response: conferenceRecordingSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => service.stop(user, params.id),
  });
}
