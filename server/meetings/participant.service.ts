import type { Model, Types } from 'mongoose';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { votingRolesByDefault } from '../contracts/meetings';
import type {
  InviteInput,
  InviteResult,
  MeetingRole,
  Participant,
  UpdateParticipantInput,
} from '../contracts/meetings';
import { conflict, notFound } from '../errors';
import { liveService } from '../live/live.service';
import { UnitModel } from '../units/unit.model';
import { unitService } from '../units/unit.service';
import { UserModel } from '../users/user.model';
import { userService } from '../users/user.service';
import { isDuplicateKey } from '../write-serialization';
import { requireAccess } from './meeting-access.service';
import { MeetingModel } from './meeting.model';
import { siteOperatorsOfUnits, siteService } from './meeting-sites';
import {
  badField,
  membershipChanged,
  oid,
  requireActiveUsers,
  requireEditable,
  syncMembership,
} from './membership';
import { ParticipantModel, participantKey } from './participant.model';
import type { ParticipantLean } from './participant.model';
import { SiteModel } from './site.model';

export { syncMembership } from './membership';

/** Inserts documents, skipping those a unique index refuses; returns how many went in. */
async function insertIgnoringDuplicates(model: Model<never>, docs: object[]): Promise<number> {
  if (docs.length === 0) return 0;
  try {
    const inserted = await model.insertMany(docs, { ordered: false });
    return inserted.length;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const e = err as { insertedDocs?: unknown[]; result?: { insertedCount?: number } };
    return e.insertedDocs?.length ?? e.result?.insertedCount ?? 0;
  }
}

async function activeUsersOfUnits(unitIds: Types.ObjectId[]): Promise<Types.ObjectId[]> {
  const users = await UserModel.find({ unitId: { $in: unitIds }, active: true }, { _id: 1 }).lean();
  return users.map((u) => u._id);
}

/** The API shape of participants, with names and units. */
async function presentParticipants(rows: ParticipantLean[]): Promise<Participant[]> {
  const users = new Map(
    (await userService.getMany(rows.map((r) => r.userId.toHexString()))).map((u) => [u.id, u]),
  );
  return rows.map((r) => {
    const u = users.get(r.userId.toHexString());
    return {
      id: r._id,
      meetingId: r.meetingId.toHexString(),
      userId: r.userId.toHexString(),
      fullName: u?.fullName ?? '',
      title: u?.title ?? '',
      unitId: u?.unitId ?? r.userId.toHexString(),
      unitName: u?.unitName ?? null,
      role: r.role,
      voting: r.voting,
      invitedVia: r.invitedVia,
      siteId: r.siteId?.toHexString() ?? null,
      substituteFor: r.substituteFor?.toHexString() ?? null,
      createdAt: r.createdAt.toISOString(),
    };
  });
}

/** A voting seat: a voting member and whoever attends in their place. */
export interface VotingSeat {
  memberId: string;
  occupantIds: string[];
}

/** The voting seats among participants: each voting member, with whoever attends in their place. */
export function seatsOf(
  rows: readonly {
    userId: Types.ObjectId;
    voting: boolean;
    substituteFor?: Types.ObjectId | null;
  }[],
): VotingSeat[] {
  const seats = new Map<string, VotingSeat>();
  for (const r of rows) {
    if (r.voting && !r.substituteFor) {
      const id = r.userId.toHexString();
      seats.set(id, { memberId: id, occupantIds: [id] });
    }
  }
  for (const r of rows) {
    if (r.substituteFor)
      seats.get(r.substituteFor.toHexString())?.occupantIds.push(r.userId.toHexString());
  }
  return [...seats.values()];
}

