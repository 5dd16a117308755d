import { RoomServiceClient, ServerError } from 'livekit-server-sdk';
import type { ParticipantInfo } from 'livekit-server-sdk';
import { conferenceRoomName } from './contracts/conference-room';
import { livekitHttpUrl } from './livekit-health';
import type { LivekitEndpoint } from './livekit-health';
import { MediaError } from './media-errors';

/**
 * LiveKit's server API (RoomServiceClient) as the conference controls use it: every call goes
 * through {@link LivekitRoomApi.call}, which turns LiveKit's answers into MediaErrors
 * (`room_not_found`, `not_connected`, `livekit_unavailable`).
 */
export class LivekitRoomApi {
  readonly client: RoomServiceClient;

  constructor(endpoint: LivekitEndpoint) {
    const { url, apiKey, apiSecret } = endpoint;
    this.client = new RoomServiceClient(livekitHttpUrl(url), apiKey, apiSecret);
  }

  /** Whether the meeting's room is open. */
  async isOpen(meetingId: string): Promise<boolean> {
    const rooms = await this.call(() => this.client.listRooms([roomName(meetingId)]));
    return rooms.length > 0;
  }

  /** One participant as LiveKit reports it. @throws `not_connected`, `room_not_found`. */
  async participantInfo(meetingId: string, identity: string): Promise<ParticipantInfo> {
    const name = roomName(meetingId);
    return this.call(() => this.client.getParticipant(name, identity), meetingId, identity);
  }

  /**
   * Runs a server API call, turning LiveKit's answers into MediaErrors. With a meeting and an
   * identity, a 404 in an open room means the participant is not connected.
   */
  async call<T>(fn: () => Promise<T>, meetingId?: string, identity?: string): Promise<T> {
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

/** The meeting's room name. @throws MediaError `invalid_input` for a malformed meeting id. */
export function roomName(meetingId: string): string {
  try {
    return conferenceRoomName(meetingId);
  } catch (err) {
    throw new MediaError('invalid_input', (err as Error).message, { cause: err });
  }
}

/** The error for a meeting whose room is not open. */
export function roomNotFound(meetingId: string): MediaError {
  return new MediaError(
    'room_not_found',
    `The conference of meeting ${meetingId} is not open (the meeting is not live).`,
  );
}
