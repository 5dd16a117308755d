import { Types } from 'mongoose';
import { AgendaItemModel } from '../agenda/agenda-item.model';
import { buildAttendance } from '../attendance/attendance.service';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { isPresent } from '../contracts/attendance';
import type { CreatePollInput, Poll } from '../contracts/votes';
import { appError, conflict, notFound } from '../errors';
import { liveService } from '../live/live.service';
import { requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { canChair } from '../meetings/meeting.policy';
import { quorumOf } from '../meetings/meeting.service';
import { participantService } from '../meetings/participant.service';
import { serializedUpdate } from '../write-serialization';
import { ballotDigest, ballotsCast, countBallots, flushCasts, settledCount } from './ballot-store';
import { releasePoll } from './open-polls';
import { pollOutcome } from './poll-outcome';
import { computeResults, presentResults } from './poll-results';
import type { StoredResults } from './poll-results';
import { PollModel, PollVoterModel } from './poll.model';
import type { PollLean } from './poll.model';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);
const CHAIR_MESSAGE = 'Only the chair runs votes.';

/** The API shape of a poll; results only once closed. */
export async function toPollDto(p: PollLean): Promise<Poll> {
  const cast =
    p.status === 'draft'
      ? 0
      : ((p.results as StoredResults | null)?.ballots ?? (await ballotsCast(p._id)));
  return {
    id: p._id.toHexString(),
    meetingId: p.meetingId.toHexString(),
    agendaItemId: p.agendaItemId?.toHexString() ?? null,
    question: p.question,
    options: [...p.options],
    secret: p.secret,
    allowChange: p.allowChange,
    electorate: p.electorate,
    quorum: quorumOf(p),
    status: p.status,
    eligibleCount: p.eligibleIds.length,
    ballotsCast: cast,
    openedAt: p.openedAt?.toISOString() ?? null,
    closedAt: p.closedAt?.toISOString() ?? null,
    createdBy: p.createdBy.toHexString(),
    createdAt: p.createdAt.toISOString(),
    results:
      p.status === 'closed' && p.results
        ? {
            ...presentResults(p.results as StoredResults, p.options),
            outcome: pollOutcome(
              (p.results as StoredResults).counts,
              p.options,
              p.quorumBase,
              quorumOf(p),
              (p.results as StoredResults).quorumMet,
            ),
          }
        : null,
  };
}

/** A poll of a meeting. @throws AppError 404. */
export async function loadPoll(meetingId: string, pollId: string): Promise<PollLean> {
  // By id alone (a direct lookup on FerretDB), then checked against the meeting.
  const poll = await PollModel.findById(oid(pollId)).lean();
  if (!poll?.meetingId.equals(oid(meetingId))) throw notFound(`Poll ${pollId}`);
  return poll;
}

function badField(path: string, message: string) {
  return appError('validation_failed', 400, `Invalid input. ${path}: ${message}.`, {
    issues: [{ path, message }],
  });
}

async function announce(meetingId: string, pollId: Types.ObjectId): Promise<Poll> {
  const dto = await toPollDto((await PollModel.findById(pollId).lean()) as PollLean);
  await liveService.publish(meetingId, 'poll.changed', { poll: dto });
  return dto;
}

/** Who may vote when a poll opens, by its electorate. */
async function electorate(meetingId: string, poll: PollLean): Promise<Types.ObjectId[]> {
  const [participants, attendance] = await Promise.all([
    participantService.participantsOf(meetingId),
    buildAttendance(meetingId),
  ]);
  const present = new Set(
    attendance.people.filter((p) => isPresent(p.status)).map((p) => p.subject.id),
  );
  const listed = new Set(poll.voterIds.map((v) => v.toHexString()));
  return participants
    .filter((p) => {
      const id = p.userId.toHexString();
      if (poll.electorate === 'listed') return listed.has(id);
      if (!present.has(id)) return false;
      return poll.electorate === 'present_delegates' ? p.role === 'delegate' : p.voting;
    })
    .map((p) => p.userId);
}

