import { z } from 'zod';
import { connectionQualities } from '../../media/contracts/connection-quality';
import { conferenceRoles } from '../../media/contracts/grant-profiles';
import { roomMetadataSchema } from '../../media/contracts/conference-room';
import { conferenceUnitSchema } from '../../media/contracts/participant-metadata';
import { rollCallParticipantSchema, rollCallStatuses } from '../../media/contracts/roll-call';
import { isoDateTimeSchema, objectIdSchema } from './common';

/**
 * A LiveKit participant identity as the API takes it (`site:<unitCode>` or `user:<userId>`,
 * see media/contracts/participant-identity.ts).
 */
export const conferenceIdentitySchema = z
  .string()
  .trim()
  .min(3)
  .max(128)
  .regex(/^(site|user):[A-Za-z0-9._-]+$/, 'expected site:<unitCode> or user:<userId>');

/**
 * Body of `POST /api/meetings/:id/conference/token`. A site operator names the site they join
 * for (`siteId`); without it a person joins in their own name (or for their only site).
 */
export const conferenceTokenRequestSchema = z.object({
  /** Join as this site (its operators); needed only by whoever operates several. */
  siteId: objectIdSchema.optional(),
  /**
   * `hub`: join as the hub, the host unit's room (`site:<host unit code>`, always on air), so the
   * chair's console puts the main site's camera and microphone on air itself (chair only).
   */
  as: z.enum(['hub']).optional(),
});
/** Body of `POST /api/meetings/:id/conference/token`. */
export type ConferenceTokenRequest = z.infer<typeof conferenceTokenRequestSchema>;

/** Answer of `POST /api/meetings/:id/conference/token`: where to connect and with what. */
export const conferenceTokenSchema = z.object({
  /** ws(s):// URL of the LiveKit server. */
  url: z.string(),
  token: z.string(),
  identity: z.string(),
  /** When the token stops being accepted for a new connection. */
  expiresAt: isoDateTimeSchema,
  /** Publishes from the start (chair, hub); others publish only while they hold the floor. */
  canPublish: z.boolean(),
  role: z.enum(conferenceRoles),
  roomName: z.string(),
  /** Pass `iceServers: []` (media/contracts/client-options.ts conferenceConnectOptions). */
  closedNetwork: z.boolean(),
});
/** Answer of the token route. */
export type ConferenceTokenInfo = z.infer<typeof conferenceTokenSchema>;

/** Body of the floor, remove routes: who. */
export const conferenceTargetSchema = z.object({ identity: conferenceIdentitySchema });
/** Body of the floor and remove routes. */
export type ConferenceTarget = z.infer<typeof conferenceTargetSchema>;

/** Body of `POST .../conference/mute`: a participant's microphone, or one of its tracks. */
export const conferenceMuteSchema = z.object({
  identity: conferenceIdentitySchema,
  trackSid: z.string().trim().min(1).max(64).optional(),
});
/** Body of the mute route. */
export type ConferenceMuteInput = z.infer<typeof conferenceMuteSchema>;

/** Body of `POST .../conference/spotlight` (null clears it). */
export const conferenceSpotlightSchema = z.object({
  identity: conferenceIdentitySchema.nullable(),
});
/** Body of the spotlight route. */
export type ConferenceSpotlightInput = z.infer<typeof conferenceSpotlightSchema>;

/** A participant as the chair controls see it. */
export const conferenceParticipantSchema = z.object({
  identity: z.string(),
  role: z.enum(conferenceRoles).nullable(),
  canPublish: z.boolean(),
  holdsFloor: z.boolean(),
  tracks: z.array(
    z.object({ sid: z.string(), kind: z.string(), source: z.string(), muted: z.boolean() }),
  ),
});
/** A participant as the chair controls see it. */
export type ConferenceParticipantView = z.infer<typeof conferenceParticipantSchema>;

/** Answer of the mute routes: identities whose microphone (or the given track) was muted now. */
export const conferenceMuteResultSchema = z.object({
  muted: z.array(z.string()),
  trackSids: z.array(z.string()),
});
/** Answer of the mute routes. */
export type ConferenceMuteResult = z.infer<typeof conferenceMuteResultSchema>;

