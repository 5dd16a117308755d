import { z } from 'zod';

/**
 * The LiveKit room of a meeting's conference is named `meeting-<meetingId>` (a 24-character
 * lowercase hexadecimal object id). One room per meeting; cascaded conferences add
 * `meeting-<meetingId>-<unitCode>` rooms per district (see docs/media.md).
 */
export function conferenceRoomName(meetingId: string): string {
  if (!MEETING_ID.test(meetingId)) throw new Error(`invalid meeting id: ${meetingId}`);
  return `meeting-${meetingId}`;
}

const MEETING_ID = /^[0-9a-f]{24}$/;
const ROOM_NAME = /^meeting-([0-9a-f]{24})$/;

/** The meeting id of a conference room name; null for any other room. */
export function parseConferenceRoomName(name: string): string | null {
  return ROOM_NAME.exec(name)?.[1] ?? null;
}

/** The agenda item under discussion, as every screen shows it. */
export const currentItemSchema = z.object({
  id: z.string().min(1).max(64),
  title: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .transform((s) => s.normalize('NFC')),
});

/** Type of {@link currentItemSchema}. */
export type CurrentItem = z.infer<typeof currentItemSchema>;

/**
 * Room metadata: what every screen of the conference shows besides the media. The server writes
 * it through the LiveKit server API; clients read it (livekit-client `room.metadata`) and
 * re-render on `RoomEvent.RoomMetadataChanged`.
 */
export const roomMetadataSchema = z.object({
  meetingId: z.string().regex(MEETING_ID),
  title: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .transform((s) => s.normalize('NFC')),
  currentItem: currentItemSchema.nullable(),
  /** Identity of the participant every screen shows large, or null. */
  spotlight: z.string().min(1).max(128).nullable(),
  /** What is being recorded now, for every screen's recording indicator (absent: nothing). */
  recording: z.enum(['audio', 'video']).nullable().optional(),
});

/** Type of {@link roomMetadataSchema}. */
export type RoomMetadata = z.infer<typeof roomMetadataSchema>;

/** Parses room metadata read from LiveKit; null when it is absent or not ours. */
export function parseRoomMetadata(text: string | undefined): RoomMetadata | null {
  if (!text) return null;
  try {
    const parsed = roomMetadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
