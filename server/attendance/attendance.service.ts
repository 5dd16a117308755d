import { Types } from 'mongoose';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { isPresent } from '../contracts/attendance';
import type {
  AbsenceInput,
  Attendance,
  AttendanceEntry,
  MarkAttendanceInput,
  QuorumStatus,
} from '../contracts/attendance';
import { appError, forbidden, notFound } from '../errors';
import { liveService } from '../live/live.service';
import { requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { canTakeRollCall, operatesSite } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { quorumOf } from '../meetings/meeting.service';
import { participantService, seatsOf } from '../meetings/participant.service';
import type { VotingSeat } from '../meetings/participant.service';
import { UserModel } from '../users/user.model';
import { presidingStatus, resolveStatus } from './attendance-status';
import type { IntervalFact, MarkFact } from './attendance-status';
import { AttendanceMarkModel, RemoteIntervalModel } from './attendance.model';
import { quorumMet, quorumRequired } from './quorum';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);
type SubjectKind = 'user' | 'site';
const key = (kind: SubjectKind, id: string): string => `${kind}:${id}`;

/**
 * A participant identity as the media layer names it: `user:<userId>` or `site:<siteId>`
 * (a bare 24-hex id is a user). Anything after a further `:` (a device suffix) is ignored.
 */
export function parseRemoteIdentity(identity: string): { kind: SubjectKind; id: string } | null {
  const m = /^(?:(user|site):)?([0-9a-f]{24})(?::.*)?$/.exec(identity);
  if (!m?.[2]) return null;
  return { kind: (m[1] ?? 'user') as SubjectKind, id: m[2] };
}

function quorumFrom(
  seats: VotingSeat[],
  present: ReadonlySet<string>,
  meeting: Parameters<typeof quorumOf>[0],
): QuorumStatus {
  const rule = quorumOf(meeting);
  const presentSeats = seats.filter((s) => s.occupantIds.some((id) => present.has(id))).length;
  return {
    rule,
    votingMembers: seats.length,
    present: presentSeats,
    required: quorumRequired(seats.length, rule),
    met: quorumMet(presentSeats, seats.length, rule),
  };
}

/** The roll call of a meeting: every participant and site with their status, and the quorum. */
export async function buildAttendance(meetingId: string, now = new Date()): Promise<Attendance> {
  const mid = oid(meetingId);
  const [meeting, participants, sites, marks, intervals] = await Promise.all([
    MeetingModel.findById(mid, { quorum: 1, state: 1, chairId: 1, secretaryId: 1 }).lean(),
    participantService.participantsOf(meetingId),
    participantService.sitesOf(meetingId),
    AttendanceMarkModel.find({ meetingId: mid }).sort({ at: 1 }).lean(),
    RemoteIntervalModel.find({ meetingId: mid }).lean(),
  ]);
  const seats = seatsOf(participants);
  if (!meeting) throw notFound(`Meeting ${meetingId}`);
  const marksBy = new Map<string, MarkFact[]>();
  for (const m of marks) {
    const k = key(m.subjectKind, m.subjectId.toHexString());
    marksBy.set(k, [
      ...(marksBy.get(k) ?? []),
      { status: m.status, reason: m.reason ?? null, by: m.by.toHexString(), at: m.at },
    ]);
  }
  const intervalsBy = new Map<string, IntervalFact[]>();
  for (const i of intervals) {
    const k = key(i.subjectKind, i.subjectId.toHexString());
    intervalsBy.set(k, [
      ...(intervalsBy.get(k) ?? []),
      { joinedAt: i.joinedAt, leftAt: i.leftAt ?? null },
    ]);
  }
  const users = await UserModel.find(
    { _id: { $in: participants.map((p) => p.userId) } },
    { fullName: 1 },
  ).lean();
  const names = new Map(users.map((u) => [u._id.toHexString(), u.fullName]));
  const started = ['live', 'ended', 'minutes_published'].includes(meeting.state);
  const presiding = new Set(
    [meeting.chairId, meeting.secretaryId].flatMap((p) => (p ? [p.toHexString()] : [])),
  );
  const entry = (
    kind: SubjectKind,
    id: string,
    name: string,
    voting: boolean,
    substituteFor: string | null,
  ): AttendanceEntry => {
    const r = resolveStatus(
      marksBy.get(key(kind, id)) ?? [],
      intervalsBy.get(key(kind, id)) ?? [],
      now,
    );
    return {
      subject: { kind, id, name },
      status: presidingStatus(r.status, kind === 'user' && presiding.has(id), started),
      reason: r.reason,
      markedBy: r.markedBy,
      markedAt: r.markedAt?.toISOString() ?? null,
      connected: r.connected,
      remoteSeconds: r.remoteSeconds,
      voting,
      substituteFor,
    };
  };
  const people = participants.map((p) =>
    entry(
      'user',
      p.userId.toHexString(),
      names.get(p.userId.toHexString()) ?? '',
      p.voting,
      p.substituteFor?.toHexString() ?? null,
    ),
  );
  const siteEntries = sites.map((s) => entry('site', s._id.toHexString(), s.name, false, null));
  const present = new Set(people.filter((p) => isPresent(p.status)).map((p) => p.subject.id));
  return { meetingId, people, sites: siteEntries, quorum: quorumFrom(seats, present, meeting) };
}

