import type { AgendaItem } from './agenda';
import type { Attendance, AttendanceEntry, QuorumStatus } from './attendance';
import type { LiveCore, LiveEvent } from './live';
import type { MeetingState } from './meetings';
import type { FloorState } from './speakers';
import type { Poll } from './votes';

/** What {@link applyLiveEvent} asks the caller to do after an event. */
export type LiveFollowUp = 'none' | 'resync';

function entryKey(e: AttendanceEntry): string {
  return `${e.subject.kind}:${e.subject.id}`;
}

function mergeEntries(list: AttendanceEntry[], changed: AttendanceEntry[]): AttendanceEntry[] {
  const byKey = new Map(changed.map((e) => [entryKey(e), e]));
  const out = list.map((e) => {
    const next = byKey.get(entryKey(e));
    if (next) byKey.delete(entryKey(e));
    return next ?? e;
  });
  return [...out, ...byKey.values()];
}

function upsertPoll(polls: Poll[], poll: Poll): Poll[] {
  const i = polls.findIndex((p) => p.id === poll.id);
  if (i < 0) return [...polls, poll];
  const next = polls.slice();
  next[i] = poll;
  return next;
}

/**
 * Applies one live event to the state (in place) and says whether the caller must fetch the
 * snapshot again (a `resync`, or an event that carries too little to apply). Events at or
 * before the state's `seq` are ignored, so a replay after a reconnect is harmless. The one
 * rule shared by the screens (client/src/live) and the server's read model (server/live), so
 * that both hold the same state after the same events.
 */
export function applyLiveEvent(state: LiveCore, event: LiveEvent): LiveFollowUp {
  if (event.seq <= state.seq) return 'none';
  if (event.seq > state.seq + 1 && state.seq > 0) {
    // A gap: something was missed that the server did not replay.
    return 'resync';
  }
  state.seq = event.seq;
  const d = event.data;
  switch (event.type) {
    case 'meeting.state':
      state.state = d.state as MeetingState;
      return 'none';
    case 'agenda.changed':
      state.agenda = d.items as AgendaItem[];
      state.currentItemId = (d.currentItemId as string | null | undefined) ?? null;
      return 'none';
    case 'agenda.current': {
      const current = (d.currentItemId as string | null | undefined) ?? null;
      const previous = (d.previousItemId as string | null | undefined) ?? null;
      state.currentItemId = current;
      state.agenda = state.agenda.map((item) => {
        if (item.id === current) return { ...item, status: 'current' };
        if (item.id === previous && item.status === 'current') return { ...item, status: 'done' };
        return item;
      });
      return 'none';
    }
    case 'floor.changed':
      state.floor = d.floor as FloorState;
      return 'none';
    case 'poll.changed':
      state.polls = upsertPoll(state.polls, d.poll as Poll);
      return 'none';
    case 'poll.progress': {
      const id = d.pollId as string;
      const cast = d.ballotsCast as number;
      state.polls = state.polls.map((p) =>
        p.id === id && cast > p.ballotsCast ? { ...p, ballotsCast: cast } : p,
      );
      return 'none';
    }
    case 'attendance.changed': {
      const entries = d.entries as AttendanceEntry[];
      const att: Attendance = state.attendance;
      state.attendance = {
        ...att,
        people: mergeEntries(
          att.people,
          entries.filter((e) => e.subject.kind === 'user'),
        ),
        sites: mergeEntries(
          att.sites,
          entries.filter((e) => e.subject.kind === 'site'),
        ),
        quorum: d.quorum as QuorumStatus,
      };
      return 'none';
    }
    case 'resync':
      return 'resync';
    case 'meeting.updated':
    case 'participants.changed':
    case 'documents.changed':
    case 'conference.unmute_requested':
    case 'minutes.changed':
    case 'chat.message':
    case 'chat.hidden':
    case 'restricted':
    case 'conference.refused':
    case 'conference.changed':
      return 'none';
  }
}
