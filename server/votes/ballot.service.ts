import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import type { CastBallotInput, MyBallot, PollVoters } from '../contracts/votes';
import { appError, conflict, forbidden, notFound } from '../errors';
import { requireAccess } from '../meetings/meeting-access.service';
import { userService } from '../users/user.service';
import { isDuplicateKey } from '../write-serialization';
import { noteCast } from './ballot-store';
import { heldOpenPoll, holdIfOpen, releasePoll, stillOpen } from './open-polls';
import { BallotModel, PollVoterModel } from './poll.model';
import type { PollLean } from './poll.model';
import { loadPoll } from './poll.service';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

/** A random ballot id: unlike an ObjectId it carries no time and no counter. */
function randomBallotId(): string {
  return randomBytes(16).toString('hex');
}

function closedWhileCasting(): Error {
  return conflict('The poll closed before your ballot was recorded; it was not counted.');
}

/** The poll a cast goes to: held while open (open-polls.ts), else read. @throws AppError 404. */
async function pollForCast(meetingId: string, pollId: string): Promise<PollLean> {
  const held = heldOpenPoll(pollId);
  if (held) {
    if (!held.meetingId.equals(oid(meetingId))) throw notFound(`Poll ${pollId}`);
    return held;
  }
  const poll = await loadPoll(meetingId, pollId);
  holdIfOpen(poll);
  return poll;
}

/** After the ballot is stored: false (and the poll no longer held) when it closed meanwhile. */
async function stillOpenAfterCast(poll: PollLean): Promise<boolean> {
  if (await stillOpen(poll._id)) return true;
  releasePoll(poll._id.toHexString());
  return false;
}

async function castSecret(
  poll: PollLean,
  voterId: Types.ObjectId,
  choice: number,
): Promise<MyBallot> {
  try {
    await PollVoterModel.create({ pollId: poll._id, voterId });
  } catch (err) {
    if (isDuplicateKey(err))
      throw conflict(
        'You have already voted in this secret poll; a secret ballot cannot be changed.',
      );
    throw err;
  }
  const id = randomBallotId();
  // SECURITY: no voter, no time, no sequential id: nothing on the ballot points at its voter.
  try {
    await BallotModel.create({ _id: id, key: id, pollId: poll._id, choice });
  } catch (err) {
    // The voter is marked but the ballot was not stored (e.g. the database was busy): unmark,
    // so that the voter can cast again instead of being locked out with no ballot counted.
    await PollVoterModel.deleteOne({ pollId: poll._id, voterId });
    throw err;
  }
  if (!(await stillOpenAfterCast(poll))) {
    await BallotModel.deleteOne({ _id: id });
    await PollVoterModel.deleteOne({ pollId: poll._id, voterId });
    throw closedWhileCasting();
  }
  return { pollId: poll._id.toHexString(), voted: true, choice: null, replaced: false };
}

async function castNamed(
  poll: PollLean,
  voterId: Types.ObjectId,
  choice: number,
): Promise<MyBallot> {
  // A named ballot's id is its key: the duplicate check and the replacement both go by _id,
  // which FerretDB looks up directly instead of scanning.
  const key = `${poll._id.toHexString()}:${voterId.toHexString()}`;
  let created = false;
  let previous: number | null = null;
  try {
    await BallotModel.create({
      _id: key,
      key,
      pollId: poll._id,
      voterId,
      choice,
      castAt: new Date(),
    });
    created = true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    if (!poll.allowChange) {
      throw conflict(
        'You have already voted in this poll, and it does not allow changing a ballot.',
      );
    }
    const before = await BallotModel.findOneAndUpdate(
      { _id: key },
      { $set: { choice, castAt: new Date() } },
    ).lean();
    previous = before?.choice ?? null;
  }
  if (!(await stillOpenAfterCast(poll))) {
    if (created) await BallotModel.deleteOne({ _id: key });
    else if (previous !== null)
      await BallotModel.updateOne({ _id: key }, { $set: { choice: previous } });
    throw closedWhileCasting();
  }
  return { pollId: poll._id.toHexString(), voted: true, choice, replaced: !created };
}