/**
 * Publishes a change of the roll call: the changed lines and the quorum (not the whole
 * list, which a screen already has and which grows with the meeting).
 */
async function changed(
  meetingId: string,
  subject: { kind: SubjectKind; id: string },
): Promise<Attendance> {
  const view = await buildAttendance(meetingId);
  const entries = [...view.people, ...view.sites].filter(
    (e) => e.subject.kind === subject.kind && e.subject.id === subject.id,
  );
  await liveService.publish(meetingId, 'attendance.changed', { entries, quorum: view.quorum });
  return view;
}

async function mark(
  actor: AuthUser | null,
  meetingId: string,
  kind: SubjectKind,
  subjectId: string,
  input: MarkAttendanceInput,
): Promise<Attendance> {
  const at = new Date();
  await AttendanceMarkModel.create({
    meetingId: oid(meetingId),
    subjectKind: kind,
    subjectId: oid(subjectId),
    status: input.status,
    reason: input.status === 'absent' ? (input.reason ?? null) : null,
    by: oid(actor?.id ?? subjectId),
    at,
  });
  await auditService.append({
    meetingId,
    actor,
    action: 'attendance.marked',
    target: { kind, id: subjectId },
    after: { status: input.status, ...(input.status === 'absent' ? { reason: input.reason } : {}) },
    at,
  });
  return changed(meetingId, { kind, id: subjectId });
}

function requireOpen(access: MeetingAccess): void {
  if (access.state !== 'scheduled' && access.state !== 'live') {
    throw appError(
      'conflict',
      409,
      `The meeting is ${access.state}; the roll call is taken while it is scheduled or live.`,
      {
        current: access.state,
      },
    );
  }
}

async function requireParticipant(meetingId: string, userId: string): Promise<void> {
  if (!(await participantService.isParticipant(meetingId, userId))) {
    throw notFound(`Participant ${userId} of meeting ${meetingId}`);
  }
}

