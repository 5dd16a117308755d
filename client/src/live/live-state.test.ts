import { describe, expect, it } from 'vitest';
import type { AgendaItem } from '../../../server/contracts/agenda';
import type { AttendanceEntry } from '../../../server/contracts/attendance';
import type { LiveCore, LiveEvent } from '../../../server/contracts/live';
import type { Poll } from '../../../server/contracts/votes';
import { applyLiveEvent } from './live-state';
import { reconnectDelay } from './useLiveMeeting';

const M = 'a'.repeat(24);
const id = (n: number): string => n.toString(16).padStart(24, '0');

function item(n: number, status: AgendaItem['status'] = 'pending'): AgendaItem {
  return {
    id: id(n),
    meetingId: M,
    order: n,
    title: `Mục ${String(n)}`,
    presenterId: null,
    presenterName: null,
    durationMinutes: 10,
    documentIds: [],
    notes: '',
    status,
  };
}

function entry(n: number, status: AttendanceEntry['status']): AttendanceEntry {
  return {
    subject: { kind: 'user', id: id(n), name: `Người ${String(n)}` },
    status,
    reason: null,
    markedBy: null,
    markedAt: null,
    connected: false,
    remoteSeconds: 0,
    voting: true,
    substituteFor: null,
  };
}

function snapshot(seq = 5): LiveCore & { meetingId: string; at: string } {
  return {
    meetingId: M,
    seq,
    state: 'live',
    currentItemId: id(1),
    agenda: [item(1, 'current'), item(2), item(3)],
    floor: { meetingId: M, maxSpeakers: 1, speaking: [], queue: [] },
    polls: [],
    attendance: {
      meetingId: M,
      people: [entry(10, 'unmarked'), entry(11, 'unmarked')],
      sites: [],
      quorum: {
        rule: { numerator: 1, denominator: 2, inclusive: false },
        votingMembers: 2,
        present: 0,
        required: 2,
        met: false,
      },
    },
    at: new Date().toISOString(),
  };
}

function ev(seq: number, type: LiveEvent['type'], data: Record<string, unknown>): LiveEvent {
  return { meetingId: M, seq, type, at: new Date().toISOString(), data };
}

describe('applyLiveEvent', () => {
  it('moves the current item: the new one is current, the previous one done', () => {
    const s = snapshot();
    expect(
      applyLiveEvent(s, ev(6, 'agenda.current', { currentItemId: id(2), previousItemId: id(1) })),
    ).toBe('none');
    expect(s.currentItemId).toBe(id(2));
    expect(s.agenda.map((i) => i.status)).toEqual(['done', 'current', 'pending']);
    expect(s.seq).toBe(6);
  });

  it('ignores events already applied (a replay after reconnecting)', () => {
    const s = snapshot();
    applyLiveEvent(s, ev(6, 'agenda.current', { currentItemId: id(3), previousItemId: id(1) }));
    applyLiveEvent(s, ev(6, 'agenda.current', { currentItemId: id(2), previousItemId: id(3) }));
    applyLiveEvent(s, ev(4, 'meeting.state', { state: 'ended', previous: 'live' }));
    expect(s.currentItemId).toBe(id(3));
    expect(s.state).toBe('live');
  });

  it('asks for the snapshot after a gap or a resync event', () => {
    expect(applyLiveEvent(snapshot(), ev(8, 'meeting.state', { state: 'ended' }))).toBe('resync');
    expect(applyLiveEvent(snapshot(), ev(6, 'resync', {}))).toBe('resync');
  });

  it('merges changed roll-call lines and takes the new quorum', () => {
    const s = snapshot();
    const quorum = { ...s.attendance.quorum, present: 1, met: false };
    applyLiveEvent(
      s,
      ev(6, 'attendance.changed', { entries: [entry(11, 'present_in_room')], quorum }),
    );
    expect(s.attendance.people.map((p) => p.status)).toEqual(['unmarked', 'present_in_room']);
    expect(s.attendance.quorum.present).toBe(1);
  });

  it('adds and replaces polls, and counts ballots only upwards', () => {
    const s = snapshot();
    const poll = {
      id: id(50),
      meetingId: M,
      agendaItemId: null,
      question: 'Thông qua?',
      options: ['Có', 'Không'],
      secret: false,
      allowChange: false,
      electorate: 'present_delegates',
      quorum: { numerator: 1, denominator: 2, inclusive: false },
      status: 'open',
      eligibleCount: 3,
      ballotsCast: 0,
      openedAt: null,
      closedAt: null,
      createdBy: id(1),
      createdAt: new Date().toISOString(),
      results: null,
    } satisfies Poll;
    applyLiveEvent(s, ev(6, 'poll.changed', { poll }));
    applyLiveEvent(s, ev(7, 'poll.progress', { pollId: poll.id, ballotsCast: 2 }));
    applyLiveEvent(s, ev(8, 'poll.progress', { pollId: poll.id, ballotsCast: 1 }));
    expect(s.polls).toHaveLength(1);
    expect(s.polls[0]?.ballotsCast).toBe(2);
    applyLiveEvent(s, ev(9, 'poll.changed', { poll: { ...poll, status: 'closed' } }));
    expect(s.polls.map((p) => p.status)).toEqual(['closed']);
  });
});

describe('reconnectDelay', () => {
  it('doubles from half a second and stops at ten seconds', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(reconnectDelay)).toEqual([
      500, 1000, 2000, 4000, 8000, 10000, 10000, 10000,
    ]);
  });
});
