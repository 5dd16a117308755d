import type { ConnectionQualityLevel } from './contracts/connection-quality';
import { siteIdentity } from './contracts/participant-identity';
import type { ConferenceUnit } from './contracts/participant-metadata';
import type { RollCall, RollCallParticipant, RollCallSite } from './contracts/roll-call';
import type { ConferenceParticipant } from './conference-participant';

/** What the monitor knows about one participant (see ConferenceMonitor). */
export interface ParticipantObservation {
  /** Quality as the participant last reported it, 'unknown' before its first report. */
  quality: ConnectionQualityLevel;
  /** When the last report arrived; null before the first. */
  reportedAt: Date | null;
  connected: boolean;
  /** Last sign of life: the last report, the join, or the disconnect. */
  lastSeenAt: Date;
}

/** Everything a roll call is built from. */
export interface RollCallInput {
  meetingId: string;
  /** The sites the meeting invited, in the order the roll call reads them. */
  expectedSites: readonly ConferenceUnit[];
  /** Participants connected now (ConferenceControl.listParticipants). */
  participants: readonly ConferenceParticipant[];
  /** The monitor's observations by identity (empty when no monitor runs). */
  observations?: ReadonlyMap<string, ParticipantObservation>;
  /** Unit codes the chair marked present by phone (the host stores them). */
  presentByPhone?: Iterable<string>;
  /** Last time each identity was seen, from the host's attendance records (older sessions). */
  lastSeen?: ReadonlyMap<string, Date>;
  /** A report older than this means the link is dead: quality 'lost' (default 30 s). */
  staleAfterMs?: number;
  now?: Date;
}

/**
 * Builds a roll call: each expected site connected (with its reported connection quality),
 * present by phone, or absent, with its last sign of life; and connected sites nobody expected.
 */
export function buildRollCall(input: RollCallInput): RollCall {
  const now = input.now ?? new Date();
  const staleAfter = input.staleAfterMs ?? 30_000;
  const byPhone = new Set(input.presentByPhone ?? []);
  const connected = new Map(
    input.participants.filter((p) => p.parsed?.kind === 'site').map((p) => [p.identity, p]),
  );
  const expectedIdentities = new Set<string>();
  const sites = input.expectedSites.map((unit): RollCallSite => {
    const identity = siteIdentity(unit.code);
    expectedIdentities.add(identity);
    const participant = connected.get(identity);
    const seen = input.observations?.get(identity);
    const phone = byPhone.has(unit.code);
    if (participant) {
      return {
        unit,
        identity,
        status: 'connected',
        quality: liveQuality(seen, now, staleAfter),
        joinedAt: participant.joinedAt.toISOString(),
        lastSeenAt: now.toISOString(),
        byPhone: phone,
      };
    }
    const last = latest(seen?.lastSeenAt, input.lastSeen?.get(identity));
    return {
      unit,
      identity,
      status: phone ? 'present_by_phone' : 'absent',
      quality: 'unknown',
      joinedAt: null,
      lastSeenAt: last ? last.toISOString() : null,
      byPhone: phone,
    };
  });
  const count = (status: RollCallSite['status']): number =>
    sites.filter((s) => s.status === status).length;
  return {
    meetingId: input.meetingId,
    takenAt: now.toISOString(),
    sites,
    participants: input.participants.filter((p) => !p.hidden).map(mediaOf),
    unexpected: [...connected.keys()].filter((id) => !expectedIdentities.has(id)).sort(),
    counts: {
      expected: sites.length,
      connected: count('connected'),
      presentByPhone: count('present_by_phone'),
      absent: count('absent'),
    },
  };
}

function mediaOf(p: ConferenceParticipant): RollCallParticipant {
  const mics = p.tracks.filter((t) => t.source === 'microphone');
  return {
    identity: p.identity,
    role: p.role,
    name: p.metadata?.displayName ?? p.name,
    canPublish: p.canPublish,
    camera: p.tracks.some((t) => t.source === 'camera' && !t.muted),
    microphone: mics.some((t) => !t.muted) ? 'on' : mics.length > 0 ? 'muted' : 'off',
  };
}

function liveQuality(
  seen: ParticipantObservation | undefined,
  now: Date,
  staleAfterMs: number,
): ConnectionQualityLevel {
  if (!seen?.reportedAt) return 'unknown';
  // Reports ride the same connection as the media: silence means the link is gone.
  if (now.getTime() - seen.reportedAt.getTime() > staleAfterMs) return 'lost';
  return seen.quality;
}

function latest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
