import { canHoldFloor } from '../contracts/grant-profiles';
import type { ConferenceRole } from '../contracts/grant-profiles';

/** What the programme choice needs to know of a participant. */
export interface ProgrammeCandidate {
  identity: string;
  /** From its metadata; null for a participant that is not ours. */
  role: ConferenceRole | null;
  /** Publishes a camera or a screen now. */
  hasVideo: boolean;
  /** Publishes a microphone now. */
  hasAudio: boolean;
}

/**
 * Who the programme shows, the rule every screen follows: the spotlight when it is connected;
 * else the floor holder (a role that publishes only with the floor and publishes now); else the
 * hub (the provincial hall), else the chair; else anyone with a picture; else nobody (black).
 * Hidden helpers never appear.
 */
export function chooseProgramme(
  candidates: readonly ProgrammeCandidate[],
  spotlight: string | null,
): string | null {
  const visible = candidates.filter((c) => c.role !== 'recorder' && c.role !== 'monitor');
  const spot = spotlight ? visible.find((c) => c.identity === spotlight) : undefined;
  if (spot) return spot.identity;
  const floor = visible.find(
    (c) => c.role !== null && canHoldFloor(c.role) && (c.hasVideo || c.hasAudio),
  );
  if (floor) return floor.identity;
  const byRole = (role: ConferenceRole): ProgrammeCandidate | undefined =>
    visible.find((c) => c.role === role && c.hasVideo) ?? visible.find((c) => c.role === role);
  return (byRole('hub') ?? byRole('chair') ?? visible.find((c) => c.hasVideo))?.identity ?? null;
}
