import { AccessToken, TrackSource } from 'livekit-server-sdk';
import type { VideoGrant } from 'livekit-server-sdk';
import { conferenceRoomName } from './contracts/conference-room';
import { grantProfiles, joinSources } from './contracts/grant-profiles';
import type { ConferenceRole, TrackSourceName } from './contracts/grant-profiles';
import { formatParticipantIdentity } from './contracts/participant-identity';
import type { ParticipantIdentity } from './contracts/participant-identity';
import { participantMetadataSchema } from './contracts/participant-metadata';
import type { ConferenceUnit, ParticipantMetadata } from './contracts/participant-metadata';
import type { LivekitEndpoint } from './livekit-health';
import { MediaError } from './media-errors';

/** Default lifetime of a conference token: 2 hours. */
export const DEFAULT_TOKEN_TTL_SECONDS = 2 * 60 * 60;
const MIN_TTL_SECONDS = 60;
const MAX_TTL_SECONDS = 24 * 60 * 60;

/** LiveKit's numeric track source for each of our source names. */
export const TRACK_SOURCE: Readonly<Record<TrackSourceName, TrackSource>> = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
  screen_share_audio: TrackSource.SCREEN_SHARE_AUDIO,
};

/** What a conference token is for. */
export interface ConferenceTokenRequest {
  meetingId: string;
  identity: ParticipantIdentity;
  role: ConferenceRole;
  displayName: string;
  /** The unit of a site (required) or the unit a person joins for (optional). */
  unit?: ConferenceUnit;
  /** Lifetime in seconds (60 s to 24 h; default 2 h). */
  ttlSeconds?: number;
}

/** A signed token and what the client needs with it. */
export interface ConferenceToken {
  token: string;
  identity: string;
  roomName: string;
  expiresAt: Date;
  metadata: ParticipantMetadata;
}

/** The LiveKit video grant of a role in a room (exported for tests and docs). */
export function videoGrantFor(role: ConferenceRole, roomName: string): VideoGrant {
  const p = grantProfiles[role];
  return {
    room: roomName,
    roomJoin: true,
    canSubscribe: p.canSubscribe,
    // Sites and delegates may publish their microphone from joining, muted (mutedSources).
    canPublish: p.canPublish || p.mutedSources.length > 0,
    canPublishSources: joinSources(role).map((s) => TRACK_SOURCE[s]),
    canPublishData: p.canPublishData,
    canUpdateOwnMetadata: false,
    hidden: p.hidden,
    // SECURITY: no roomAdmin/roomCreate/roomList in a participant token (see GrantProfile.admin).
  };
}

/**
 * Creates a LiveKit access token to join a meeting's conference with the grants of `role`.
 * Identity and metadata follow media/contracts; participants cannot change their metadata.
 * The token is checked when a connection starts: a participant already connected stays until
 * removed (LiveKit refreshes its session), a new connection after `expiresAt` is refused.
 * @throws MediaError `invalid_input` when the role does not fit the identity, a site has no unit,
 *   the meeting id is malformed or the lifetime is out of range.
 */
export async function createConferenceToken(
  endpoint: LivekitEndpoint,
  request: ConferenceTokenRequest,
): Promise<ConferenceToken> {
  const ttl = request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS || ttl > MAX_TTL_SECONDS) {
    throw new MediaError(
      'invalid_input',
      `Token lifetime must be a whole number of seconds between ${MIN_TTL_SECONDS} and ${MAX_TTL_SECONDS}; got ${ttl}.`,
    );
  }
  let roomName: string;
  let identity: string;
  try {
    roomName = conferenceRoomName(request.meetingId);
    identity = formatParticipantIdentity(request.identity);
  } catch (err) {
    throw new MediaError('invalid_input', (err as Error).message, { cause: err });
  }
  const parsed = participantMetadataSchema.safeParse({
    kind: request.identity.kind,
    role: request.role,
    displayName: request.displayName,
    ...(request.unit ? { unit: request.unit } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MediaError(
      'invalid_input',
      `Invalid participant: ${issue ? `${issue.path.join('.') || 'metadata'}: ${issue.message}` : 'bad metadata'}.`,
    );
  }
  const metadata = parsed.data;
  const issuedAt = Date.now();
  const at = new AccessToken(endpoint.apiKey, endpoint.apiSecret, {
    identity,
    name: metadata.displayName,
    metadata: JSON.stringify(metadata),
    ttl,
  });
  at.addGrant(videoGrantFor(request.role, roomName));
  const token = await at.toJwt();
  return {
    token,
    identity,
    roomName,
    expiresAt: new Date(issuedAt + ttl * 1000),
    metadata,
  };
}
