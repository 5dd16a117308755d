import { RoomServiceClient, ServerError } from 'livekit-server-sdk';
import type { ParticipantInfo, ParticipantPermission } from 'livekit-server-sdk';
import {
  conferenceRoomName,
  parseRoomMetadata,
  roomMetadataSchema,
} from './contracts/conference-room';
import type { CurrentItem, RoomMetadata } from './contracts/conference-room';
import {
  alwaysPublishes,
  canHoldFloor,
  FLOOR_ATTRIBUTE,
  FLOOR_GRANTED,
  floorGrantedIn,
  grantProfiles,
  joinSources,
} from './contracts/grant-profiles';
import type { ConferenceRole, TrackSourceName } from './contracts/grant-profiles';
import { TRACK_SOURCE } from './access-tokens';
import { roleOf, toParticipant } from './conference-participant';
import type { ConferenceParticipant } from './conference-participant';
import { livekitHttpUrl } from './livekit-health';
import type { LivekitEndpoint } from './livekit-health';
import { MediaError } from './media-errors';

/** Options of {@link ConferenceControl}. */
export interface ConferenceControlOptions {
  endpoint: LivekitEndpoint;
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
 * Chair controls of a meeting's conference through LiveKit's server API (RoomServiceClient).
 * Every method takes the meeting id; the room name follows media/contracts. Authorization is
 * the caller's job (the server's meeting policy); this class assumes it was checked.
 * Every method may throw MediaError `livekit_unavailable` when LiveKit does not answer.
 */
