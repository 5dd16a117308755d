import { Types } from 'mongoose';
import type { Model } from 'mongoose';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { votingRolesByDefault } from '../contracts/meetings';
import type {
  InviteInput,
  InviteResult,
  MeetingRole,
  Participant,
  Site,
  UpdateParticipantInput,
  UpdateSiteInput,
} from '../contracts/meetings';
import { appError, conflict, notFound } from '../errors';
import { liveService } from '../live/live.service';
import { UnitModel } from '../units/unit.model';
import { unitService } from '../units/unit.service';
import { UserModel } from '../users/user.model';
import { userService } from '../users/user.service';
import { isDuplicateKey, serializedUpdate } from '../write-serialization';
import { requireAccess } from './meeting-access.service';
import { MeetingModel } from './meeting.model';
import type { MeetingLean } from './meeting.model';
import { canManage } from './meeting.policy';
import { isEditable, wrongState } from './meeting-state';
import { ParticipantModel, participantKey } from './participant.model';
import type { ParticipantLean } from './participant.model';
import { SiteModel, operatorsOfSite } from './site.model';
import type { SiteLean } from './site.model';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);
const MANAGE_MESSAGE =
  'Only the chair, the secretary or an administrator of the host unit may change who takes part.';

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

function badField(path: string, message: string) {
  return appError('validation_failed', 400, `Invalid input. ${path}: ${message}.`, {
    issues: [{ path, message }],
  });
}

