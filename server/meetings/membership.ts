import { Types } from 'mongoose';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { appError } from '../errors';
import { liveService } from '../live/live.service';
import { UserModel } from '../users/user.model';
import { serializedUpdate } from '../write-serialization';
import { requireAccess } from './meeting-access.service';
import { MeetingModel } from './meeting.model';
import type { MeetingLean } from './meeting.model';
import { canManage } from './meeting.policy';
import { isEditable, wrongState } from './meeting-state';
import { ParticipantModel } from './participant.model';
import { SiteModel, operatorsOfSite } from './site.model';

// What the participants (participant.service.ts) and the sites (meeting-sites.ts) of a meeting
// share: who may change them, the meeting's derived membership, and the notice of a change.

export const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);
const MANAGE_MESSAGE =
  'Only the chair, the secretary or an administrator of the host unit may change who takes part.';

export function badField(path: string, message: string) {
  return appError('validation_failed', 400, `Invalid input. ${path}: ${message}.`, {
    issues: [{ path, message }],
  });
}

export async function requireEditable(actor: AuthUser, meetingId: string): Promise<void> {
  const access = await requireAccess(actor, meetingId, canManage, MANAGE_MESSAGE);
  if (!isEditable(access.state)) {
    throw wrongState(access.state, 'changing who takes part', 'draft, scheduled or live');
  }
}

/** Checks that every id names an active user. @throws AppError 400 naming the first that does not. */
export async function requireActiveUsers(
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

/** After a change of participants or sites: membership, audit, live notice. */
export async function membershipChanged(
  actor: AuthUser,
  meetingId: string,
  action: string,
  after: unknown,
) {
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
