import { createHash } from 'node:crypto';
import { TokenVerifier, WebhookEvent } from 'livekit-server-sdk';
import type { ParticipantInfo } from 'livekit-server-sdk';
import { parseConferenceRoomName } from './contracts/conference-room';
import { parseParticipantIdentity } from './contracts/participant-identity';
import type { ParticipantIdentity } from './contracts/participant-identity';
import { parseParticipantMetadata } from './contracts/participant-metadata';
import type { ParticipantMetadata } from './contracts/participant-metadata';
import { MediaError } from './media-errors';

/** What every conference event carries. */
interface ConferenceEventBase {
  /** LiveKit's event id: the same event may be delivered twice; record it once. */
  eventId: string;
  meetingId: string;
  roomName: string;
  /** When it happened (LiveKit's clock; see each event for the precision). */
  at: Date;
}

/** What participant events carry. */
interface ParticipantEventBase extends ConferenceEventBase {
  identity: string;
  /** Null for an identity that does not follow media/contracts (recorded as is, or ignored). */
  parsed: ParticipantIdentity | null;
  /** Recorder and monitor: server helpers, not attendees. */
  service: boolean;
  /** LiveKit's id of this connection session: pairs a join with its leave. */
  participantSid: string;
  /** When this session joined (millisecond precision). */
  sessionJoinedAt: Date;
  displayName: string;
  metadata: ParticipantMetadata | null;
}

/** A participant connected (`at` = join time, millisecond precision). */
export interface ParticipantJoinedEvent extends ParticipantEventBase {
  type: 'participant_joined';
}

/**
 * A participant left or was dropped (`at` = LiveKit's event time, second precision, never before
 * the session's join).
 */
export interface ParticipantLeftEvent extends ParticipantEventBase {
  type: 'participant_left';
  /** LiveKit's disconnect reason (CLIENT_INITIATED, PARTICIPANT_REMOVED, ROOM_DELETED, ...). */
  reason: string;
}

/** The room was created or closed (`at` second precision). */
export interface RoomLifecycleEvent extends ConferenceEventBase {
  type: 'room_started' | 'room_finished';
}

/** A LiveKit webhook turned into what the host records. */
export type ConferenceEvent = ParticipantJoinedEvent | ParticipantLeftEvent | RoomLifecycleEvent;

/** Options of {@link ConferenceWebhook}. */
export interface ConferenceWebhookOptions {
  /** The key pair LiveKit signs webhooks with (its `webhook.api_key` and that key's secret). */
  apiKey: string;
  apiSecret: string;
  /** Accepted clock skew between LiveKit and us, in seconds (default 30). */
  clockToleranceSeconds?: number;
}

/**
 * Verifies LiveKit webhooks and turns them into {@link ConferenceEvent}s. The route must hand
 * over the raw body exactly as received (the signature covers its SHA-256) and the
 * `Authorization` header.
 */
export class ConferenceWebhook {
  private readonly verifier: TokenVerifier;

  constructor(private readonly options: ConferenceWebhookOptions) {
    this.verifier = new TokenVerifier(options.apiKey, options.apiSecret);
  }

  /**
   * Verifies and parses one webhook.
   * @returns the event, or null for a verified webhook we do not record (track and egress
   *   events, rooms that are not meeting conferences).
   * @throws MediaError `invalid_signature` (answer 401, record nothing) when the header is
   *   missing, the token is not signed with our key or expired, or the body hash differs;
   *   MediaError `invalid_payload` when a correctly signed body is not a webhook event.
   */
  async verify(
    rawBody: string | Buffer,
    authorization: string | undefined,
  ): Promise<ConferenceEvent | null> {
    const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
    if (!authorization) {
      throw new MediaError('invalid_signature', 'The LiveKit webhook has no Authorization header.');
    }
    // SECURITY: the signed token must verify and carry the SHA-256 of this exact body before
    // anything in the body is read.
    let claimedHash: string | undefined;
    try {
      const claims = await this.verifier.verify(
        authorization.replace(/^Bearer\s+/i, ''),
        this.options.clockToleranceSeconds ?? 30,
      );
      claimedHash = claims.sha256;
    } catch (err) {
      throw new MediaError(
        'invalid_signature',
        `The LiveKit webhook token does not verify: ${(err as Error).message}.`,
        { cause: err },
      );
    }
    const actualHash = createHash('sha256').update(body, 'utf8').digest('base64');
    if (claimedHash !== actualHash) {
      throw new MediaError(
        'invalid_signature',
        'The LiveKit webhook body does not match its signature (SHA-256 differs).',
      );
    }
    let event: WebhookEvent;
    try {
      event = WebhookEvent.fromJsonString(body, { ignoreUnknownFields: true });
    } catch (err) {
      throw new MediaError('invalid_payload', 'The LiveKit webhook body is not a webhook event.', {
        cause: err,
      });
    }
    return toConferenceEvent(event);
  }

  /**
   * Verifies a webhook and hands its event to `onEvent` (skipped for events we do not record).
   * @throws what {@link verify} throws, and whatever `onEvent` throws.
   */
  async handle(
    rawBody: string | Buffer,
    authorization: string | undefined,
    onEvent: (event: ConferenceEvent) => Promise<void> | void,
  ): Promise<ConferenceEvent | null> {
    const event = await this.verify(rawBody, authorization);
    if (event) await onEvent(event);
    return event;
  }
}

// LiveKit's DisconnectReason enum (livekit_models.proto), by number.
const DISCONNECT_REASONS = [
  'UNKNOWN_REASON',
  'CLIENT_INITIATED',
  'DUPLICATE_IDENTITY',
  'SERVER_SHUTDOWN',
  'PARTICIPANT_REMOVED',
  'ROOM_DELETED',
  'STATE_MISMATCH',
  'JOIN_FAILURE',
  'MIGRATION',
  'SIGNAL_CLOSE',
  'ROOM_CLOSED',
  'USER_UNAVAILABLE',
  'USER_REJECTED',
];

function toConferenceEvent(event: WebhookEvent): ConferenceEvent | null {
  const roomName = event.room?.name ?? '';
  const meetingId = parseConferenceRoomName(roomName);
  if (!meetingId || !event.id) return null;
  const base = { eventId: event.id, meetingId, roomName };
  const eventAt = new Date(Number(event.createdAt) * 1000);
  switch (event.event) {
    case 'room_started':
    case 'room_finished':
      return { ...base, type: event.event, at: eventAt };
    case 'participant_joined': {
      const p = participantBase(event.participant);
      return p ? { ...base, ...p, type: 'participant_joined', at: p.sessionJoinedAt } : null;
    }
    case 'participant_left': {
      const p = participantBase(event.participant);
      if (!p) return null;
      const at = eventAt < p.sessionJoinedAt ? p.sessionJoinedAt : eventAt;
      const reason =
        DISCONNECT_REASONS[event.participant?.disconnectReason ?? 0] ?? 'UNKNOWN_REASON';
      return { ...base, ...p, type: 'participant_left', at, reason };
    }
    default:
      return null;
  }
}

function participantBase(
  info: ParticipantInfo | undefined,
): Omit<ParticipantEventBase, keyof ConferenceEventBase> | null {
  if (!info?.identity) return null;
  const parsed = parseParticipantIdentity(info.identity);
  return {
    identity: info.identity,
    parsed,
    service: parsed?.kind === 'recorder' || parsed?.kind === 'monitor',
    participantSid: info.sid,
    sessionJoinedAt: new Date(Number(info.joinedAtMs) || Number(info.joinedAt) * 1000),
    displayName: info.name,
    metadata: parseParticipantMetadata(info.metadata),
  };
}