async function requireEditable(actor: AuthUser, meetingId: string): Promise<void> {
  const access = await requireAccess(actor, meetingId, canManage, MANAGE_MESSAGE);
  if (!isEditable(access.state)) {
    throw wrongState(access.state, 'changing who takes part', 'draft, scheduled or live');
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

async function presentSites(rows: SiteLean[]): Promise<Site[]> {
  const names = new Map(
    (
      await userService.getMany([
        ...new Set(rows.flatMap((r) => operatorsOfSite(r).map((o) => o.toHexString()))),
      ])
    ).map((u) => [u.id, u.fullName]),
  );
  return rows.map((r) => {
    const operators = operatorsOfSite(r).map((o) => ({
      id: o.toHexString(),
      fullName: names.get(o.toHexString()) ?? '',
    }));
    return {
      id: r._id.toHexString(),
      meetingId: r.meetingId.toHexString(),
      unitId: r.unitId.toHexString(),
      name: r.name,
      level: r.level,
      operatorId: operators[0]?.id ?? null,
      operatorName: operators.length > 0 ? operators.map((o) => o.fullName).join(', ') : null,
      operators,
      invitedVia: r.invitedVia,
      createdAt: r.createdAt.toISOString(),
    };
  });
}

/** The active users of each unit who hold the site_operator role, by unit id. */
async function siteOperatorsOfUnits(
  unitIds: Types.ObjectId[],
): Promise<Map<string, Types.ObjectId[]>> {
  const users = await UserModel.find(
    { unitId: { $in: unitIds }, active: true, roles: 'site_operator' },
    { _id: 1, unitId: 1 },
  )
    .sort({ _id: 1 })
    .lean();
  const byUnit = new Map<string, Types.ObjectId[]>();
  for (const u of users) {
    const key = u.unitId.toHexString();
    byUnit.set(key, [...(byUnit.get(key) ?? []), u._id]);
  }
  return byUnit;
}

/** Checks that every id names an active user. @throws AppError 400 naming the first that does not. */
async function requireActiveUsers(
  ids: readonly string[],
  pathOf: (index: number) => string,
): Promise<void> {
  if (ids.length === 0) return;
  const found = await UserModel.find(
    { _id: { $in: [...new Set(ids)].map(oid) }, active: true },
    { _id: 1 },
  ).lean();
  const known = new Set(found.map((u) => u._id.toHexString()));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) throw badField(pathOf(missing), 'no active user with this id');
}

/**
 * Rewrites the meeting's derived membership (memberIds, siteOperators) from its participants
 * and sites. Runs after every change of either; serialized with other writes of the meeting,
 * and each writer reads the lists afresh, so concurrent invitations all end up in it.
 */
export async function syncMembership(meetingId: string): Promise<void> {
  const mid = oid(meetingId);
  await serializedUpdate<MeetingLean>(
    MeetingModel,
    mid,
    async () => {
      const [participants, sites] = await Promise.all([
        ParticipantModel.find({ meetingId: mid }, { userId: 1 }).lean(),
        SiteModel.find({ meetingId: mid }, { operatorId: 1, operatorIds: 1 }).lean(),
      ]);
      const members = new Map<string, Types.ObjectId>();
      for (const p of participants) members.set(p.userId.toHexString(), p.userId);
      const siteOperators: { siteId: Types.ObjectId; operatorId: Types.ObjectId }[] = [];
      for (const site of sites) {
        for (const operatorId of operatorsOfSite(site)) {
          members.set(operatorId.toHexString(), operatorId);
          siteOperators.push({ siteId: site._id, operatorId });
        }
      }
      return { memberIds: [...members.values()], siteOperators };
    },
    `Meeting ${meetingId}`,
  );
}

async function changed(actor: AuthUser, meetingId: string, action: string, after: unknown) {
  await syncMembership(meetingId);
  await auditService.append({
    meetingId,
    actor,
    action,
    target: { kind: 'meeting', id: meetingId },
    after,
  });
  await liveService.publish(meetingId, 'participants.changed', { action });
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

  /** @throws AppError 403/404 (access). */
  async listSites(actor: AuthUser, meetingId: string): Promise<Site[]> {
    await requireAccess(actor, meetingId);
    const rows = await SiteModel.find({ meetingId: oid(meetingId) })
      .sort({ name: 1 })
      .lean();
    return presentSites(rows);
  },

  /** Sites of a meeting as `GET /meetings/:id/sites` presents them, without access checks. */
  async presentedSitesOf(meetingId: string): Promise<Site[]> {
    const rows = await SiteModel.find({ meetingId: oid(meetingId) })
      .sort({ name: 1 })
      .lean();
    return presentSites(rows);
  },

  /** Sites of a meeting without access checks (for other modules). */
  async sitesOf(meetingId: string): Promise<SiteLean[]> {
    return await SiteModel.find({ meetingId: oid(meetingId) }).lean();
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
    await changed(actor, meetingId, 'participants.invited', { ...input, ...result });
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
    await changed(actor, meetingId, 'participant.removed', { userId, role: row.role });
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
      await changed(actor, meetingId, 'participant.substitute_added', {
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

  /** @throws AppError 403/404, 409 (meeting over), 400 (unknown operator). */
  async updateSite(
    actor: AuthUser,
    meetingId: string,
    siteId: string,
    input: UpdateSiteInput,
  ): Promise<Site> {
    await requireEditable(actor, meetingId);
    const site = await SiteModel.findOne({ _id: oid(siteId), meetingId: oid(meetingId) });
    if (!site) throw notFound(`Site ${siteId} of meeting ${meetingId}`);
    if (input.operatorId !== undefined && input.operatorIds !== undefined) {
      throw badField('body.operatorIds', 'give operatorIds or operatorId, not both');
    }
    const wanted =
      input.operatorIds ??
      (input.operatorId === undefined ? undefined : input.operatorId ? [input.operatorId] : []);
    if (wanted) {
      await requireActiveUsers(wanted, (i) =>
        input.operatorIds ? `body.operatorIds.${i}` : 'body.operatorId',
      );
    }
    const operatorsNow = () => operatorsOfSite(site).map((o) => o.toHexString());
    const before = { operatorIds: operatorsNow(), name: site.name };
    if (wanted) {
      site.operatorIds = [...new Set(wanted)].map(oid);
      site.operatorId = null;
    }
    if (input.name !== undefined) site.name = input.name;
    await site.save();
    await syncMembership(meetingId);
    await auditService.append({
      meetingId,
      actor,
      action: 'site.updated',
      target: { kind: 'site', id: siteId },
      before,
      after: { operatorIds: operatorsNow(), name: site.name },
    });
    await liveService.publish(meetingId, 'participants.changed', {});
    const [dto] = await presentSites([site.toObject()]);
    return dto as Site;
  },

  /** @throws AppError 403/404, 409 (meeting over). */
  async removeSite(actor: AuthUser, meetingId: string, siteId: string): Promise<void> {
    await requireEditable(actor, meetingId);
    const site = await SiteModel.findOneAndDelete({ _id: oid(siteId), meetingId: oid(meetingId) });
    if (!site) throw notFound(`Site ${siteId} of meeting ${meetingId}`);
    await changed(actor, meetingId, 'site.removed', { siteId, unitId: site.unitId.toHexString() });
  },

  /** Whether the meeting exists (for modules that check before writing). */
  async meetingExists(meetingId: string): Promise<boolean> {
    return (await MeetingModel.exists({ _id: oid(meetingId) })) !== null;
  },
};
