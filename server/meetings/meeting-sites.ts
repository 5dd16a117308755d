import type { Types } from 'mongoose';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type { Site, UpdateSiteInput } from '../contracts/meetings';
import { notFound } from '../errors';
import { liveService } from '../live/live.service';
import { UserModel } from '../users/user.model';
import { userService } from '../users/user.service';
import { requireAccess } from './meeting-access.service';
import {
  badField,
  membershipChanged,
  oid,
  requireActiveUsers,
  requireEditable,
  syncMembership,
} from './membership';
import { SiteModel, operatorsOfSite } from './site.model';
import type { SiteLean } from './site.model';

// The sites (bridge points, điểm cầu) of a meeting and their operators. Sites are invited with
// the people (participant.service.ts, invite); here they are listed, edited and removed.

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
export async function siteOperatorsOfUnits(
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

/** The sites of a meeting (part of participantService). */
export const siteService = {
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
    await membershipChanged(actor, meetingId, 'site.removed', {
      siteId,
      unitId: site.unitId.toHexString(),
    });
  },
};
