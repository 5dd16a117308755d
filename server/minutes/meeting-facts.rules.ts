import { isPresent } from '../contracts/attendance';
import type { AttendanceStatus } from '../contracts/attendance';
import { presidingStatus } from '../attendance/attendance-status';
import type { Poll } from '../contracts/votes';
import type { AttendeeFact, PollFact, SiteFact } from './templates/meeting-facts';

// The rules by which the signed minutes state facts. Pure functions of what the record holds:
// each rule is unit-tested (tests/unit/minutes-facts-rules.test.ts), and the facts service
// only reads the record and hands it here.

/** One person's roll-call line, as the facts need it. */
export interface PersonRecord {
  userId: string;
  name: string;
  status: AttendanceStatus;
  reason: string | null;
  siteId: string | null;
  /** Name of the person this one stands in for. */
  substituteFor?: string;
}

/**
 * The attendees: present when the roll call or the video says so, and the chair and the
 * secretary present unless marked otherwise.
 */
export function attendeeFacts(
  people: readonly PersonRecord[],
  presiding: { chairId: string; secretaryId: string | null },
): AttendeeFact[] {
  return people.map((p) => {
    const isPresiding = p.userId === presiding.chairId || p.userId === presiding.secretaryId;
    const present = isPresent(presidingStatus(p.status, isPresiding, true));
    return {
      name: p.name,
      present,
      ...(p.siteId ? { siteId: p.siteId } : {}),
      ...(p.substituteFor ? { substituteFor: p.substituteFor } : {}),
      ...(!present && p.reason ? { absenceReason: p.reason } : {}),
    };
  });
}

/** A period during which a site was connected by video. */
export interface ConnectionRecord {
  joinedAt: Date;
  leftAt: Date | null;
}

/** A site (bridge point) as the record holds it. */
export interface SiteRecord {
  id: string;
  name: string;
  status: AttendanceStatus;
  /** When the roll call last marked it. */
  markedAt: Date | null;
  connections: readonly ConnectionRecord[];
  /** Who operates it (its people even when no invitee sits there). */
  operators: readonly string[];
}

/**
 * The sites: a site is present from its first connection (or when the roll call marks it
 * present), with its connection periods, merged and in order, each closed at `endedAt` when
 * the link was still open when the meeting ended; and the people who operate it.
 */
export function siteFacts(sites: readonly SiteRecord[], endedAt: Date | null): SiteFact[] {
  return sites.map((s) => {
    const periods = [...s.connections]
      .sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime())
      .map((c) => ({ from: c.joinedAt, to: c.leftAt ?? endedAt }));
    const merged: { from: Date; to: Date | null }[] = [];
    for (const p of periods) {
      const last = merged[merged.length - 1];
      if (last && (last.to === null || last.to.getTime() >= p.from.getTime())) {
        if (last.to !== null && (p.to === null || p.to.getTime() > last.to.getTime())) {
          last.to = p.to;
        }
      } else {
        merged.push({ ...p });
      }
    }
    const present = merged.length > 0 || isPresent(s.status);
    return {
      id: s.id,
      name: s.name,
      present,
      connections: merged.map((p) => ({
        from: p.from.toISOString(),
        ...(p.to ? { to: p.to.toISOString() } : {}),
      })),
      ...(merged.length === 0 && present && s.markedAt
        ? { markedPresentAt: s.markedAt.toISOString() }
        : {}),
      operators: [...s.operators],
    };
  });
}

/** A change of the current agenda item (from the audit chain). */
export interface CurrentItemChange {
  at: Date;
  itemId: string | null;
}

/**
 * The agenda item a speech belongs to: the item current when the floor was granted (null:
 * none). Without any recorded change of item, the item the request was made under.
 */
export function itemAtGrant(
  grantedAt: Date,
  changes: readonly CurrentItemChange[],
  requestedUnder: string | null,
): string | null {
  if (changes.length === 0) return requestedUnder;
  let current: string | null = null;
  for (const c of [...changes].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (c.at.getTime() > grantedAt.getTime()) break;
    current = c.itemId;
  }
  return current;
}

/** The pools an electorate is drawn from (counted from the participants). */
export interface ElectoratePools {
  /** Delegates invited (the pool of `present_delegates`). */
  delegates: number;
}

/**
 * A closed poll as the minutes state it: the count per option and the base its percentages
 * are taken on, which is the poll's electorate as its rule defines it (fixed when it opened),
 * named with the pool it was drawn from: the delegates present of the delegates invited, the
 * voting members present of all voting seats, or the people listed.
 */
export function pollFactOf(p: Poll, quorumBase: number, pools: ElectoratePools): PollFact {
  const results = p.results;
  const eligible = results?.eligible ?? p.eligibleCount;
  const base: PollFact['base'] =
    p.electorate === 'present_delegates'
      ? { label: 'đại biểu có mặt', pool: pools.delegates }
      : p.electorate === 'present_voting_members'
        ? { label: 'thành viên có quyền biểu quyết có mặt', pool: quorumBase }
        : { label: 'người được chỉ định biểu quyết', pool: eligible };
  return {
    question: p.question,
    options: p.options.map((label, i) => ({
      label,
      votes: results?.options.find((o) => o.index === i)?.count ?? 0,
    })),
    eligible,
    cast: results?.ballots ?? p.ballotsCast,
    anonymous: p.secret,
    base,
    ...(p.closedAt ? { closedAt: p.closedAt } : {}),
  };
}
