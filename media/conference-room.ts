import { parseRoomMetadata, roomMetadataSchema } from './contracts/conference-room';
import type { CurrentItem, RoomMetadata } from './contracts/conference-room';
import { toParticipant } from './conference-participant';
import type { ConferenceParticipant } from './conference-participant';
import { roomName, roomNotFound } from './livekit-room-api';
import type { LivekitRoomApi } from './livekit-room-api';
import { MediaError } from './media-errors';

/** Limits a room is created with. */
export interface RoomLimits {
  /** Seconds LiveKit keeps a room nobody joined or everyone left (default 600). */
  emptyTimeoutSeconds?: number;
  /** Most participants a room accepts (default 500; 0 = LiveKit's limit). */
  maxParticipants?: number;
}

/** The meeting facts the room starts with. */
export interface OpenRoomInput {
  meetingId: string;
  title: string;
  currentItem?: CurrentItem | null;
}

/**
 * A meeting's room in LiveKit: opening and closing it, its metadata (title, current item,
 * spotlight, recording), and who is in it. Used through {@link ConferenceControl}.
 */
export class ConferenceRooms {
  private readonly metadataQueues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly api: LivekitRoomApi,
    private readonly limits: RoomLimits,
  ) {}

  /**
   * Creates the room with its metadata (idempotent: an open room gets the given title and item).
   * @throws MediaError `invalid_input` for a malformed meeting id or title.
   */
  async openRoom(input: OpenRoomInput): Promise<RoomMetadata> {
    const name = roomName(input.meetingId);
    const parsed = roomMetadataSchema.safeParse({
      meetingId: input.meetingId,
      title: input.title,
      currentItem: input.currentItem ?? null,
      spotlight: null,
    });
    if (!parsed.success)
      throw new MediaError('invalid_input', `Invalid room: ${parsed.error.message}`);
    const metadata = JSON.stringify(parsed.data);
    const room = await this.api.call(() =>
      this.api.client.createRoom({
        name,
        metadata,
        emptyTimeout: this.limits.emptyTimeoutSeconds ?? 600,
        departureTimeout: 20,
        maxParticipants: this.limits.maxParticipants ?? 500,
      }),
    );
    if (room.metadata !== metadata) {
      const current = parseRoomMetadata(room.metadata);
      const merged = { ...parsed.data, spotlight: current?.spotlight ?? null };
      await this.api.call(() => this.api.client.updateRoomMetadata(name, JSON.stringify(merged)));
      return merged;
    }
    return parsed.data;
  }

  /** Disconnects everyone and deletes the room. @returns false when no room was open. */
  async closeRoom(meetingId: string): Promise<boolean> {
    const name = roomName(meetingId);
    if (!(await this.api.isOpen(meetingId))) return false;
    try {
      await this.api.call(() => this.api.client.deleteRoom(name));
      return true;
    } catch (err) {
      if (err instanceof MediaError && err.code === 'room_not_found') return false;
      throw err;
    }
  }

  /** The room's metadata. @throws MediaError `room_not_found`. */
  async roomMetadata(meetingId: string): Promise<RoomMetadata> {
    const rooms = await this.api.call(() => this.api.client.listRooms([roomName(meetingId)]));
    const room = rooms[0];
    if (!room) throw roomNotFound(meetingId);
    const metadata = parseRoomMetadata(room.metadata);
    if (!metadata)
      throw new MediaError(
        'room_not_found',
        `Room of meeting ${meetingId} has no conference metadata.`,
      );
    return metadata;
  }

  /**
   * Changes the room's metadata: read, `change`, validate, write.
   * @throws MediaError `room_not_found`.
   */
  updateMetadata(
    meetingId: string,
    change: (m: RoomMetadata) => RoomMetadata,
  ): Promise<RoomMetadata> {
    // Read-modify-write of the room metadata, serialized per meeting within this process.
    // Across API nodes the last writer wins (only the chair changes it).
    const previous = this.metadataQueues.get(meetingId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const updated = roomMetadataSchema.parse(change(await this.roomMetadata(meetingId)));
        await this.api.call(() =>
          this.api.client.updateRoomMetadata(roomName(meetingId), JSON.stringify(updated)),
        );
        return updated;
      });
    this.metadataQueues.set(meetingId, next);
    void next
      .finally(() => {
        if (this.metadataQueues.get(meetingId) === next) this.metadataQueues.delete(meetingId);
      })
      .catch(() => undefined);
    return next;
  }

  /** Participants in the room (hidden helpers left out unless asked). @throws `room_not_found`. */
  async listParticipants(
    meetingId: string,
    options: { includeHidden?: boolean } = {},
  ): Promise<ConferenceParticipant[]> {
    const name = roomName(meetingId);
    if (!(await this.api.isOpen(meetingId))) throw roomNotFound(meetingId);
    const infos = await this.api.call(() => this.api.client.listParticipants(name));
    return infos.map(toParticipant).filter((p) => options.includeHidden === true || !p.hidden);
  }

  /** Disconnects a participant. @throws MediaError `not_connected`, `room_not_found`. */
  async removeParticipant(meetingId: string, identity: string): Promise<void> {
    const name = roomName(meetingId);
    await this.api.call(
      () => this.api.client.removeParticipant(name, identity),
      meetingId,
      identity,
    );
  }
}
