import { TrackType } from 'livekit-server-sdk';
import type { ParticipantInfo } from 'livekit-server-sdk';
import { TRACK_SOURCE } from './access-tokens';
import { alwaysPublishes, canHoldFloor, floorGrantedIn } from './contracts/grant-profiles';
import type { ConferenceRole, TrackSourceName } from './contracts/grant-profiles';
import { parseParticipantIdentity } from './contracts/participant-identity';
import type { ParticipantIdentity } from './contracts/participant-identity';
import { parseParticipantMetadata } from './contracts/participant-metadata';
import type { ParticipantMetadata } from './contracts/participant-metadata';

/** A published track as the chair's screen lists it. */
export interface ConferenceTrack {
  sid: string;
  kind: 'audio' | 'video' | 'data';
  source: TrackSourceName | 'unknown';
  muted: boolean;
}

/** A participant of a conference as the server sees it. */
export interface ConferenceParticipant {
  identity: string;
  /** Parsed identity; null for a participant that does not follow our format. */
  parsed: ParticipantIdentity | null;
  name: string;
  metadata: ParticipantMetadata | null;
  role: ConferenceRole | null;
  joinedAt: Date;
  /** On air: a role that always publishes (chair, hub), or one that holds the floor now. */
  canPublish: boolean;
  /** Holds the floor: a role that speaks only with the floor, granted it by the server. */
  holdsFloor: boolean;
  hidden: boolean;
  tracks: ConferenceTrack[];
}

const SOURCE_NAME = new Map<number, TrackSourceName>(
  Object.entries(TRACK_SOURCE).map(([name, value]) => [value, name as TrackSourceName]),
);

/** The role a participant's metadata gives it (null for a foreign participant). */
export function roleOf(info: ParticipantInfo): ConferenceRole | null {
  return parseParticipantMetadata(info.metadata)?.role ?? null;
}

/** A LiveKit participant as the chair controls and roll call see it. */
export function toParticipant(info: ParticipantInfo): ConferenceParticipant {
  const metadata = parseParticipantMetadata(info.metadata);
  const role = metadata?.role ?? null;
  const holdsFloor = role !== null && canHoldFloor(role) && floorGrantedIn(info.attributes);
  const canPublish =
    (info.permission?.canPublish ?? false) &&
    (holdsFloor || (role !== null && alwaysPublishes(role)));
  return {
    identity: info.identity,
    parsed: parseParticipantIdentity(info.identity),
    name: info.name,
    metadata,
    role,
    joinedAt: new Date(Number(info.joinedAtMs) || Number(info.joinedAt) * 1000),
    canPublish,
    holdsFloor,
    hidden: info.permission?.hidden ?? false,
    tracks: info.tracks.map((t) => ({
      sid: t.sid,
      kind: t.type === TrackType.AUDIO ? 'audio' : t.type === TrackType.VIDEO ? 'video' : 'data',
      source: SOURCE_NAME.get(t.source) ?? 'unknown',
      muted: t.muted,
    })),
  };
}
