import type { Types } from 'mongoose';
import { PollModel } from './poll.model';
import type { PollLean } from './poll.model';

// What a cast reads of its poll, kept cheap. 200 voters casting within two seconds used to
// read the poll twice each (before the ballot, to check it is open and who may vote, and
// after, to check it did not close meanwhile): 400 reads queued with the inserts in front of
// FerretDB. Who may vote, the options and the kind of ballot are fixed when a poll opens, so
// an open poll is held here once read; only its status still changes (to closed, once).

const MAX_HELD = 1000;
const held = new Map<string, PollLean>();

/** The poll as read while open, if this process holds it. */
export function heldOpenPoll(pollId: string): PollLean | undefined {
  return held.get(pollId);
}

/** Holds a poll read from the database while it is open (anything else is not held). */
export function holdIfOpen(poll: PollLean): void {
  if (poll.status !== 'open') return;
  if (held.size >= MAX_HELD) held.clear();
  held.set(poll._id.toHexString(), poll);
}

/** Forgets a poll (it closed, here or in another process). */
export function releasePoll(pollId: string): void {
  held.delete(pollId);
}

/**
 * Reads by key, each one started after it was asked for, shared by those asking meanwhile:
 * a caller that arrives while a read of its key is running waits for the next one (it may
 * need to see a write it just made), and callers that arrive before that next read starts
 * share it. So there is at most one read running and one queued per key.
 */
export function freshReads<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const running = new Map<string, Promise<T>>();
  const queued = new Map<string, Promise<T>>();
  return (key) => {
    const waiting = queued.get(key);
    if (waiting) return waiting;
    const start = (): Promise<T> => {
      queued.delete(key);
      const current = read(key);
      running.set(key, current);
      const done = () => {
        if (running.get(key) === current) running.delete(key);
      };
      current.then(done, done);
      return current;
    };
    const before = running.get(key);
    const next = before ? before.then(start, start) : Promise.resolve().then(start);
    queued.set(key, next);
    return next;
  };
}

const readStatus = freshReads(async (pollId) => {
  const p = await PollModel.findById(pollId, { status: 1 }).lean();
  return p?.status === 'open';
});

/**
 * Whether the poll is still open, read from the database by a read that starts after this
 * call: a cast asks it after storing its ballot, and a close writes the status before it
 * counts, so a ballot that sees "open" here is in the count. Casts that ask while a read is
 * running share the next read (see {@link freshReads}), so a burst of casts costs a few
 * reads instead of one each.
 */
export function stillOpen(pollId: Types.ObjectId): Promise<boolean> {
  return readStatus(pollId.toHexString());
}
