import { z } from 'zod';
import { agendaItemSchema } from './agenda';
import { attendanceSchema } from './attendance';
import { ticketResponseSchema } from './auth';
import { chatListSchema } from './chat';
import {
  conferenceRemovalSchema,
  conferenceRollCallSchema,
  recordingStatusSchema,
} from './conference';
import { isoDateTimeSchema, objectIdSchema } from './common';
import { meetingDocumentSchema } from './documents';
import { meetingAccessSchema, meetingStates, siteSchema } from './meetings';
import { meetingMinutesSchema } from './minutes';
import { floorStateSchema } from './speakers';
import { myBallotSchema, pollSchema } from './votes';

/**
 * Kinds of live event on `GET /api/meetings/:id/live` (Server-Sent Events). Each event's data
 * is a {@link LiveEvent}; its SSE id is the event's `seq`, so a reconnecting EventSource sends
 * `Last-Event-ID` and receives what it missed.
 */
export const liveEventTypes = [
  /** `{ state, previous }` */
  'meeting.state',
  /** `{ meeting }`: fields of the meeting changed. */
  'meeting.updated',
  /** `{ action }`: who takes part changed; refetch the participants and sites. */
  'participants.changed',
  /** `{ items, currentItemId }`: the materialized agenda. */
  'agenda.changed',
  /** `{ currentItemId, previousItemId }` */
  'agenda.current',
  /** `{ floor }`: the floor state (speaking + queue). */
  'floor.changed',
  /** `{ poll }`: a poll was created, opened or closed (closed polls carry results). */
  'poll.changed',
  /** `{ pollId, ballotsCast }`: ballots are coming in (coalesced, at most a few per second). */
  'poll.progress',
  /** `{ entries, quorum }`: the changed roll-call lines (see attendance.ts) and the quorum. */
  'attendance.changed',
  /** `{ documentId }`: a document or a version was added or changed. */
  'documents.changed',
  /**
   * `{ identity }`: the chair asks this conference participant (holding the floor) to turn its
   * microphone back on; its screen asks the people there, who accept or not.
   */
  'conference.unmute_requested',
  /**
   * `{ kind, status }`: the minutes or the notice moved in their workflow (submitted, approved,
   * returned, published, corrected); the minutes screens read the record again.
   */
  'minutes.changed',
  /** `{ message }`: a chat message (see chat.ts); private ones reach only their audience. */
  'chat.message',
  /** `{ messageId, hiddenAt }`: the chair hid a chat message. */
  'chat.hidden',
  /** `{ identity, displayName, limit, connected }`: a join was refused, the room being full. */
  'conference.refused',
  /**
   * {@link ConferenceLive}: the bridge as the chair's console shows it (roll call with each
   * site's connection quality, who is muted or on air, recording, removed participants), sent
   * when it changes; only the chair and the secretary receive its data.
   */
  'conference.changed',
  /** `{}`: an event meant for other people (a private chat message); only its `seq` counts. */
  'restricted',
  /** `{}`: too much was missed; fetch `GET /api/meetings/:id/live/state` again. */
  'resync',
] as const;
/** One of {@link liveEventTypes}. */
export type LiveEventType = (typeof liveEventTypes)[number];

/** One live event, as sent in the SSE `data` field. */
export const liveEventSchema = z.object({
  meetingId: objectIdSchema,
  /** Increasing per meeting, without gaps; also the SSE event id. */
  seq: z.number().int().min(0),
  type: z.enum(liveEventTypes),
  at: isoDateTimeSchema,
  data: z.record(z.string(), z.unknown()),
  /**
   * Server side only: the users who may see the event (unset: everyone who may follow the
   * meeting). Streams send others a `restricted` event in its place; never sent to clients.
   */
  audience: z.array(objectIdSchema).optional(),
});
/** One live event. */
export type LiveEvent = z.infer<typeof liveEventSchema>;

/** Query of `GET /api/meetings/:id/live`. */
export const liveQuerySchema = z.object({
  /** Alternative to the Last-Event-ID header (for clients that cannot set headers). */
  lastEventId: z.coerce.number().int().min(0).optional(),
});

/** Data of a `conference.changed` event and the snapshot's `conference`. */
export const conferenceLiveSchema = z.object({
  /** Null while the bridge is not open (meeting not live, or LiveKit not answering). */
  rollCall: conferenceRollCallSchema.nullable(),
  recording: recordingStatusSchema,
  /** The programme is being recorded to video (the programme recorder). */
  videoRecording: z.boolean(),
  removed: z.array(conferenceRemovalSchema),
  /** The chair ended the video bridge while the meeting goes on. */
  ended: z.boolean(),
});
/** The bridge as the chair's console shows it. */
export type ConferenceLive = z.infer<typeof conferenceLiveSchema>;

/** Query of `GET /api/meetings/:id/live/state`. */
export const liveStateQuerySchema = z.object({
  /** `0`: no stream ticket (a screen reading the snapshot again while its stream stays open). */
  ticket: z.enum(['0', '1']).default('1'),
  /** `minutes`: also the meeting's minutes record as the caller may see it (the minutes screen). */
  include: z.enum(['minutes']).optional(),
});

/**
 * Answer of `GET /api/meetings/:id/live/state`: everything a live screen shows, and the `seq`
 * it is current to (connect the stream with `lastEventId=seq` to continue from there).
 */
export const liveSnapshotSchema = z.object({
  meetingId: objectIdSchema,
  seq: z.number().int(),
  state: z.enum(meetingStates),
  currentItemId: objectIdSchema.nullable(),
  agenda: z.array(agendaItemSchema),
  floor: floorStateSchema,
  polls: z.array(pollSchema),
  attendance: attendanceSchema,
  at: isoDateTimeSchema,
  /** What the screens show of the meeting itself. */
  meeting: z.object({
    title: z.string(),
    place: z.string(),
    startsAt: isoDateTimeSchema,
    hostUnitName: z.string().nullable(),
  }),
  /** The caller's role and rights (as `GET /api/meetings/:id/access`). */
  access: meetingAccessSchema,
  /** The documents (empty when the caller may not read them). */
  documents: z.array(meetingDocumentSchema),
  /** The bridge points and their operators. */
  sites: z.array(siteSchema),
  /** The chat as the caller may read it; null when the caller may not read it. */
  chat: chatListSchema.nullable(),
  /** The caller's ballot in each open poll. */
  ballots: z.array(myBallotSchema),
  /**
   * The bridge for the chair and the secretary (the last `conference.changed`); null for
   * others, or before the bridge first reported.
   */
  conference: conferenceLiveSchema.nullable(),
  /**
   * A single-use ticket (purpose `live`) for `GET /api/meetings/:id/live`, so that a screen
   * opens with this request and the stream, nothing else. Null when asked with `ticket=0`.
   */
  ticket: ticketResponseSchema.nullable(),
  /** The minutes record (as `GET /api/meetings/:id/minutes`), when asked with `include=minutes`. */
  minutes: meetingMinutesSchema.optional(),
});
/**
 * A live screen's state: everything a live screen (room, chair console, bridge, hall, minutes)
 * needs to open, served from the per-meeting read model held in memory (server/live/read-model.ts).
 */
export type LiveSnapshot = z.infer<typeof liveSnapshotSchema>;

/** The part of a snapshot that live events change in place (see live-apply.ts). */
export type LiveCore = Pick<
  LiveSnapshot,
  'seq' | 'state' | 'currentItemId' | 'agenda' | 'floor' | 'polls' | 'attendance'
>;