/** Polls: prepared by the chair, opened, closed with immutable results. */
export const pollService = {
  /** @throws AppError 403/404. */
  async list(actor: AuthUser, meetingId: string): Promise<Poll[]> {
    await requireAccess(actor, meetingId);
    const rows = await PollModel.find({ meetingId: oid(meetingId) })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return Promise.all((rows as PollLean[]).map(toPollDto));
  },

  /** @throws AppError 403/404. */
  async get(actor: AuthUser, meetingId: string, pollId: string): Promise<Poll> {
    await requireAccess(actor, meetingId);
    return toPollDto(await loadPoll(meetingId, pollId));
  },

  /**
   * The chair prepares a poll on an agenda item (default: the current item).
   * @throws AppError 400 (unknown item or voters), 403/404, 409 (meeting over).
   */
  async create(actor: AuthUser, meetingId: string, input: CreatePollInput): Promise<Poll> {
    const access = await requireAccess(actor, meetingId, canChair, CHAIR_MESSAGE);
    if (!['draft', 'scheduled', 'live'].includes(access.state)) {
      throw appError(
        'conflict',
        409,
        `The meeting is ${access.state}; polls are prepared before or during it.`,
        { current: access.state },
      );
    }
    const meeting = await MeetingModel.findById(oid(meetingId), {
      currentItemId: 1,
      quorum: 1,
    }).lean();
    const itemId = input.agendaItemId ?? meeting?.currentItemId?.toHexString() ?? null;
    if (
      itemId &&
      !(await AgendaItemModel.exists({
        _id: oid(itemId),
        meetingId: oid(meetingId),
        removed: false,
      }))
    ) {
      throw badField('body.agendaItemId', 'not an item of this agenda');
    }
    if (input.electorate === 'listed') {
      const ids = new Set(
        (await participantService.participantsOf(meetingId)).map((p) => p.userId.toHexString()),
      );
      const missing = (input.voterIds ?? []).findIndex((v) => !ids.has(v));
      if (missing >= 0)
        throw badField(`body.voterIds.${missing}`, 'not a participant of this meeting');
    }
    const created = await PollModel.create({
      meetingId: oid(meetingId),
      agendaItemId: itemId ? oid(itemId) : null,
      question: input.question,
      options: input.options,
      secret: input.secret,
      allowChange: input.allowChange,
      electorate: input.electorate,
      voterIds: (input.voterIds ?? []).map(oid),
      quorum: input.quorum ?? (meeting ? quorumOf(meeting) : undefined),
      status: 'draft',
      createdBy: oid(actor.id),
    });
    await auditService.append({
      meetingId,
      actor,
      action: 'poll.created',
      target: { kind: 'poll', id: created._id.toHexString() },
      after: {
        question: input.question,
        options: input.options,
        secret: input.secret,
        electorate: input.electorate,
      },
    });
    return announce(meetingId, created._id);
  },

  /**
   * Opens a poll: fixes who may vote (by its electorate, from the roll call now) and the
   * quorum base (the meeting's voting seats).
   * @throws AppError 403/404, 409 (not live, not a draft, nobody may vote).
   */
  async open(actor: AuthUser, meetingId: string, pollId: string): Promise<Poll> {
    const access = await requireAccess(actor, meetingId, canChair, CHAIR_MESSAGE);
    if (access.state !== 'live') {
      throw appError(
        'conflict',
        409,
        `The meeting is ${access.state}; votes are taken while it is live.`,
        { current: access.state },
      );
    }
    const poll = await loadPoll(meetingId, pollId);
    const [eligible, seats] = await Promise.all([
      electorate(meetingId, poll),
      participantService.votingSeats(meetingId),
    ]);
    if (eligible.length === 0)
      throw conflict(
        'Nobody may vote yet: no one of this electorate is present. Take the roll call first.',
      );
    await serializedUpdate<PollLean>(
      PollModel,
      poll._id,
      (p) => {
        if (p.status !== 'draft')
          throw conflict(`The poll is already ${p.status}.`, { current: p.status });
        return {
          status: 'open',
          openedAt: new Date(),
          eligibleIds: eligible,
          quorumBase: seats.length,
        };
      },
      `Poll ${pollId}`,
    );
    await auditService.append({
      meetingId,
      actor,
      action: 'poll.opened',
      target: { kind: 'poll', id: pollId },
      before: { status: 'draft' },
      after: { status: 'open', eligible: eligible.length, quorumBase: seats.length },
    });
    return announce(meetingId, poll._id);
  },

  /**
   * Closes a poll and fixes its results, which never change afterwards. For a secret poll
   * the who-voted records become one sorted list on the poll and are deleted, so no stored
   * order can pair a voter with a ballot.
   * @throws AppError 403/404, 409 (not open).
   */
  async close(actor: AuthUser | null, meetingId: string, pollId: string): Promise<Poll> {
    if (actor) await requireAccess(actor, meetingId, canChair, CHAIR_MESSAGE);
    const poll = await loadPoll(meetingId, pollId);
    await serializedUpdate<PollLean>(
      PollModel,
      poll._id,
      (p) => {
        if (p.status !== 'open')
          throw conflict(`The poll is ${p.status}; only an open poll closes.`, {
            current: p.status,
          });
        return { status: 'closed', closedAt: new Date() };
      },
      `Poll ${pollId}`,
    );
    releasePoll(pollId);
    await settledCount(poll._id);
    await flushCasts(pollId);
    const results = computeResults(
      await countBallots(poll._id),
      poll.options.length,
      poll.eligibleIds.length,
      poll.quorumBase,
      quorumOf(poll),
    );
    const patch: Record<string, unknown> = { results };
    if (poll.secret) {
      const voters = await PollVoterModel.find({ pollId: poll._id }, { voterId: 1 }).lean();
      patch.votedIds = voters
        .map((v) => v.voterId)
        .sort((a, b) => a.toHexString().localeCompare(b.toHexString()));
    }
    await serializedUpdate<PollLean>(PollModel, poll._id, () => patch, `Poll ${pollId}`);
    if (poll.secret) await PollVoterModel.deleteMany({ pollId: poll._id });
    await auditService.append({
      meetingId,
      actor,
      action: 'poll.closed',
      target: { kind: 'poll', id: pollId },
      before: { status: 'open' },
      after: { status: 'closed', results, ballotsDigest: await ballotDigest(poll._id) },
    });
    return announce(meetingId, poll._id);
  },

  /** Closes every open poll of a meeting (when it ends), in the system's name. */
  async closeAllOpen(meetingId: string): Promise<void> {
    const open = await PollModel.find(
      { meetingId: oid(meetingId), status: 'open' },
      { _id: 1 },
    ).lean();
    for (const p of open) await this.close(null, meetingId, p._id.toHexString());
  },
};