/** Room metadata (title, current item, spotlight) as every screen shows it. */
export const conferenceRoomMetadataSchema = roomMetadataSchema;

/** One expected site in the roll call, with the meeting's site id (for present-by-phone). */
export const conferenceRollCallSiteSchema = z.object({
  siteId: objectIdSchema,
  unit: conferenceUnitSchema,
  identity: z.string(),
  status: z.enum(rollCallStatuses),
  quality: z.enum(connectionQualities),
  joinedAt: isoDateTimeSchema.nullable(),
  lastSeenAt: isoDateTimeSchema.nullable(),
  byPhone: z.boolean(),
});

/** Answer of `GET /api/meetings/:id/conference/roll-call`. */
export const conferenceRollCallSchema = z.object({
  meetingId: objectIdSchema,
  takenAt: isoDateTimeSchema,
  sites: z.array(conferenceRollCallSiteSchema),
  /** Everyone connected with their camera and microphone: who is on air, who is muted. */
  participants: z.array(rollCallParticipantSchema),
  unexpected: z.array(z.string()),
  counts: z.object({
    expected: z.number().int(),
    connected: z.number().int(),
    presentByPhone: z.number().int(),
    absent: z.number().int(),
  }),
});
/** Answer of the roll-call route. */
export type ConferenceRollCall = z.infer<typeof conferenceRollCallSchema>;

/** Whether the conference audio is being recorded. */
export const recordingStatusSchema = z.object({
  recording: z.boolean(),
  startedAt: isoDateTimeSchema.nullable(),
  durationMs: z.number(),
});
/** Whether the conference audio is being recorded. */
export type RecordingStatus = z.infer<typeof recordingStatusSchema>;

/** A participant the chair removed; it gets no token until let back in. */
export const conferenceRemovalSchema = z.object({
  identity: z.string(),
  removedAt: isoDateTimeSchema,
});
/** A participant the chair removed; it gets no token until let back in. */
export type ConferenceRemoval = z.infer<typeof conferenceRemovalSchema>;

/** Whether the chair ended the video conference while the meeting goes on. */
export const conferenceStatusSchema = z.object({
  ended: z.boolean(),
  endedAt: isoDateTimeSchema.nullable(),
});
/** Whether the chair ended the video conference while the meeting goes on. */
export type ConferenceStatus = z.infer<typeof conferenceStatusSchema>;

/** A finished audio recording of a meeting (a WAV file in GridFS). */
export const conferenceRecordingSchema = z.object({
  id: objectIdSchema,
  meetingId: objectIdSchema,
  filename: z.string(),
  contentType: z.string(),
  bytes: z.number().int(),
  durationMs: z.number(),
  startedAt: isoDateTimeSchema,
  endedAt: isoDateTimeSchema,
  /** Identities whose audio is in the file. */
  speakers: z.array(z.string()),
  startedBy: objectIdSchema.nullable(),
  /** SHA-256 of the stored file, hexadecimal (video recordings; null for older audio ones). */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional(),
});
/** A finished recording (audio WAV or programme video MP4). */
export type ConferenceRecording = z.infer<typeof conferenceRecordingSchema>;

/** Whether the programme is being recorded to video, and what it shows. */
export const programmeRecordingStatusSchema = z.object({
  recording: z.boolean(),
  startedAt: isoDateTimeSchema.nullable(),
  durationMs: z.number(),
  /** Identity of the participant the programme shows now (null: none, a black picture). */
  programme: z.string().nullable(),
});
/** Whether the programme is being recorded to video, and what it shows. */
export type ProgrammeRecordingStatus = z.infer<typeof programmeRecordingStatusSchema>;

/** A video recording through LiveKit Egress, as the egress route answers. */
export const videoRecordingSchema = z.object({
  egressId: z.string(),
  status: z.enum([
    'starting',
    'active',
    'ending',
    'complete',
    'failed',
    'aborted',
    'limit_reached',
  ]),
  startedAt: isoDateTimeSchema.nullable(),
  endedAt: isoDateTimeSchema.nullable(),
  location: z.string().nullable(),
  error: z.string().nullable(),
});
/** A video recording through LiveKit Egress. */
export type VideoRecordingInfo = z.infer<typeof videoRecordingSchema>;
