import { z } from 'zod';
import { connectionQualities } from './connection-quality';
import { conferenceUnitSchema } from './participant-metadata';

/**
 * How a site answered roll call: connected to the conference, present by phone (the chair marked
 * it when its video failed), or absent.
 */
export const rollCallStatuses = ['connected', 'present_by_phone', 'absent'] as const;

/** One of {@link rollCallStatuses}. */
export type RollCallStatus = (typeof rollCallStatuses)[number];

/** One expected site in a roll call. */
export const rollCallSiteSchema = z.object({
  unit: conferenceUnitSchema,
  identity: z.string(),
  status: z.enum(rollCallStatuses),
  /** LiveKit's rating as the site last reported it; 'unknown' when absent or not reported. */
  quality: z.enum(connectionQualities),
  /** When the site joined the current session (ISO), or null when not connected. */
  joinedAt: z.iso.datetime().nullable(),
  /** Last sign of life (ISO): now while connected, else when it left; null if never seen. */
  lastSeenAt: z.iso.datetime().nullable(),
  /** Marked present by phone (also true when the site is connected as well). */
  byPhone: z.boolean(),
});

/** Type of {@link rollCallSiteSchema}. */
export type RollCallSite = z.infer<typeof rollCallSiteSchema>;

/** A microphone as everyone should see it: live, muted, or not published at all. */
export const microphoneStates = ['on', 'muted', 'off'] as const;

/** One connected participant's media, so every screen can show who is on air and who is muted. */
export const rollCallParticipantSchema = z.object({
  identity: z.string(),
  /** hub, chair, site, delegate, observer (null for a participant outside our format). */
  role: z.string().nullable(),
  name: z.string(),
  /** May publish now (the chair and the hub always; others while they hold the floor). */
  canPublish: z.boolean(),
  /** A camera is published and not muted. */
  camera: z.boolean(),
  microphone: z.enum(microphoneStates),
});

/** Type of {@link rollCallParticipantSchema}. */
export type RollCallParticipant = z.infer<typeof rollCallParticipantSchema>;

/** A roll call: the expected sites in the given order, plus connected sites nobody expected. */
export const rollCallSchema = z.object({
  meetingId: z.string(),
  takenAt: z.iso.datetime(),
  sites: z.array(rollCallSiteSchema),
  /** Everyone connected (hidden helpers left out), with their camera and microphone. */
  participants: z.array(rollCallParticipantSchema),
  /** Identities of connected sites that are not on the expected list. */
  unexpected: z.array(z.string()),
  counts: z.object({
    expected: z.number().int(),
    connected: z.number().int(),
    presentByPhone: z.number().int(),
    absent: z.number().int(),
  }),
});

/** Type of {@link rollCallSchema}. */
export type RollCall = z.infer<typeof rollCallSchema>;
