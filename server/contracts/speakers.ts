import { z } from 'zod';
import { isoDateTimeSchema, objectIdSchema } from './common';

/** Where a floor request stands. */
export const floorStatuses = ['requested', 'granted', 'ended', 'withdrawn'] as const;
/** One of {@link floorStatuses}. */
export type FloorStatus = (typeof floorStatuses)[number];

/** Who asks for the floor: a person, or a site (bridge point) through its operator. */
export const floorSpeakerSchema = z.object({
  kind: z.enum(['user', 'site']),
  id: objectIdSchema,
  name: z.string(),
});
/** Who asks for the floor. */
export type FloorSpeaker = z.infer<typeof floorSpeakerSchema>;

/** One request for the floor, with its times (for speaking-time reports). */
export const floorEntrySchema = z.object({
  id: objectIdSchema,
  meetingId: objectIdSchema,
  agendaItemId: objectIdSchema.nullable(),
  speaker: floorSpeakerSchema,
  requestedBy: objectIdSchema,
  status: z.enum(floorStatuses),
  order: z.number(),
  requestedAt: isoDateTimeSchema,
  grantedAt: isoDateTimeSchema.nullable(),
  endedAt: isoDateTimeSchema.nullable(),
});
/** One request for the floor. */
export type FloorEntry = z.infer<typeof floorEntrySchema>;

/** The floor now: who speaks, and the queue in order. */
export const floorStateSchema = z.object({
  meetingId: objectIdSchema,
  maxSpeakers: z.number().int(),
  speaking: z.array(floorEntrySchema),
  queue: z.array(floorEntrySchema),
});
/** The floor now. */
export type FloorState = z.infer<typeof floorStateSchema>;

/** Body of `POST /api/meetings/:id/floor`: ask for the floor, for yourself or for a site you operate. */
export const requestFloorSchema = z.object({ siteId: objectIdSchema.optional() });
/** Body of `POST /api/meetings/:id/floor`. */
export type RequestFloorInput = z.infer<typeof requestFloorSchema>;

/** Body of `POST /api/meetings/:id/floor/:entryId/grant`. */
export const grantFloorSchema = z.object({
  /** End whoever speaks now first (otherwise a full floor answers 409). */
  endCurrent: z.boolean().default(false),
});
/** Body of `POST /api/meetings/:id/floor/:entryId/grant`. */
export type GrantFloorInput = z.infer<typeof grantFloorSchema>;

/** Body of `PUT /api/meetings/:id/floor/order`: waiting entries in their new order. */
export const reorderFloorSchema = z.object({
  entryIds: z
    .array(objectIdSchema)
    .min(1)
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, 'an entry appears twice'),
});
/** Body of `PUT /api/meetings/:id/floor/order`. */
export type ReorderFloorInput = z.infer<typeof reorderFloorSchema>;

/** Speaking time of one speaker. */
export const speakingTimeSchema = z.object({
  speaker: floorSpeakerSchema,
  turns: z.number().int(),
  seconds: z.number(),
});

/** Answer of `GET /api/meetings/:id/floor/report`. */
export const speakingReportSchema = z.object({
  meetingId: objectIdSchema,
  /** Per person (turns taken in their own name). */
  people: z.array(speakingTimeSchema),
  /** Per site (turns taken by the site). */
  sites: z.array(speakingTimeSchema),
  totalSeconds: z.number(),
});
/** Answer of `GET /api/meetings/:id/floor/report`. */
export type SpeakingReport = z.infer<typeof speakingReportSchema>;
