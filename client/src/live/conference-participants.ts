import { ConnectionQuality, DisconnectReason, Track } from 'livekit-client';
import type {
  Participant,
  RemoteAudioTrack,
  RemoteParticipant,
  TrackPublication,
} from 'livekit-client';
import type { ConnectionQualityLevel } from '../../../media/contracts/connection-quality';
import { alwaysPublishes, floorGrantedIn } from '../../../media/contracts/grant-profiles';
import { parseParticipantMetadata } from '../../../media/contracts/participant-metadata';
import type { ConferenceTile, MicrophoneState } from './conference-types';

/*
 * How the bridge screens read LiveKit's participants (see useConference.ts): who is on air, the
 * tile each participant shows as, and which tile is the programme.
 */

/** A microphone publication as the screens show it. */
export function microphoneOf(pub: TrackPublication | undefined): MicrophoneState {
  if (!pub) return 'off';
  return pub.isMuted ? 'muted' : 'on';
}

/** LiveKit's connection quality in the words of media/contracts. */
export const QUALITY: Record<ConnectionQuality, ConnectionQualityLevel> = {
  [ConnectionQuality.Excellent]: 'excellent',
  [ConnectionQuality.Good]: 'good',
  [ConnectionQuality.Poor]: 'poor',
  [ConnectionQuality.Lost]: 'lost',
  [ConnectionQuality.Unknown]: 'unknown',
};

/** Reasons after which the app must not rejoin by itself. */
export const FINAL_REASONS = new Set<DisconnectReason>([
  DisconnectReason.CLIENT_INITIATED,
  DisconnectReason.DUPLICATE_IDENTITY,
  DisconnectReason.PARTICIPANT_REMOVED,
  DisconnectReason.ROOM_DELETED,
]);

/**
 * On air: the chair and the hub always; sites and delegates while the server marks them as
 * holding the floor (an attribute only the server writes).
 */
export function onAir(p: Participant): boolean {
  const role = parseParticipantMetadata(p.metadata)?.role;
  if (role && alwaysPublishes(role)) return p.permissions?.canPublish ?? false;
  return floorGrantedIn(p.attributes);
}

/** One remote participant as a tile; in audio-only mode without camera or shared screen. */
export function tileOf(
  p: RemoteParticipant,
  view: { audioOnly: boolean; speaking: ReadonlySet<string> },
): ConferenceTile {
  const meta = parseParticipantMetadata(p.metadata);
  const cam = p.getTrackPublication(Track.Source.Camera);
  const screen = p.getTrackPublication(Track.Source.ScreenShare);
  const mic = p.getTrackPublication(Track.Source.Microphone);
  return {
    identity: p.identity,
    name: meta?.displayName ?? p.name ?? p.identity,
    role: meta?.role ?? 'observer',
    canPublish: onAir(p),
    video: view.audioOnly ? null : (cam?.track ?? null),
    screen: view.audioOnly ? null : (screen?.track ?? null),
    audio: (mic?.track ?? null) as RemoteAudioTrack | null,
    quality: QUALITY[p.connectionQuality],
    speaking: view.speaking.has(p.identity),
    microphone: microphoneOf(mic),
  };
}

/** The tile every screen shows large: the spotlight, else the floor holder, else the chair. */
export function programmeOf(
  list: readonly ConferenceTile[],
  spotlight: string | null | undefined,
): ConferenceTile | null {
  const isChair = (x: ConferenceTile): boolean => x.role === 'chair' || x.role === 'hub';
  return (
    (spotlight ? list.find((x) => x.identity === spotlight) : undefined) ??
    list.find((x) => !isChair(x) && x.canPublish && (x.video ?? x.audio)) ??
    list.find((x) => isChair(x) && x.video) ??
    list.find(isChair) ??
    list.find((x) => x.video) ??
    null
  );
}
