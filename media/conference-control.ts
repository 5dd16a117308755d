import type { CurrentItem, RoomMetadata } from './contracts/conference-room';
import type { ConferenceRole, TrackSourceName } from './contracts/grant-profiles';
import * as floor from './conference-floor';
import { toParticipant } from './conference-participant';
import type { ConferenceParticipant } from './conference-participant';
import { ConferenceRooms } from './conference-room';
import type { OpenRoomInput, RoomLimits } from './conference-room';
import type { LivekitEndpoint } from './livekit-health';
import { LivekitRoomApi } from './livekit-room-api';

export type { OpenRoomInput } from './conference-room';

/** Options of {@link ConferenceControl}. */
export interface ConferenceControlOptions extends RoomLimits {
  endpoint: LivekitEndpoint;
  /**
   * The role of a connected participant as this process already knows it (the meeting's
   * monitor), or null; lets a floor grant skip asking LiveKit. Must not throw.
   */
  knownRole?: (meetingId: string, identity: string) => Promise<ConferenceRole | null>;
}

/**
 * Chair controls of a meeting's conference through LiveKit's server API (RoomServiceClient).
 * Every method takes the meeting id; the room name follows media/contracts. Authorization is
 * the caller's job (the server's meeting policy); this class assumes it was checked.
 * Every method may throw MediaError `livekit_unavailable` when LiveKit does not answer.
 * The room's lifecycle and metadata live in conference-room.ts, the floor and the mutes in
 * conference-floor.ts, the call wrapper in livekit-room-api.ts.
 */
export class ConferenceControl {
  private readonly api: LivekitRoomApi;
  private readonly rooms: ConferenceRooms;
  private readonly knownRole: ConferenceControlOptions['knownRole'];

  constructor(options: ConferenceControlOptions) {
    this.api = new LivekitRoomApi(options.endpoint);
    this.knownRole = options.knownRole;
    this.rooms = new ConferenceRooms(this.api, options);
  }

  /**
   * Creates the room when the meeting goes live, with its metadata (idempotent: an open room
   * gets the given title and item).
   * @throws MediaError `invalid_input` for a malformed meeting id or title.
   */
  openRoom(input: OpenRoomInput): Promise<RoomMetadata> {
    return this.rooms.openRoom(input);
  }

  /**
   * Closes the room when the meeting ends: every participant is disconnected.
   * @returns false when there was no open room (idempotent).
   */
  closeRoom(meetingId: string): Promise<boolean> {
    return this.rooms.closeRoom(meetingId);
  }

  /** Whether the meeting's room is open. */
  isOpen(meetingId: string): Promise<boolean> {
    return this.api.isOpen(meetingId);
  }

  /** The room's metadata. @throws MediaError `room_not_found`. */
  roomMetadata(meetingId: string): Promise<RoomMetadata> {
    return this.rooms.roomMetadata(meetingId);
  }

  /** Shows the agenda item under discussion on every screen. @throws MediaError `room_not_found`. */
  setCurrentItem(meetingId: string, item: CurrentItem | null): Promise<RoomMetadata> {
    return this.rooms.updateMetadata(meetingId, (m) => ({ ...m, currentItem: item }));
  }

  /**
   * Spotlights a participant on every screen (null clears it).
   * @throws MediaError `room_not_found`, `not_connected` when the participant is not in the room.
   */
  async setSpotlight(meetingId: string, identity: string | null): Promise<RoomMetadata> {
    if (identity !== null) await this.api.participantInfo(meetingId, identity);
    return this.rooms.updateMetadata(meetingId, (m) => ({ ...m, spotlight: identity }));
  }

  /**
   * Tells every screen what is being recorded (null: nothing), for its recording indicator.
   * @throws MediaError `room_not_found`.
   */
  setRecording(meetingId: string, kind: 'audio' | 'video' | null): Promise<RoomMetadata> {
    return this.rooms.updateMetadata(meetingId, (m) => ({ ...m, recording: kind }));
  }

  /** Participants in the room (hidden helpers left out unless asked). @throws `room_not_found`. */
  listParticipants(
    meetingId: string,
    options: { includeHidden?: boolean } = {},
  ): Promise<ConferenceParticipant[]> {
    return this.rooms.listParticipants(meetingId, options);
  }

  /**
   * Gives the floor: the server marks the participant as holding it (attribute
   * FLOOR_ATTRIBUTE), lets it publish `sources` (microphone and camera by default) until
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
    const role = (await this.knownRole?.(meetingId, identity)) ?? null;
    return floor.grantFloor(this.api, meetingId, identity, sources, role);
  }

  /**
   * Ends the floor: the attribute is cleared, the microphone muted (it stays published, ready
   * for the next grant) and the floor's other sources withdrawn (LiveKit unpublishes those
   * tracks).
   * @throws MediaError `not_connected`, `room_not_found`, `not_allowed` for the chair or hub.
   */
  endFloor(meetingId: string, identity: string): Promise<ConferenceParticipant> {
    return floor.endFloor(this.api, meetingId, identity);
  }

  /**
   * Enforces the floor after a participant unmuted a track itself (the monitor saw it): a
   * participant that may speak only with the floor and does not hold it now is muted again.
   * Reads the participant from LiveKit, so a grant that raced the event is respected.
   * @returns the sids muted again (empty when the participant holds the floor or may speak).
   * @throws MediaError `not_connected`, `room_not_found`.
   */
  enforceFloor(meetingId: string, identity: string): Promise<string[]> {
    return floor.enforceFloor(this.api, meetingId, identity);
  }

  /**
   * Mutes a participant's published tracks of one source (the microphone by default). The
   * participant may unmute itself if it still holds the floor (LiveKit has no remote unmute).
   * @returns the sids of the tracks muted now (empty when nothing was unmuted).
   * @throws MediaError `not_connected`, `room_not_found`.
   */
  muteTrack(
    meetingId: string,
    identity: string,
    source: TrackSourceName = 'microphone',
  ): Promise<string[]> {
    return floor.muteTrack(this.api, meetingId, identity, source);
  }

  /**
   * Mutes the microphone of everyone but the chair and the hub (delegates and sites that hold
   * the floor keep it and may unmute themselves).
   * @returns the identities whose microphone was muted now.
   * @throws MediaError `room_not_found`.
   */
  muteAllExceptChair(meetingId: string): Promise<string[]> {
    return floor.muteAllExceptChair(this.api, meetingId);
  }

  /**
   * Disconnects a participant. It may rejoin while its token is valid unless the host stops
   * issuing tokens to it (or changes its grants).
   * @throws MediaError `not_connected`, `room_not_found`.
   */
  removeParticipant(meetingId: string, identity: string): Promise<void> {
    return this.rooms.removeParticipant(meetingId, identity);
  }

  /** One participant as the server sees it. @throws `not_connected`, `room_not_found`. */
  async getParticipant(meetingId: string, identity: string): Promise<ConferenceParticipant> {
    return toParticipant(await this.api.participantInfo(meetingId, identity));
  }
}
