import type { AttendanceStatus } from '../contracts/attendance';

/** A roll-call mark as the resolver sees it. */
export interface MarkFact {
  status: AttendanceStatus;
  reason: string | null;
  by: string;
  at: Date;
}

/** A video connection period as the resolver sees it. */
export interface IntervalFact {
  joinedAt: Date;
  leftAt: Date | null;
}

/** Where a person or site stands, from their marks and video connections. */
export interface ResolvedStatus {
  status: AttendanceStatus;
  reason: string | null;
  markedBy: string | null;
  markedAt: Date | null;
  connected: boolean;
  remoteSeconds: number;
}

/**
 * The status of one person or site: connected by video → present remotely (unless marked
 * present in the room after joining); otherwise the latest roll-call mark, or unmarked.
 * Remote time adds up every connection period (an open one until `now`).
 */
export function resolveStatus(
  marks: readonly MarkFact[],
  intervals: readonly IntervalFact[],
  now: Date,
): ResolvedStatus {
  const latest = marks.reduce<MarkFact | null>((a, m) => (!a || m.at >= a.at ? m : a), null);
  const open = intervals
    .filter((i) => i.leftAt === null)
    .reduce<IntervalFact | null>((a, i) => (!a || i.joinedAt > a.joinedAt ? i : a), null);
  const remoteMs = intervals.reduce(
    (sum, i) => sum + Math.max(0, (i.leftAt ?? now).getTime() - i.joinedAt.getTime()),
    0,
  );
  const base = {
    markedBy: latest?.by ?? null,
    markedAt: latest?.at ?? null,
    connected: open !== null,
    remoteSeconds: Math.round(remoteMs / 100) / 10,
  };
  if (open && !(latest?.status === 'present_in_room' && latest.at > open.joinedAt)) {
    return { ...base, status: 'present_remote', reason: null };
  }
  return { ...base, status: latest?.status ?? 'unmarked', reason: latest?.reason ?? null };
}

/**
 * Whoever chairs or keeps the minutes is present unless marked otherwise: an unmarked chair or
 * secretary of a meeting that has started counts as present in the room (the quorum, the
 * electorate of a poll and the minutes all follow).
 */
export function presidingStatus(
  status: AttendanceStatus,
  presiding: boolean,
  started: boolean,
): AttendanceStatus {
  return presiding && started && status === 'unmarked' ? 'present_in_room' : status;
}