/** Casting ballots and reading who voted. */
export const ballotService = {
  /**
   * Casts the caller's ballot. One ballot per voter per poll (unique index): a second cast
   * replaces the first when the poll allows it, and is refused otherwise (always, in a
   * secret poll). A cast racing the close is either counted or refused, never lost silently.
   * @throws AppError 400 (no such option), 403 (not eligible), 404, 409 (not open, voted).
   */
  async cast(
    actor: AuthUser,
    meetingId: string,
    pollId: string,
    input: CastBallotInput,
  ): Promise<MyBallot> {
    const poll = await pollForCast(meetingId, pollId);
    const voterId = oid(actor.id);
    const notOpen = () =>
      conflict(`The poll is ${poll.status}; ballots are cast while it is open.`, {
        current: poll.status,
      });
    if (!poll.eligibleIds.some((e) => e.equals(voterId))) {
      await requireAccess(actor, meetingId);
      if (poll.status !== 'open') throw notOpen();
      throw forbidden('You may not vote in this poll (who may vote was fixed when it opened).');
    }
    if (poll.status !== 'open') throw notOpen();
    if (input.choice >= poll.options.length) {
      throw appError(
        'validation_failed',
        400,
        `Invalid input. body.choice: choose 0 to ${poll.options.length - 1}.`,
        {
          issues: [{ path: 'body.choice', message: `choose 0 to ${poll.options.length - 1}` }],
        },
      );
    }
    const ballot = poll.secret
      ? await castSecret(poll, voterId, input.choice)
      : await castNamed(poll, voterId, input.choice);
    noteCast(meetingId, pollId, actor.id, poll.secret);
    return ballot;
  },

  /** Whether the caller voted (and, in a named poll, how). @throws AppError 403/404. */
  async mine(actor: AuthUser, meetingId: string, pollId: string): Promise<MyBallot> {
    await requireAccess(actor, meetingId);
    const poll = await loadPoll(meetingId, pollId);
    const voterId = oid(actor.id);
    if (poll.secret) {
      const voted =
        poll.votedIds.some((v) => v.equals(voterId)) ||
        (await PollVoterModel.exists({ pollId: poll._id, voterId })) !== null;
      return { pollId, voted, choice: null, replaced: false };
    }
    const ballot = await BallotModel.findOne(
      { key: `${pollId}:${actor.id}` },
      { choice: 1 },
    ).lean();
    return { pollId, voted: ballot !== null, choice: ballot?.choice ?? null, replaced: false };
  },

  /** Who voted; in a named poll also how, once closed. @throws AppError 403/404. */
  async voters(actor: AuthUser, meetingId: string, pollId: string): Promise<PollVoters> {
    await requireAccess(actor, meetingId);
    const poll = await loadPoll(meetingId, pollId);
    let rows: { userId: string; choice: number | null }[];
    if (poll.secret) {
      const ids =
        poll.status === 'closed'
          ? poll.votedIds
          : (await PollVoterModel.find({ pollId: poll._id }, { voterId: 1 }).lean()).map(
              (v) => v.voterId,
            );
      rows = ids.map((id) => ({ userId: id.toHexString(), choice: null }));
    } else {
      const ballots = await BallotModel.find(
        { pollId: poll._id },
        { voterId: 1, choice: 1 },
      ).lean();
      rows = ballots.flatMap((b) =>
        b.voterId
          ? [
              {
                userId: b.voterId.toHexString(),
                choice: poll.status === 'closed' ? b.choice : null,
              },
            ]
          : [],
      );
    }
    const names = new Map(
      (await userService.getMany(rows.map((r) => r.userId))).map((u) => [u.id, u.fullName]),
    );
    const voters = rows
      .map((r) => ({ ...r, fullName: names.get(r.userId) ?? '' }))
      .sort(
        (a, b) => a.fullName.localeCompare(b.fullName, 'vi') || a.userId.localeCompare(b.userId),
      );
    return { pollId, secret: poll.secret, voters };
  },
};
