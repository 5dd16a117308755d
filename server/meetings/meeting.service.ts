import { Types } from 'mongoose';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { hasRole } from '../auth/auth-user';
import type { Page } from '../contracts/common';
import { DEFAULT_QUORUM_RULE } from '../contracts/meetings';
import type {
  CreateMeetingInput,
  ListMeetingsQuery,
  Meeting,
  MeetingState,
  MyMeetingRole,
  QuorumRule,
  TransitionInput,
  UpdateMeetingInput,
} from '../contracts/meetings';
import { appError, forbidden } from '../errors';
import { liveService } from '../live/live.service';
import { searchKey } from '../text-search';
import { unitService } from '../units/unit.service';
import { userService } from '../users/user.service';
import { onSerializedWrite, serializedUpdate } from '../write-serialization';
import { requireAccess, userUnitChain } from './meeting-access.service';
import { MeetingDirectory } from './meeting-directory';
import type { MeetingSummary } from './meeting-directory';
import { MeetingModel } from './meeting.model';
import type { MeetingLean } from './meeting.model';
import { canHostIn, canManage } from './meeting.policy';
import { invalidTransition, isEditable, transitionProblem, wrongState } from './meeting-state';
import { ParticipantModel, participantKey } from './participant.model';
import { participantService } from './participant.service';
import { SiteModel } from './site.model';

/** A lifecycle change, as listeners (floor, polls, media) receive it. */
export interface MeetingTransition {
  meetingId: string;
  from: MeetingState;
  to: MeetingState;
  actor: AuthUser | null;
}

type TransitionListener = (t: MeetingTransition) => Promise<void>;
const transitionListeners: TransitionListener[] = [];

/** Summaries of every meeting for lists, kept current by every write of a meeting. */
export const meetingDirectory = new MeetingDirectory((m) => toMeetingDto(m));
onSerializedWrite(MeetingModel.collection.collectionName, (id) =>
  meetingDirectory.changed(id.toHexString()),
);

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

/** The meeting's quorum rule (the default when unset). */
export function quorumOf(m: Pick<MeetingLean, 'quorum'>): QuorumRule {
  const q = m.quorum;
  return q
    ? { numerator: q.numerator, denominator: q.denominator, inclusive: q.inclusive }
    : DEFAULT_QUORUM_RULE;
}

/** What the API shape of a meeting is made from. */
type ListedMeeting = Omit<
  MeetingLean,
  'memberIds' | 'siteOperators' | 'doneItemIds' | 'searchText'
>;

