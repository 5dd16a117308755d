import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { hasRole } from '../auth/auth-user';
import { forbidden, notFound } from '../errors';
import type { RouteGuard } from '../http/api-router';
import { UnitModel } from '../units/unit.model';
import { MeetingModel } from './meeting.model';
import { canView, hidesExistence } from './meeting.policy';
import type { MeetingAccess } from './meeting.policy';
import { ParticipantModel, participantKey } from './participant.model';

const UNIT_CHAIN_TTL_MS = 30_000;
const unitChains = new Map<string, { chain: string[]; until: number }>();

/** The user's unit and every unit above it (cached briefly: units rarely move). */
async function unitChainOf(unitId: string): Promise<string[]> {
  const cached = unitChains.get(unitId);
  if (cached && cached.until > Date.now()) return cached.chain;
  const unit = await UnitModel.findById(unitId, { ancestorIds: 1 }).lean();
  const chain = unit ? [...unit.ancestorIds.map((a) => a.toHexString()), unitId] : [unitId];
  if (unitChains.size > 10_000) unitChains.clear();
  unitChains.set(unitId, { chain, until: Date.now() + UNIT_CHAIN_TTL_MS });
  return chain;
}

/** Ids of the units on the user's chain (own unit and those above), for "internal" visibility. */
export async function userUnitChain(user: AuthUser): Promise<string[]> {
  return unitChainOf(user.unitId);
}

/** Access read by the route guard, handed to the handler's first check of the same request. */
const primedAccess = new WeakMap<AuthUser, MeetingAccess>();

/**
 * What `user` is to a meeting: meeting role, voting, operated sites, host administration,
 * and the meeting's state and visibility. Null when there is no such meeting. This is the
 * one access decision shared by the REST API, the collab server's authorize callback (doc
 * names `meeting/<id>/...`), the media layer (conference tokens by role) and the minutes.
 */
export async function accessOf(user: AuthUser, meetingId: string): Promise<MeetingAccess | null> {
  if (!Types.ObjectId.isValid(meetingId) || meetingId.length !== 24) return null;
  const id = new Types.ObjectId(meetingId);
  const [meeting, participant, chain] = await Promise.all([
    MeetingModel.findById(id, {
      state: 1,
      visibility: 1,
      hostUnitId: 1,
      hostUnitPath: 1,
      siteOperators: 1,
    }).lean(),
    ParticipantModel.findById(participantKey(meetingId, user.id), {
      role: 1,
      voting: 1,
      substituteFor: 1,
    }).lean(),
    unitChainOf(user.unitId),
  ]);
  if (!meeting) return null;
  return accessFromRecord(user, meetingId, meeting, participant, chain);
}

/** The fields of a meeting an access decision reads. */
export interface AccessMeetingFields {
  state: MeetingAccess['state'];
  visibility: MeetingAccess['visibility'];
  hostUnitId: Types.ObjectId;
  hostUnitPath: Types.ObjectId[];
  siteOperators: { siteId: Types.ObjectId; operatorId: Types.ObjectId }[];
}

/** The fields of a participant row an access decision reads. */
export interface AccessParticipantFields {
  role: NonNullable<MeetingAccess['role']>;
  voting: boolean;
  substituteFor?: Types.ObjectId | null;
}

/**
 * The access decision of {@link accessOf} from records already read (the live read model
 * holds them in memory): `chain` is the user's unit chain ({@link userUnitChain}).
 */
export function accessFromRecord(
  user: AuthUser,
  meetingId: string,
  meeting: AccessMeetingFields,
  participant: AccessParticipantFields | null | undefined,
  chain: string[],
): MeetingAccess {
  const hostPath = meeting.hostUnitPath.map((u) => u.toHexString());
  return {
    meetingId,
    userId: user.id,
    state: meeting.state,
    visibility: meeting.visibility,
    role: participant?.role ?? null,
    voting: participant?.voting ?? false,
    substituteFor: participant?.substituteFor?.toHexString() ?? null,
    operatedSiteIds: meeting.siteOperators
      .filter((s) => s.operatorId.toHexString() === user.id)
      .map((s) => s.siteId.toHexString()),
    hostAdmin: hasRole(user, 'unit_admin') && hostPath.includes(user.unitId),
    systemAdmin: hasRole(user, 'system_admin'),
    inHostUnit: chain.includes(meeting.hostUnitId.toHexString()),
  };
}

/**
 * The caller's access, checked: a meeting the caller may not see answers 404 when it is
 * confidential (its existence stays hidden) and 403 otherwise; a visible meeting where
 * `allow` fails answers 403 with `message`.
 * @throws AppError 404 or 403.
 */
export async function requireAccess(
  user: AuthUser,
  meetingId: string,
  allow: (a: MeetingAccess) => boolean = canView,
  message = 'You do not take part in this meeting.',
): Promise<MeetingAccess> {
  const primed = primedAccess.get(user);
  primedAccess.delete(user);
  // Read a moment ago by the route's guard in this very request (the handler's first check):
  // used once; every later check reads afresh.
  const access = primed?.meetingId === meetingId ? primed : await accessOf(user, meetingId);
  return checkAccess(access, meetingId, allow, message);
}

/**
 * The checks of {@link requireAccess} on an access decision already made (null: no such
 * meeting). @throws AppError 404 or 403.
 */
export function checkAccess(
  access: MeetingAccess | null,
  meetingId: string,
  allow: (a: MeetingAccess) => boolean = canView,
  message = 'You do not take part in this meeting.',
): MeetingAccess {
  if (!access || hidesExistence(access)) throw notFound(`Meeting ${meetingId}`);
  if (!canView(access)) throw forbidden('You do not take part in this meeting.');
  if (!allow(access)) throw forbidden(message);
  return access;
}

/**
 * Routes that authorize from the live read model held in memory (server/live/read-model.ts)
 * instead of reading the meeting: the snapshot and the stream every screen opens with. Their
 * handlers check access first, with the same decision ({@link accessFromRecord}).
 */
const MEMORY_AUTHORIZED = /^\/meetings\/:id\/live(\/state)?$/;

/**
 * SECURITY: every authenticated route under `/meetings/:id` first checks that the caller may
 * see the meeting (404 for a confidential one, 403 otherwise), before its body is validated
 * or any of its state is read. The handler then applies the route's own policy.
 */
export const meetingRouteGuard: RouteGuard = {
  matches: (path, auth) =>
    auth === 'required' && /^\/meetings\/:id(\/|$)/.test(path) && !MEMORY_AUTHORIZED.test(path),
  async authorize(user, params) {
    const meetingId = params.id;
    if (!user || typeof meetingId !== 'string') return;
    const access = await requireAccess(user, meetingId);
    primedAccess.set(user, access);
  },
};

/**
 * A route's `authorize` (see ApiRouter) for `/meetings/:id/...`: the caller must pass `allow`
 * (403 with `message`; 404 for a confidential meeting they may not see), before the body is
 * validated. The access read is handed on to the handler's own check.
 */
export function meetingPolicy<P extends { id: string }>(
  allow: (a: MeetingAccess, params: P) => boolean,
  message: string,
): (ctx: { user: AuthUser; params: P }) => Promise<void> {
  return async ({ user, params }) => {
    const check = (a: MeetingAccess) => allow(a, params);
    primedAccess.set(user, await requireAccess(user, params.id, check, message));
  };
}