export class ConferenceControl {
  private readonly client: RoomServiceClient;
  private readonly metadataQueues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: ConferenceControlOptions) {
    const { url, apiKey, apiSecret } = options.endpoint;
    this.client = new RoomServiceClient(livekitHttpUrl(url), apiKey, apiSecret);
  }

  /**
   * Creates the room when the meeting goes live, with its metadata (idempotent: an open room
   * gets the given title and item).
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
    const room = await this.call(() =>
      this.client.createRoom({
        name,
        metadata,
        emptyTimeout: this.options.emptyTimeoutSeconds ?? 600,
        departureTimeout: 20,
        maxParticipants: this.options.maxParticipants ?? 500,
      }),
    );
    if (room.metadata !== metadata) {
      const current = parseRoomMetadata(room.metadata);
      const merged = { ...parsed.data, spotlight: current?.spotlight ?? null };
      await this.call(() => this.client.updateRoomMetadata(name, JSON.stringify(merged)));
      return merged;
    }
    return parsed.data;
  }

  /**
   * Closes the room when the meeting ends: every participant is disconnected.
   * @returns false when there was no open room (idempotent).
   */
  async closeRoom(meetingId: string): Promise<boolean> {
    const name = roomName(meetingId);
    if (!(await this.isOpen(meetingId))) return false;
    try {
      await this.call(() => this.client.deleteRoom(name));
      return true;
    } catch (err) {
      if (err instanceof MediaError && err.code === 'room_not_found') return false;
      throw err;
    }
  }

  /** Whether the meeting's room is open. */
  async isOpen(meetingId: string): Promise<boolean> {
    const rooms = await this.call(() => this.client.listRooms([roomName(meetingId)]));
    return rooms.length > 0;
  }

  /** The room's metadata. @throws MediaError `room_not_found`. */
  async roomMetadata(meetingId: string): Promise<RoomMetadata> {
    const rooms = await this.call(() => this.client.listRooms([roomName(meetingId)]));
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

  /** Shows the agenda item under discussion on every screen. @throws MediaError `room_not_found`. */
  async setCurrentItem(meetingId: string, item: CurrentItem | null): Promise<RoomMetadata> {
    return this.updateMetadata(meetingId, (m) => ({ ...m, currentItem: item }));
  }

  /**
   * Spotlights a participant on every screen (null clears it).
   * @throws MediaError `room_not_found`, `not_connected` when the participant is not in the room.
   */
  async setSpotlight(meetingId: string, identity: string | null): Promise<RoomMetadata> {
    if (identity !== null) await this.participantInfo(meetingId, identity);
    return this.updateMetadata(meetingId, (m) => ({ ...m, spotlight: identity }));
  }

  /**
   * Tells every screen what is being recorded (null: nothing), for its recording indicator.
   * @throws MediaError `room_not_found`.
   */
  async setRecording(meetingId: string, kind: 'audio' | 'video' | null): Promise<RoomMetadata> {
    return this.updateMetadata(meetingId, (m) => ({ ...m, recording: kind }));
  }

  /** Participants in the room (hidden helpers left out unless asked). @throws `room_not_found`. */
  async listParticipants(
    meetingId: string,
    options: { includeHidden?: boolean } = {},
  ): Promise<ConferenceParticipant[]> {
    const name = roomName(meetingId);
    if (!(await this.isOpen(meetingId))) throw roomNotFound(meetingId);
    const infos = await this.call(() => this.client.listParticipants(name));
    return infos.map(toParticipant).filter((p) => options.includeHidden === true || !p.hidden);
  }

  /**
   * Gives the floor: the server marks the participant as holding it (attribute
   * {@link FLOOR_ATTRIBUTE}), lets it publish `sources` (microphone and camera by default) until
   * {@link endFloor}, and unmutes the microphone it published muted on joining: the SFU forwards
   * it at once, nothing is negotiated. A client that had not published its microphone yet
   * publishes it when it sees the attribute.
   * @throws MediaError `not_connected`, `room_not_found`, `not_allowed` for a role that never
   *   takes the floor (observer, helpers) or a source the role may not use.
   */
  async grantFloor(
    meetingId: string,
    identity: string,
    sources?: readonly TrackSourceName[],
  ): Promise<ConferenceParticipant> {
    const { info, role } = await this.floorTaker(meetingId, identity);
    const allowed = grantProfiles[role].floorSources;
    const chosen = sources ?? allowed;
    const bad = chosen.filter((s) => !allowed.includes(s));
    if (bad.length > 0 || chosen.length === 0) {
      throw new MediaError(
        'not_allowed',
        `The floor opens only ${allowed.join(', ')} for a ${role}.`,
      );
    }
    return this.setFloor(meetingId, info, role, chosen);
  }

  /**
   * Ends the floor: the attribute is cleared, the microphone muted (it stays published, ready
   * for the next grant) and the floor's other sources withdrawn (LiveKit unpublishes those
   * tracks).
   * @throws MediaError `not_connected`, `room_not_found`, `not_allowed` for the chair or hub.
   */
  async endFloor(meetingId: string, identity: string): Promise<ConferenceParticipant> {
    const { info, role } = await this.floorTaker(meetingId, identity);
    return this.setFloor(meetingId, info, role, null);
  }

  /**
   * Enforces the floor after a participant unmuted a track itself (the monitor saw it): a
   * participant that may speak only with the floor and does not hold it now is muted again.
   * Reads the participant from LiveKit, so a grant that raced the event is respected.
   * @returns the sids muted again (empty when the participant holds the floor or may speak).
   * @throws MediaError `not_connected`, `room_not_found`.
   */
  async enforceFloor(meetingId: string, identity: string): Promise<string[]> {
    const info = await this.participantInfo(meetingId, identity);
    const role = roleOf(info);
    if (role && alwaysPublishes(role)) return [];
    if (role && canHoldFloor(role) && floorGrantedIn(info.attributes)) return [];
    const name = roomName(meetingId);
    const open = info.tracks.filter((t) => !t.muted);
    for (const track of open) {
      await this.call(
        () => this.client.mutePublishedTrack(name, identity, track.sid, true),
        meetingId,
        identity,
      );
    }
    return open.map((t) => t.sid);
  }

  /**
   * Mutes a participant's published tracks of one source (the microphone by default). The
   * participant may unmute itself if it still holds the floor (LiveKit has no remote unmute).
   * @returns the sids of the tracks muted now (empty when nothing was unmuted).
   * @throws MediaError `not_connected`, `room_not_found`.
   */
  async muteTrack(
    meetingId: string,
    identity: string,
    source: TrackSourceName = 'microphone',
  ): Promise<string[]> {
    const info = await this.participantInfo(meetingId, identity);
    return this.muteSource(meetingId, info, source);
  }

  /**
   * Mutes the microphone of everyone but the chair and the hub (delegates and sites that hold
   * the floor keep it and may unmute themselves).
   * @returns the identities whose microphone was muted now.
   * @throws MediaError `room_not_found`.
   */
  async muteAllExceptChair(meetingId: string): Promise<string[]> {
    const name = roomName(meetingId);
    if (!(await this.isOpen(meetingId))) throw roomNotFound(meetingId);
    const infos = await this.call(() => this.client.listParticipants(name));
    const targets = infos.filter((info) => {
      const role = roleOf(info);
      return !(role && alwaysPublishes(role));
    });
    const muted: string[] = [];
    await forEachLimited(targets, 8, async (info) => {
      const sids = await this.muteSource(meetingId, info, 'microphone').catch((err: unknown) => {
        // The participant left between the listing and the mute: nothing to mute.
        if (err instanceof MediaError && err.code === 'not_connected') return [];
        throw err;
      });
      if (sids.length > 0) muted.push(info.identity);
    });
    return muted.sort();
  }

  /**
   * Disconnects a participant. It may rejoin while its token is valid unless the host stops
   * issuing tokens to it (or changes its grants).
   * @throws MediaError `not_connected`, `room_not_found`.
   */
  async removeParticipant(meetingId: string, identity: string): Promise<void> {
    const name = roomName(meetingId);
    await this.call(() => this.client.removeParticipant(name, identity), meetingId, identity);
  }

  /** One participant as the server sees it. @throws `not_connected`, `room_not_found`. */
  async getParticipant(meetingId: string, identity: string): Promise<ConferenceParticipant> {
    return toParticipant(await this.participantInfo(meetingId, identity));
  }

  /**
   * A participant whose role takes the floor by grant, with that role.
   * @throws MediaError `not_allowed` for a role that always has it or never takes it;
   *   `not_connected`, `room_not_found`.
   */
  private async floorTaker(
    meetingId: string,
    identity: string,
  ): Promise<{ info: ParticipantInfo; role: ConferenceRole }> {
    const info = await this.participantInfo(meetingId, identity);
    const role = roleOf(info);
    if (!role || !canHoldFloor(role)) {
      throw new MediaError(
        'not_allowed',
        role && alwaysPublishes(role)
          ? `${identity} (${role}) always has the floor.`
          : `${identity} cannot take the floor (role ${role ?? 'unknown'}).`,
      );
    }
    return { info, role };
  }

  private async participantInfo(meetingId: string, identity: string): Promise<ParticipantInfo> {
    const name = roomName(meetingId);
    return this.call(() => this.client.getParticipant(name, identity), meetingId, identity);
  }

  private async setFloor(
    meetingId: string,
    info: ParticipantInfo,
    role: ConferenceRole,
    granted: readonly TrackSourceName[] | null,
  ): Promise<ConferenceParticipant> {
    const on = granted !== null;
    const sources = [...new Set([...joinSources(role), ...(granted ?? [])])];
    // LiveKit replaces the whole permission: start from the current one.
    const current = info.permission;
    const permission: Partial<ParticipantPermission> = {
      canSubscribe: current?.canSubscribe ?? true,
      canPublishData: current?.canPublishData ?? false,
      canUpdateMetadata: false,
      hidden: current?.hidden ?? false,
      canPublish: sources.length > 0,
      canPublishSources: sources.map((s) => TRACK_SOURCE[s]),
    };
    const name = roomName(meetingId);
    // SECURITY: the attribute changes before the microphone is unmuted: the monitor mutes again
    // any microphone unmuted by a participant that does not hold the floor (enforceFloor).
    const updated = await this.call(
      () =>
        this.client.updateParticipant(name, info.identity, {
          permission,
          // An empty value deletes the attribute.
          attributes: { [FLOOR_ATTRIBUTE]: on ? FLOOR_GRANTED : '' },
        }),
      meetingId,
      info.identity,
    );
    const unmute = on && granted.includes('microphone');
    const mic = TRACK_SOURCE.microphone;
    // Grant: unmute the muted microphone (room.enable_remote_unmute). End: mute it.
    const toChange = updated.tracks.filter(
      (t) => t.source === mic && (on ? unmute && t.muted : !t.muted),
    );
    for (const track of toChange) {
      await this.call(
        () => this.client.mutePublishedTrack(name, info.identity, track.sid, !on),
        meetingId,
        info.identity,
      );
      track.muted = !on;
    }
    return toParticipant(updated);
  }

  private async muteSource(
    meetingId: string,
    info: ParticipantInfo,
    source: TrackSourceName,
  ): Promise<string[]> {
    const wanted = TRACK_SOURCE[source];
    const tracks = info.tracks.filter((t) => t.source === wanted && !t.muted);
    const name = roomName(meetingId);
    for (const track of tracks) {
      await this.call(
        () => this.client.mutePublishedTrack(name, info.identity, track.sid, true),
        meetingId,
        info.identity,
      );
    }
    return tracks.map((t) => t.sid);
  }

  private updateMetadata(
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
        await this.call(() =>
          this.client.updateRoomMetadata(roomName(meetingId), JSON.stringify(updated)),
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

  /** Runs a server API call, turning LiveKit's answers into MediaErrors. */
  private async call<T>(fn: () => Promise<T>, meetingId?: string, identity?: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ServerError && (err.status === 404 || err.code === 'not_found')) {
        if (meetingId !== undefined && identity !== undefined && (await this.isOpen(meetingId))) {
          throw new MediaError('not_connected', `${identity} is not connected to the conference.`, {
            cause: err,
          });
        }
        throw new MediaError(
          'room_not_found',
          meetingId ? roomNotFound(meetingId).message : 'The conference room does not exist.',
          { cause: err },
        );
      }
      if (err instanceof MediaError) throw err;
      throw new MediaError(
        'livekit_unavailable',
        `LiveKit did not complete the request: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}

function roomName(meetingId: string): string {
  try {
    return conferenceRoomName(meetingId);
  } catch (err) {
    throw new MediaError('invalid_input', (err as Error).message, { cause: err });
  }
}

function roomNotFound(meetingId: string): MediaError {
  return new MediaError(
    'room_not_found',
    `The conference of meeting ${meetingId} is not open (the meeting is not live).`,
  );
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