/** The API shape of a meeting. */
export function toMeetingDto(m: ListedMeeting): Meeting {
  return {
    id: m._id.toHexString(),
    title: m.title,
    kind: m.kind,
    hostUnitId: m.hostUnitId.toHexString(),
    hostUnitName: m.hostUnitName ?? null,
    chairId: m.chairId.toHexString(),
    secretaryId: m.secretaryId?.toHexString() ?? null,
    place: m.place,
    startsAt: m.startsAt.toISOString(),
    endsAt: m.endsAt.toISOString(),
    visibility: m.visibility,
    description: m.description,
    state: m.state,
    quorum: quorumOf(m),
    floor: { maxSpeakers: m.floor?.maxSpeakers ?? 1 },
    currentItemId: m.currentItemId?.toHexString() ?? null,
    cancelReason: m.cancelReason ?? null,
    createdBy: m.createdBy.toHexString(),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

function present(meetings: ListedMeeting[]): Meeting[] {
  return meetings.map(toMeetingDto);
}

/**
 * The meetings as the API returns them to `actor`, each with the caller's roles in it (two
 * indexed queries for the whole page: participations by key, sites by operator).
 */
async function presentFor(actor: AuthUser, meetings: ListedMeeting[]): Promise<Meeting[]> {
  if (!meetings.length) return [];
  const ids = meetings.map((m) => m._id);
  const [participations, sites] = await Promise.all([
    ParticipantModel.find(
      { _id: { $in: ids.map((id) => participantKey(id.toHexString(), actor.id)) } },
      { role: 1, meetingId: 1 },
    ).lean(),
    // Sites stored before operatorIds existed name their one operator in operatorId.
    SiteModel.find(
      {
        meetingId: { $in: ids },
        $or: [{ operatorIds: oid(actor.id) }, { operatorId: oid(actor.id) }],
      },
      { meetingId: 1 },
    ).lean(),
  ]);
  const roleOf = new Map(participations.map((p) => [p.meetingId.toHexString(), p.role]));
  const operated = new Set(sites.map((s) => s.meetingId.toHexString()));
  const unitAdmin = hasRole(actor, 'unit_admin');
  return meetings.map((m) => {
    const id = m._id.toHexString();
    const roles: MyMeetingRole[] = [];
    const role = roleOf.get(id);
    if (role) roles.push(role);
    if (operated.has(id)) roles.push('site_operator');
    if (
      hasRole(actor, 'system_admin') ||
      (unitAdmin && m.hostUnitPath.some((u) => u.toHexString() === actor.unitId))
    )
      roles.push('host_admin');
    return { ...toMeetingDto(m), myRoles: roles };
  });
}

async function loadLean(id: string): Promise<MeetingLean> {
  const m = await MeetingModel.findById(id).lean();
  if (!m) throw appError('not_found', 404, `Meeting ${id} was not found.`);
  return m;
}

async function activeUser(id: string, field: string): Promise<void> {
  const user = await userService.load(id).catch(() => null);
  if (!user?.active) {
    throw appError(
      'validation_failed',
      400,
      `Invalid input. body.${field}: no active user ${id}.`,
      {
        issues: [{ path: `body.${field}`, message: 'no active user with this id' }],
      },
    );
  }
}

/** The fields of a meeting that name a unit or a person, as create and update receive them. */
interface MeetingPeopleAndHost {
  hostUnitId?: string | undefined;
  chairId?: string | undefined;
  secretaryId?: string | null | undefined;
}

/**
 * The one check of the fields that carry authority, run alike when a meeting is created and
 * when it is changed: the host unit (see `canHostIn`), an active chair and secretary.
 * Visibility, place and times carry no authority beyond managing the meeting.
 * @throws AppError 404 for an unknown unit, 403 for a host the actor may not name, 400 for an
 * unknown or inactive chair or secretary.
 */
async function authorizeMeetingFields(actor: AuthUser, input: MeetingPeopleAndHost) {
  const host = input.hostUnitId ? await unitService.load(input.hostUnitId) : null;
  if (host) {
    const hostPath = [...host.ancestorIds, host._id].map((u) => u.toHexString());
    if (!canHostIn(actor, await userUnitChain(actor), hostPath)) {
      throw forbidden('You may organise meetings only for your own unit or a unit above it.');
    }
  }
  if (input.chairId) await activeUser(input.chairId, 'chairId');
  if (input.secretaryId) await activeUser(input.secretaryId, 'secretaryId');
  return { host, secretaryId: input.secretaryId ?? null };
}

function changedFields(before: MeetingLean, patch: Record<string, unknown>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (['searchText', 'hostUnitPath', 'hostUnitName'].includes(k)) continue;
    b[k] = (before as unknown as Record<string, unknown>)[k];
    a[k] = v;
  }
  return { before: b, after: a };
}

/** Meetings: scheduling, details, lifecycle, listing. */
export const meetingService = {
  /** Registers a listener run after every lifecycle change (floor and polls close on end). */
  onTransition(listener: TransitionListener): void {
    transitionListeners.push(listener);
  },

  /** The stored meeting. @throws AppError 404. */
  loadLean,

  /** @throws AppError 404/403 (see requireAccess). */
  async get(actor: AuthUser, id: string): Promise<Meeting> {
    await requireAccess(actor, id);
    const [dto] = await presentFor(actor, [await loadLean(id)]);
    if (!dto) throw appError('not_found', 404, `Meeting ${id} was not found.`);
    return dto;
  },

  /**
   * Schedules a new meeting (state draft). The chair and the secretary (default: the creator)
   * become participants.
   * @throws AppError 403 when the host unit is neither the creator's unit nor one above it
   * (nor administered by them), 404 for an unknown unit, 400 for an unknown chair or secretary.
   */
  async create(actor: AuthUser, input: CreateMeetingInput): Promise<Meeting> {
    const { host, secretaryId } = await authorizeMeetingFields(actor, {
      ...input,
      secretaryId: input.secretaryId === undefined ? actor.id : input.secretaryId,
    });
    if (!host) throw new Error('create: a meeting always names its host unit');
    const hostPath = [...host.ancestorIds, host._id];
    const created = await MeetingModel.create({
      title: input.title,
      kind: input.kind,
      hostUnitId: host._id,
      hostUnitName: host.name,
      hostUnitPath: hostPath,
      chairId: oid(input.chairId),
      secretaryId: secretaryId ? oid(secretaryId) : null,
      place: input.place,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      visibility: input.visibility,
      description: input.description,
      state: 'draft',
      quorum: input.quorum ?? DEFAULT_QUORUM_RULE,
      floor: input.floor ?? { maxSpeakers: 1 },
      createdBy: oid(actor.id),
      searchText: searchKey(input.title),
    });
    const id = created._id.toHexString();
    await meetingDirectory.changed(id);
    await participantService.assignRole(id, input.chairId, 'chair');
    if (secretaryId && secretaryId !== input.chairId) {
      await participantService.assignRole(id, secretaryId, 'secretary');
    }
    await auditService.append({
      meetingId: id,
      actor,
      action: 'meeting.created',
      target: { kind: 'meeting', id },
      after: { title: input.title, state: 'draft', hostUnitId: input.hostUnitId },
    });
    const [dto] = await presentFor(actor, [created.toObject()]);
    return dto as Meeting;
  },

  /**
   * Meetings the caller may see, filtered, searched and paginated, newest first. Served from
   * the in-memory directory (meeting-directory.ts): no database work but the caller's unit
   * chain (cached) and their role in the meetings of the page they take part in.
   */
  async list(actor: AuthUser, query: ListMeetingsQuery): Promise<Page<Meeting>> {
    const me = actor.id;
    const chain = new Set(await userUnitChain(actor));
    const systemAdmin = hasRole(actor, 'system_admin');
    const unitAdmin = hasRole(actor, 'unit_admin');
    const from = query.from ? new Date(query.from).getTime() : null;
    const to = query.to ? new Date(query.to).getTime() : null;
    const needle = query.q ? searchKey(query.q) : null;
    const administers = (m: MeetingSummary) => unitAdmin && m.hostUnitPath.includes(actor.unitId);
    const matches = (m: MeetingSummary): boolean =>
      (systemAdmin ||
        m.visibility === 'public' ||
        (m.visibility === 'internal' && chain.has(m.hostUnitId)) ||
        m.memberIds.has(me) ||
        administers(m)) &&
      (!query.mine || m.memberIds.has(me)) &&
      (!query.unitId || m.hostUnitId === query.unitId) &&
      (!query.under || m.hostUnitPath.includes(query.under)) &&
      (!query.status || m.state === query.status) &&
      // A date range finds meetings that overlap it.
      (from === null || m.endsAt >= from) &&
      (to === null || m.startsAt <= to) &&
      (needle === null || m.searchText.includes(needle));
    const found = (await meetingDirectory.all()).filter(matches);
    const skip = (query.page - 1) * query.pageSize;
    const page = found.slice(skip, skip + query.pageSize);
    const items = await Promise.all(
      page.map(async (m): Promise<Meeting> => {
        const roles: MyMeetingRole[] = [];
        // Participants and site operators are members (memberIds is derived from both).
        if (m.memberIds.has(me)) {
          const p = await ParticipantModel.findById(participantKey(m.id, me), {
            role: 1,
          }).lean();
          if (p) roles.push(p.role);
          if (m.siteOperatorIds.has(me)) roles.push('site_operator');
        }
        if (systemAdmin || administers(m)) roles.push('host_admin');
        return { ...m.dto, myRoles: roles };
      }),
    );
    return { items, total: found.length, page: query.page, pageSize: query.pageSize };
  },

  /**
   * Changes a meeting's details while it is draft, scheduled or live.
   * Fields that carry authority pass the same check as at creation (authorizeMeetingFields).
   * @throws AppError 403/404 (access, or a host unit the actor may not name), 409 when the
   * meeting is over, 400 for an unknown chair/secretary, 404 for an unknown unit.
   */
  async update(actor: AuthUser, id: string, input: UpdateMeetingInput): Promise<Meeting> {
    const access = await requireAccess(
      actor,
      id,
      canManage,
      'Only the chair, the secretary or an administrator of the host unit may change the meeting.',
    );
    const { host } = await authorizeMeetingFields(actor, input);
    const result = await serializedUpdate<MeetingLean>(
      MeetingModel,
      oid(id),
      (m) => {
        // After the meeting, until its minutes are published, the chair (or the host's
        // administrator) may still hand the minutes to another secretary.
        const handover =
          m.state === 'ended' &&
          Object.keys(input).every((k) => k === 'secretaryId') &&
          (access.role === 'chair' || access.hostAdmin || access.systemAdmin);
        if (!isEditable(m.state) && !handover)
          throw wrongState(m.state, 'changing its details', 'draft, scheduled or live');
        const startsAt = input.startsAt ? new Date(input.startsAt) : m.startsAt;
        const endsAt = input.endsAt ? new Date(input.endsAt) : m.endsAt;
        if (endsAt <= startsAt) {
          throw appError(
            'validation_failed',
            400,
            'Invalid input. body.endsAt: must be after startsAt.',
            {
              issues: [{ path: 'body.endsAt', message: 'must be after startsAt' }],
            },
          );
        }
        const patch: Record<string, unknown> = {};
        if (input.title !== undefined)
          Object.assign(patch, { title: input.title, searchText: searchKey(input.title) });
        if (input.kind !== undefined) patch.kind = input.kind;
        if (host)
          Object.assign(patch, {
            hostUnitName: host.name,
            hostUnitId: host._id,
            hostUnitPath: [...host.ancestorIds, host._id],
          });
        if (input.chairId !== undefined) patch.chairId = oid(input.chairId);
        if (input.secretaryId !== undefined)
          patch.secretaryId = input.secretaryId ? oid(input.secretaryId) : null;
        if (input.place !== undefined) patch.place = input.place;
        if (input.startsAt !== undefined) patch.startsAt = startsAt;
        if (input.endsAt !== undefined) patch.endsAt = endsAt;
        if (input.visibility !== undefined) patch.visibility = input.visibility;
        if (input.description !== undefined) patch.description = input.description;
        if (input.quorum !== undefined) patch.quorum = input.quorum;
        if (input.floor !== undefined) patch.floor = input.floor;
        return patch;
      },
      `Meeting ${id}`,
    );
    if (input.chairId && !result.before.chairId.equals(oid(input.chairId))) {
      await participantService.assignRole(id, input.chairId, 'chair');
      await participantService.demote(id, result.before.chairId.toHexString(), 'chair');
    }
    if (input.secretaryId !== undefined) {
      const previous = result.before.secretaryId?.toHexString() ?? null;
      if (input.secretaryId && input.secretaryId !== previous) {
        await participantService.assignRole(id, input.secretaryId, 'secretary');
      }
      if (previous && previous !== input.secretaryId) {
        await participantService.demote(id, previous, 'secretary');
      }
    }
    const patchForAudit = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, v as unknown]),
    );
    const diff = changedFields(result.before, patchForAudit);
    await auditService.append({
      meetingId: id,
      actor,
      action: 'meeting.updated',
      target: { kind: 'meeting', id },
      ...diff,
    });
    const lean = await loadLean(id);
    const [dto] = present([lean]);
    if (!dto) throw appError('not_found', 404, `Meeting ${id} was not found.`);
    await liveService.publish(id, 'meeting.updated', { meeting: dto });
    const [mine] = await presentFor(actor, [lean]);
    return mine ?? dto;
  },

  /**
   * Moves the lifecycle. Concurrent requests are serialized: exactly one of several equal
   * requests succeeds, the others see the new state and get 409.
   * @throws AppError 403/404 (access), 409 `invalid_transition` with `{ current, requested,
   * allowed }`.
   */
  async transition(actor: AuthUser | null, id: string, input: TransitionInput): Promise<Meeting> {
    if (actor) {
      await requireAccess(
        actor,
        id,
        canManage,
        'Only the chair, the secretary or an administrator of the host unit may move the meeting along.',
      );
      // The meeting's state follows its minutes: only publishing them (the system) moves it.
      if (input.to === 'minutes_published') {
        throw appError(
          'minutes_not_published',
          409,
          'A meeting becomes "minutes published" when its minutes are published: approve and publish them on the minutes screen.',
        );
      }
    }
    const result = await serializedUpdate<MeetingLean>(
      MeetingModel,
      oid(id),
      (m) => {
        const problem = transitionProblem(m.state, input.to);
        if (problem) throw invalidTransition(problem);
        const patch: Record<string, unknown> = { state: input.to };
        if (input.to === 'cancelled') patch.cancelReason = input.reason ?? null;
        if (input.to === 'ended' && m.currentItemId) {
          patch.currentItemId = null;
          patch.doneItemIds = [...m.doneItemIds, m.currentItemId];
        }
        return patch;
      },
      `Meeting ${id}`,
    );
    const from = result.before.state;
    await auditService.append({
      meetingId: id,
      actor,
      action: 'meeting.transition',
      target: { kind: 'meeting', id },
      before: { state: from },
      after: { state: input.to, ...(input.reason ? { reason: input.reason } : {}) },
    });
    await liveService.publish(id, 'meeting.state', { state: input.to, previous: from });
    for (const listener of transitionListeners) {
      await listener({ meetingId: id, from, to: input.to, actor });
    }
    const lean = await loadLean(id);
    const [dto] = actor ? await presentFor(actor, [lean]) : present([lean]);
    return dto as Meeting;
  },
};
