import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { auditService } from '../audit/audit.service';
import { liveService } from '../live/live.service';
import { BallotModel } from './poll.model';

let log: Logger | undefined;

/** Gives the ballot store a logger for failures of its background work. */
export function useBallotLogger(logger: Logger): void {
  log = logger;
}

/** Ballot counts of a poll by choice index (counting documents, never a stored tally). */
export async function countBallots(pollId: Types.ObjectId): Promise<Map<number, number>> {
  const rows = await BallotModel.aggregate<{ _id: number; n: number }>([
    { $match: { pollId } },
    { $group: { _id: '$choice', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [r._id, r.n]));
}

/** How many ballots a poll holds. */
export function ballotsCast(pollId: Types.ObjectId): Promise<number> {
  return BallotModel.countDocuments({ pollId });
}

/** SHA-256 over the poll's ballots (id and choice, sorted): binds the ballot set into the audit chain at close. */
export async function ballotDigest(pollId: Types.ObjectId): Promise<string> {
  const rows = await BallotModel.find({ pollId }, { _id: 1, choice: 1 }).lean();
  const lines = rows.map((r) => `${r._id}:${r.choice}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * Waits until the ballot count of a closed poll stops changing: a cast that inserted its
 * ballot just before the close sees the poll closed on its re-check and removes the ballot
 * again; counting after that settles gives the final, immutable results.
 */
export async function settledCount(pollId: Types.ObjectId): Promise<void> {
  let last = await ballotsCast(pollId);
  const deadline = Date.now() + 2000;
  for (let stable = 0; stable < 2 && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = await ballotsCast(pollId);
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
}

interface PendingCasts {
  meetingId: string;
  secret: boolean;
  voters: string[];
  count: number;
  timer: NodeJS.Timeout;
}

const AUDIT_BATCH_MS = 250;
const PROGRESS_MS = 150;
const pendingAudit = new Map<string, PendingCasts>();
const pendingProgress = new Map<string, NodeJS.Timeout>();

async function flushAudit(pollId: string): Promise<void> {
  const batch = pendingAudit.get(pollId);
  if (!batch) return;
  pendingAudit.delete(pollId);
  clearTimeout(batch.timer);
  // SECURITY: for a secret poll only the number of ballots is recorded: who voted is in
  // poll_voters, and a per-voter entry with a time could be matched with ballot order.
  await auditService.append({
    meetingId: batch.meetingId,
    actor: null,
    action: 'poll.ballots_cast',
    target: { kind: 'poll', id: pollId },
    after: batch.secret ? { count: batch.count } : { count: batch.count, voters: batch.voters },
  });
}

/**
 * Records casts in the audit chain in batches (one entry per poll every 250 ms, not one per
 * ballot: hundreds of voters at once would otherwise queue on the chain), and schedules a
 * coalesced `poll.progress` live event.
 */
export function noteCast(
  meetingId: string,
  pollId: string,
  voterId: string,
  secret: boolean,
): void {
  const batch = pendingAudit.get(pollId);
  if (batch) {
    batch.count++;
    if (!secret) batch.voters.push(voterId);
  } else {
    const timer = setTimeout(() => {
      flushAudit(pollId).catch((err: unknown) =>
        log?.error({ err, pollId }, 'ballot audit batch failed'),
      );
    }, AUDIT_BATCH_MS);
    pendingAudit.set(pollId, {
      meetingId,
      secret,
      voters: secret ? [] : [voterId],
      count: 1,
      timer,
    });
  }
  if (!pendingProgress.has(pollId)) {
    pendingProgress.set(
      pollId,
      setTimeout(() => {
        pendingProgress.delete(pollId);
        ballotsCast(new Types.ObjectId(pollId))
          .then((n) => liveService.publish(meetingId, 'poll.progress', { pollId, ballotsCast: n }))
          .catch((err: unknown) => log?.error({ err, pollId }, 'poll progress event failed'));
      }, PROGRESS_MS),
    );
  }
}

/** Writes the pending audit batch of a poll now (before its close entry). */
export async function flushCasts(pollId: string): Promise<void> {
  await flushAudit(pollId);
}

/** Writes every pending audit batch (at shutdown). */
export async function flushAllCasts(): Promise<void> {
  await Promise.allSettled([...pendingAudit.keys()].map((id) => flushAudit(id)));
  for (const timer of pendingProgress.values()) clearTimeout(timer);
  pendingProgress.clear();
}