/** Remote presence and the roll call; the quorum follows from them. */
export const attendanceService = {
  /** @throws AppError 403/404. */
  async get(actor: AuthUser, meetingId: string): Promise<Attendance> {
    await requireAccess(actor, meetingId);
    return buildAttendance(meetingId);
  },

  /** The caller checks in, present in the room. @throws AppError 403/404/409. */
  async checkIn(actor: AuthUser, meetingId: string): Promise<Attendance> {
    const access = await requireAccess(
      actor,
      meetingId,
      (a) => a.role !== null,
      'Only invited people check in.',
    );
    requireOpen(access);
    return mark(actor, meetingId, 'user', actor.id, { status: 'present_in_room' });
  },

  /**
   * Marks a participant. The chair and the secretary mark anyone; a participant may mark
   * themself present in the room or absent (with a reason).
   * @throws AppError 403/404/409, 400 (absence without a reason).
   */
  async markParticipant(
    actor: AuthUser,
    meetingId: string,
    userId: string,
    input: MarkAttendanceInput,
  ): Promise<Attendance> {
    const access = await requireAccess(actor, meetingId);
    const self =
      userId === actor.id && (input.status === 'present_in_room' || input.status === 'absent');
    if (!canTakeRollCall(access) && !self) {
      throw forbidden('Only the chair or the secretary takes the roll call for others.');
    }
    requireOpen(access);
    await requireParticipant(meetingId, userId);
    return mark(actor, meetingId, 'user', userId, input);
  },

  /** Marks a site (the chair, the secretary, or the site's operator at roll call). @throws AppError 403/404/409. */
  async markSite(
    actor: AuthUser,
    meetingId: string,
    siteId: string,
    input: MarkAttendanceInput,
  ): Promise<Attendance> {
    const access = await requireAccess(actor, meetingId);
    if (!canTakeRollCall(access) && !operatesSite(access, siteId)) {
      throw forbidden("Only the chair, the secretary or the site's operator marks a site.");
    }
    requireOpen(access);
    const sites = await participantService.sitesOf(meetingId);
    if (!sites.some((s) => s._id.toHexString() === siteId))
      throw notFound(`Site ${siteId} of meeting ${meetingId}`);
    return mark(actor, meetingId, 'site', siteId, input);
  },

  /**
   * An excused absence, optionally with a substitute who attends in the person's place.
   * The person themself, the chair or the secretary may record it.
   * @throws AppError 403/404/409, 400 (unknown substitute).
   */
  async recordAbsence(
    actor: AuthUser,
    meetingId: string,
    userId: string,
    input: AbsenceInput,
  ): Promise<Attendance> {
    const access = await requireAccess(actor, meetingId);
    if (!canTakeRollCall(access) && userId !== actor.id) {
      throw forbidden('Only the person themself, the chair or the secretary records an absence.');
    }
    if (
      access.state === 'ended' ||
      access.state === 'minutes_published' ||
      access.state === 'cancelled'
    ) {
      throw appError(
        'conflict',
        409,
        `The meeting is ${access.state}; absences are recorded before or during it.`,
        { current: access.state },
      );
    }
    await requireParticipant(meetingId, userId);
    if (input.substituteUserId) {
      await participantService.addSubstitute(actor, meetingId, userId, input.substituteUserId);
    }
    return mark(actor, meetingId, 'user', userId, { status: 'absent', reason: input.reason });
  },

  /**
   * A person or site joined by video (from the media layer's webhooks). Idempotent: a join
   * while already connected keeps the open period.
   * @returns false when the identity is not a participant or site of the meeting.
   */
  async recordRemoteJoin(meetingId: string, identity: string, at: Date): Promise<boolean> {
    const subject = await this.subjectOf(meetingId, identity);
    if (!subject) return false;
    const open = await RemoteIntervalModel.exists({
      meetingId: oid(meetingId),
      identity,
      leftAt: null,
    });
    if (open) return true;
    await RemoteIntervalModel.create({
      meetingId: oid(meetingId),
      subjectKind: subject.kind,
      subjectId: oid(subject.id),
      identity,
      joinedAt: at,
      leftAt: null,
    });
    await auditService.append({
      meetingId,
      actor: null,
      action: 'attendance.remote_joined',
      target: subject,
      after: { identity },
      at,
    });
    await changed(meetingId, subject);
    return true;
  },

  /**
   * A person or site left the video conference: closes their open period. Idempotent.
   * @returns false when nothing was open for the identity.
   */
  async recordRemoteLeave(meetingId: string, identity: string, at: Date): Promise<boolean> {
    const subject = await this.subjectOf(meetingId, identity);
    if (!subject) return false;
    const result = await RemoteIntervalModel.updateMany(
      { meetingId: oid(meetingId), identity, leftAt: null },
      { $set: { leftAt: at } },
    );
    if (result.modifiedCount === 0) return false;
    await auditService.append({
      meetingId,
      actor: null,
      action: 'attendance.remote_left',
      target: subject,
      after: { identity },
      at,
    });
    await changed(meetingId, subject);
    return true;
  },

  /** The participant or site an identity names in a meeting, or null. */
  async subjectOf(
    meetingId: string,
    identity: string,
  ): Promise<{ kind: SubjectKind; id: string } | null> {
    const parsed = parseRemoteIdentity(identity);
    if (!parsed || !Types.ObjectId.isValid(meetingId)) return null;
    if (parsed.kind === 'site') {
      const sites = await participantService.sitesOf(meetingId);
      return sites.some((s) => s._id.toHexString() === parsed.id) ? parsed : null;
    }
    const people = await participantService.participantsOf(meetingId);
    return people.some((p) => p.userId.toHexString() === parsed.id) ? parsed : null;
  },

  /** Every video connection period of a meeting's people and sites, oldest first. */
  async connections(
    meetingId: string,
  ): Promise<
    { subjectKind: SubjectKind; subjectId: string; joinedAt: Date; leftAt: Date | null }[]
  > {
    const rows = await RemoteIntervalModel.find({ meetingId: oid(meetingId) })
      .sort({ joinedAt: 1 })
      .lean();
    return rows.map((r) => ({
      subjectKind: r.subjectKind,
      subjectId: r.subjectId.toHexString(),
      joinedAt: r.joinedAt,
      leftAt: r.leftAt ?? null,
    }));
  },

  /** Ids of people present now (in the room or by video). */
  async presentUserIds(meetingId: string): Promise<Set<string>> {
    const view = await buildAttendance(meetingId);
    return new Set(view.people.filter((p) => isPresent(p.status)).map((p) => p.subject.id));
  },

  /** The quorum of a meeting now. */
  async quorum(meetingId: string): Promise<QuorumStatus> {
    return (await buildAttendance(meetingId)).quorum;
  },
};