/** Participants (people with a meeting role) and sites (bridge points with an operator). */
export const participantService = {
  ...siteService,
  /** Gives a person a role held by the meeting itself (chair, secretary), inviting them if needed. */
  async assignRole(meetingId: string, userId: string, role: MeetingRole): Promise<void> {
    await ParticipantModel.updateOne(
      { _id: participantKey(meetingId, userId) },
      {
        $set: { role, voting: votingRolesByDefault.includes(role) },
        $setOnInsert: {
          meetingId: oid(meetingId),
          userId: oid(userId),
          invitedVia: 'role',
          siteId: null,
          substituteFor: null,
        },
      },
      { upsert: true },
    );
    await syncMembership(meetingId);
  },

  /** Takes a meeting-held role away from a person (the chair becomes a delegate, the secretary an observer). */
  async demote(meetingId: string, userId: string, from: 'chair' | 'secretary'): Promise<void> {
    const role: MeetingRole = from === 'chair' ? 'delegate' : 'observer';
    await ParticipantModel.updateOne(
      { _id: participantKey(meetingId, userId), role: from },
      { $set: { role, voting: votingRolesByDefault.includes(role) } },
    );
  },

  /** @throws AppError 403/404 (access). */
  async listParticipants(actor: AuthUser, meetingId: string): Promise<Participant[]> {
    await requireAccess(actor, meetingId);
    const rows = await ParticipantModel.find({ meetingId: oid(meetingId) })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return presentParticipants(rows);
  },

  /** Participants of a meeting without access checks (for other modules). */
  async participantsOf(meetingId: string): Promise<ParticipantLean[]> {
    return await ParticipantModel.find({ meetingId: oid(meetingId) }).lean();
  },

  /** Whether a person is invited to a meeting. */
  async isParticipant(meetingId: string, userId: string): Promise<boolean> {
    return (await ParticipantModel.exists({ _id: participantKey(meetingId, userId) })) !== null;
  },

  /** The voting seats of a meeting, each with the member and their substitutes. */
  async votingSeats(meetingId: string): Promise<VotingSeat[]> {
    return seatsOf(await this.participantsOf(meetingId));
  },

  /**
   * Invites people by id, a unit (as a bridge point or its members), or every unit of a
   * level under a unit. Those already invited are skipped.
   * @throws AppError 403/404 (access), 409 when the meeting is over, 400 for unknown people,
   * 404 for an unknown unit. Chair and secretary are set on the meeting, not invited.
   */
  async invite(actor: AuthUser, meetingId: string, input: InviteInput): Promise<InviteResult> {
    await requireEditable(actor, meetingId);
    if (input.role === 'chair' || input.role === 'secretary') {
      throw badField('body.role', 'the chair and the secretary are set on the meeting itself');
    }
    const mid = oid(meetingId);
    const role = input.role;
    const voting = votingRolesByDefault.includes(role);
    const participant = (userId: Types.ObjectId, via: string) => ({
      _id: participantKey(meetingId, userId.toHexString()),
      meetingId: mid,
      userId,
      role,
      voting,
      invitedVia: via,
      siteId: null,
      substituteFor: null,
    });
    let requested = 0;
    let participantsAdded = 0;
    let sitesAdded = 0;
    if (input.kind === 'person') {
      const unique = [...new Set(input.userIds)];
      const found = await UserModel.find(
        { _id: { $in: unique.map(oid) }, active: true },
        { _id: 1 },
      ).lean();
      const known = new Set(found.map((u) => u._id.toHexString()));
      const missing = input.userIds.findIndex((id) => !known.has(id));
      if (missing >= 0) throw badField(`body.userIds.${missing}`, 'no active user with this id');
      requested = unique.length;
      participantsAdded = await insertIgnoringDuplicates(
        ParticipantModel as unknown as Model<never>,
        unique.map((id) => participant(oid(id), 'person')),
      );
    } else {
      const rootId = input.kind === 'unit' ? input.unitId : input.underUnitId;
      const root = await unitService.load(rootId);
      const units =
        input.kind === 'unit'
          ? [root]
          : await UnitModel.find({
              ancestorIds: root._id,
              level: input.level,
              $or: [{ validTo: null }, { validTo: { $gt: new Date() } }],
            })
              .sort({ order: 1, name: 1 })
              .lean();
      if (input.as === 'site') {
        const operatorId = input.kind === 'unit' ? input.operatorId : undefined;
        if (operatorId) await requireActiveUsers([operatorId], () => 'body.operatorId');
        // By default a site is run by its unit's site operators.
        const defaults = operatorId ? null : await siteOperatorsOfUnits(units.map((u) => u._id));
        requested = units.length;
        sitesAdded = await insertIgnoringDuplicates(
          SiteModel as unknown as Model<never>,
          units.map((u) => ({
            meetingId: mid,
            unitId: u._id,
            name: u.shortName ?? u.name,
            level: u.level,
            operatorIds: operatorId
              ? [oid(operatorId)]
              : (defaults?.get(u._id.toHexString()) ?? []),
            invitedVia: input.kind,
          })),
        );
      } else {
        const users = await activeUsersOfUnits(units.map((u) => u._id));
        requested = users.length;
        participantsAdded = await insertIgnoringDuplicates(
          ParticipantModel as unknown as Model<never>,
          users.map((u) => participant(u, input.kind)),
        );
      }
    }
    const result = {
      participantsAdded,
      sitesAdded,
      skipped: requested - participantsAdded - sitesAdded,
    };
    await membershipChanged(actor, meetingId, 'participants.invited', { ...input, ...result });
    return result;
  },

  /** @throws AppError 403/404, 409 (meeting over, or a role held by the meeting), 400. */
  async updateParticipant(
    actor: AuthUser,
    meetingId: string,
    userId: string,
    input: UpdateParticipantInput,
  ): Promise<Participant> {
    await requireEditable(actor, meetingId);
    const row = await ParticipantModel.findById(participantKey(meetingId, userId));
    if (!row) throw notFound(`Participant ${userId} of meeting ${meetingId}`);
    if (input.role !== undefined && input.role !== row.role) {
      if (row.role === 'chair' || row.role === 'secretary') {
        throw conflict(
          `This person is the meeting's ${row.role}; change the meeting's ${row.role} instead.`,
        );
      }
      if (input.role === 'chair' || input.role === 'secretary') {
        throw badField('body.role', 'the chair and the secretary are set on the meeting itself');
      }
    }
    if (input.siteId) {
      const site = await SiteModel.exists({ _id: oid(input.siteId), meetingId: oid(meetingId) });
      if (!site) throw badField('body.siteId', 'not a site of this meeting');
    }
    const before = {
      role: row.role,
      voting: row.voting,
      siteId: row.siteId?.toHexString() ?? null,
    };
    if (input.role !== undefined) row.role = input.role;
    if (input.voting !== undefined) row.voting = input.voting;
    if (input.siteId !== undefined) row.siteId = input.siteId ? oid(input.siteId) : null;
    await row.save();
    await auditService.append({
      meetingId,
      actor,
      action: 'participant.updated',
      target: { kind: 'user', id: userId },
      before,
      after: { role: row.role, voting: row.voting, siteId: row.siteId?.toHexString() ?? null },
    });
    await liveService.publish(meetingId, 'participants.changed', {});
    const [dto] = await presentParticipants([row.toObject()]);
    return dto as Participant;
  },

  /** @throws AppError 403/404, 409 (meeting over, or the chair/secretary). */
  async removeParticipant(actor: AuthUser, meetingId: string, userId: string): Promise<void> {
    await requireEditable(actor, meetingId);
    const row = await ParticipantModel.findById(participantKey(meetingId, userId)).lean();
    if (!row) throw notFound(`Participant ${userId} of meeting ${meetingId}`);
    if (row.role === 'chair' || row.role === 'secretary') {
      throw conflict(
        `This person is the meeting's ${row.role}; name another ${row.role} on the meeting first.`,
      );
    }
    await ParticipantModel.deleteOne({ _id: row._id });
    await membershipChanged(actor, meetingId, 'participant.removed', { userId, role: row.role });
  },

  /**
   * Records that `substituteId` attends in the place of `memberId` (người dự thay): they
   * take the member's role and vote in the member's seat.
   * @throws AppError 404 (member not invited), 409 (substitute already takes part), 400.
   */
  async addSubstitute(
    actor: AuthUser,
    meetingId: string,
    memberId: string,
    substituteId: string,
  ): Promise<Participant> {
    const member = await ParticipantModel.findById(participantKey(meetingId, memberId)).lean();
    if (!member) throw notFound(`Participant ${memberId} of meeting ${meetingId}`);
    if (member.substituteFor) throw conflict('A substitute cannot send a substitute of their own.');
    const user = await UserModel.findById(substituteId, { active: 1 })
      .lean()
      .catch(() => null);
    if (!user?.active) throw badField('body.substituteUserId', 'no active user with this id');
    try {
      const created = await ParticipantModel.create({
        _id: participantKey(meetingId, substituteId),
        meetingId: oid(meetingId),
        userId: oid(substituteId),
        role: member.role,
        voting: member.voting,
        invitedVia: 'substitute',
        siteId: member.siteId,
        substituteFor: member.userId,
      });
      await membershipChanged(actor, meetingId, 'participant.substitute_added', {
        memberId,
        substituteId,
        role: member.role,
      });
      const [dto] = await presentParticipants([created.toObject()]);
      return dto as Participant;
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict('The substitute already takes part in this meeting.');
      throw err;
    }
  },

  /** Whether the meeting exists (for modules that check before writing). */
  async meetingExists(meetingId: string): Promise<boolean> {
    return (await MeetingModel.exists({ _id: oid(meetingId) })) !== null;
  },
};
