import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type {
  FloorEntry,
  FloorState,
  GrantFloorInput,
  ReorderFloorInput,
  RequestFloorInput,
  SpeakingReport,
} from '../contracts/speakers';
import { appError, conflict, forbidden, notFound } from '../errors';
import { liveService } from '../live/live.service';
import { requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { canChair, operatesSite } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { participantService } from '../meetings/participant.service';
import { userService } from '../users/user.service';
import { isDuplicateKey, serializedUpdate } from '../write-serialization';
import { FloorEntryModel, FloorGrantModel } from './floor-entry.model';
import type { FloorEntryLean } from './floor-entry.model';
import { noFloorHooks } from './floor-hooks';
import type { FloorHooks } from './floor-hooks';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);
let hooks: FloorHooks = noFloorHooks;
let log: Logger | undefined;

/** Installs the hooks the media layer provides (called once by the composition root). */
export function useFloorHooks(next: FloorHooks, logger: Logger): void {
  hooks = next;
  log = logger;
}

/** The API shape of a floor entry. */
export function toFloorDto(e: FloorEntryLean): FloorEntry {
  return {
    id: e._id.toHexString(),
    meetingId: e.meetingId.toHexString(),
    agendaItemId: e.agendaItemId?.toHexString() ?? null,
    speaker: { kind: e.speakerKind, id: e.speakerId.toHexString(), name: e.speakerName },
    requestedBy: e.requestedBy.toHexString(),
    status: e.status,
    order: e.order,
    requestedAt: e.requestedAt.toISOString(),
    grantedAt: e.grantedAt?.toISOString() ?? null,
    endedAt: e.endedAt?.toISOString() ?? null,
  };
}

async function runHook(
  kind: 'onGranted' | 'onEnded',
  meetingId: string,
  entry: FloorEntry,
): Promise<void> {
  try {
    await hooks[kind](meetingId, entry);
  } catch (err) {
    log?.warn({ err, meetingId, entryId: entry.id }, `floor hook ${kind} failed`);
  }
}

/** The floor of a meeting now: who speaks, and who waits in order. */
export async function buildFloor(meetingId: string): Promise<FloorState> {
  const [meeting, rows] = await Promise.all([
    MeetingModel.findById(oid(meetingId), { floor: 1 }).lean(),
    FloorEntryModel.find({ meetingId: oid(meetingId), status: { $in: ['requested', 'granted'] } })
      .sort({ order: 1, _id: 1 })
      .lean(),
  ]);
  if (!meeting) throw notFound(`Meeting ${meetingId}`);
  const entries = (rows as FloorEntryLean[]).map(toFloorDto);
  return {
    meetingId,
    maxSpeakers: meeting.floor?.maxSpeakers ?? 1,
    speaking: entries
      .filter((e) => e.status === 'granted')
      .sort((a, b) => (a.grantedAt ?? '').localeCompare(b.grantedAt ?? '')),
    queue: entries.filter((e) => e.status === 'requested'),
  };
}

async function changed(
  actor: AuthUser | null,
  meetingId: string,
  action: string,
  entry: FloorEntry,
  before?: unknown,
): Promise<FloorState> {
  await auditService.append({
    meetingId,
    actor,
    action,
    target: { kind: 'floor_entry', id: entry.id },
    ...(before === undefined ? {} : { before }),
    after: { status: entry.status, speaker: entry.speaker },
  });
  const floor = await buildFloor(meetingId);
  await liveService.publish(meetingId, 'floor.changed', { floor });
  return floor;
}

async function loadEntry(meetingId: string, entryId: string): Promise<FloorEntryLean> {
  const entry = await FloorEntryModel.findOne({
    _id: oid(entryId),
    meetingId: oid(meetingId),
  }).lean();
  if (!entry) throw notFound(`Floor request ${entryId}`);
  return entry;
}

function requireLive(access: MeetingAccess): void {
  if (access.state !== 'live') {
    throw appError(
      'conflict',
      409,
      `The meeting is ${access.state}; the floor is given while it is live.`,
      { current: access.state },
    );
  }
}

/** Moves an entry from `from` to `to`; exactly one of concurrent moves wins. @throws AppError 409. */
async function move(
  entry: FloorEntryLean,
  from: readonly string[],
  patch: Record<string, unknown>,
): Promise<FloorEntryLean> {
  const result = await serializedUpdate<FloorEntryLean>(
    FloorEntryModel,
    entry._id,
    (e) => {
      if (!from.includes(e.status))
        throw conflict(`This floor request is already ${e.status}.`, { current: e.status });
      return patch;
    },
    `Floor request ${entry._id.toHexString()}`,
  );
  return result.after;
}

async function endEntry(
  actor: AuthUser | null,
  meetingId: string,
  entry: FloorEntryLean,
): Promise<FloorState> {
  const ended = await move(entry, ['granted'], {
    status: 'ended',
    endedAt: new Date(),
    openKey: `closed:${entry._id.toHexString()}`,
  });
  await FloorGrantModel.deleteMany({ meetingId: entry.meetingId, entryId: entry._id });
  const dto = toFloorDto(ended);
  await runHook('onEnded', meetingId, dto);
  return changed(actor, meetingId, 'floor.ended', dto, { status: 'granted' });
}

/** The speaker queue: requests, grants (one speaker at a time by default), speaking time. */
export const floorService = {
  /** @throws AppError 403/404. */
  async get(actor: AuthUser, meetingId: string): Promise<FloorState> {
    await requireAccess(actor, meetingId);
    return buildFloor(meetingId);
  },

  /**
   * Asks for the floor on the current item, for oneself or for a site one operates.
   * @throws AppError 403/404, 409 (not live, or a request already open).
   */
  async request(actor: AuthUser, meetingId: string, input: RequestFloorInput): Promise<FloorState> {
    const access = await requireAccess(actor, meetingId);
    let speaker: { kind: 'user' | 'site'; id: string; name: string };
    if (input.siteId) {
      if (!operatesSite(access, input.siteId))
        throw forbidden('Only the site operator asks for the floor for a site.');
      const site = (await participantService.sitesOf(meetingId)).find(
        (s) => s._id.toHexString() === input.siteId,
      );
      if (!site) throw notFound(`Site ${input.siteId}`);
      speaker = { kind: 'site', id: input.siteId, name: site.name };
    } else {
      if (access.role === null) throw forbidden('Only invited people ask for the floor.');
      speaker = { kind: 'user', id: actor.id, name: actor.fullName };
    }
    requireLive(access);
    const meeting = await MeetingModel.findById(oid(meetingId), { currentItemId: 1 }).lean();
    const now = new Date();
    try {
      const created = await FloorEntryModel.create({
        meetingId: oid(meetingId),
        agendaItemId: meeting?.currentItemId ?? null,
        speakerKind: speaker.kind,
        speakerId: oid(speaker.id),
        speakerName: speaker.name,
        requestedBy: oid(actor.id),
        status: 'requested',
        order: now.getTime(),
        requestedAt: now,
        openKey: `${meetingId}:${speaker.kind}:${speaker.id}`,
      });
      return await changed(
        actor,
        meetingId,
        'floor.requested',
        toFloorDto(created.toObject<FloorEntryLean>()),
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict(`${speaker.name} has already asked for the floor.`);
      throw err;
    }
  },

  /** Withdraws a waiting request (its requester, or the chair). @throws AppError 403/404/409. */
  async withdraw(actor: AuthUser, meetingId: string, entryId: string): Promise<FloorState> {
    const access = await requireAccess(actor, meetingId);
    const entry = await loadEntry(meetingId, entryId);
    if (!canChair(access) && !entry.requestedBy.equals(oid(actor.id))) {
      throw forbidden('Only whoever asked, or the chair, withdraws a request.');
    }
    const done = await move(entry, ['requested'], {
      status: 'withdrawn',
      endedAt: new Date(),
      openKey: `closed:${entryId}`,
    });
    return changed(actor, meetingId, 'floor.withdrawn', toFloorDto(done), { status: 'requested' });
  },

  /**
   * The chair gives the floor. With `endCurrent`, whoever speaks now is ended first;
   * otherwise a full floor answers 409 naming the speaker.
   * @throws AppError 403/404/409.
   */
  async grant(
    actor: AuthUser,
    meetingId: string,
    entryId: string,
    input: GrantFloorInput,
  ): Promise<FloorState> {
    const access = await requireAccess(
      actor,
      meetingId,
      canChair,
      'Only the chair gives the floor.',
    );
    requireLive(access);
    const entry = await loadEntry(meetingId, entryId);
    if (entry.status !== 'requested')
      throw conflict(`This floor request is already ${entry.status}.`, { current: entry.status });
    if (input.endCurrent) {
      const speaking = await FloorEntryModel.find({
        meetingId: oid(meetingId),
        status: 'granted',
      }).lean();
      for (const s of speaking as FloorEntryLean[])
        await endEntry(actor, meetingId, s).catch(() => undefined);
    }
    const max =
      (await MeetingModel.findById(oid(meetingId), { floor: 1 }).lean())?.floor?.maxSpeakers ?? 1;
    let slot: string | null = null;
    for (let i = 0; i < max && !slot; i++) {
      try {
        await FloorGrantModel.create({
          _id: `${meetingId}:${i}`,
          meetingId: oid(meetingId),
          entryId: entry._id,
          at: new Date(),
        });
        slot = `${meetingId}:${i}`;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    if (!slot) {
      const floor = await buildFloor(meetingId);
      const names = floor.speaking.map((s) => s.speaker.name).join(', ');
      throw conflict(
        `${names || 'Someone'} has the floor. End that turn first, or grant with endCurrent.`,
        { speaking: floor.speaking.map((s) => s.id) },
      );
    }
    let granted: FloorEntryLean;
    try {
      granted = await move(entry, ['requested'], { status: 'granted', grantedAt: new Date() });
    } catch (err) {
      await FloorGrantModel.deleteOne({ _id: slot });
      throw err;
    }
    const dto = toFloorDto(granted);
    await runHook('onGranted', meetingId, dto);
    return changed(actor, meetingId, 'floor.granted', dto, { status: 'requested' });
  },

  /** Ends a turn (the chair, or the speaker). @throws AppError 403/404/409. */
  async end(actor: AuthUser, meetingId: string, entryId: string): Promise<FloorState> {
    const access = await requireAccess(actor, meetingId);
    const entry = await loadEntry(meetingId, entryId);
    if (!canChair(access) && !entry.requestedBy.equals(oid(actor.id))) {
      throw forbidden('Only the chair, or the speaker, ends a turn.');
    }
    return endEntry(actor, meetingId, entry);
  },

  /** The chair reorders waiting requests (they keep the queue positions they held between them). @throws AppError 400/403/404. */
  async reorder(actor: AuthUser, meetingId: string, input: ReorderFloorInput): Promise<FloorState> {
    await requireAccess(actor, meetingId, canChair, 'Only the chair reorders the queue.');
    const rows = (await FloorEntryModel.find({
      _id: { $in: input.entryIds.map(oid) },
      meetingId: oid(meetingId),
      status: 'requested',
    }).lean()) as FloorEntryLean[];
    const byId = new Map(rows.map((r) => [r._id.toHexString(), r]));
    const missing = input.entryIds.findIndex((id) => !byId.has(id));
    if (missing >= 0) {
      throw appError(
        'validation_failed',
        400,
        `Invalid input. body.entryIds.${missing}: not a waiting request of this meeting.`,
        {
          issues: [
            { path: `body.entryIds.${missing}`, message: 'not a waiting request of this meeting' },
          ],
        },
      );
    }
    const slots = rows.map((r) => r.order).sort((a, b) => a - b);
    for (const [i, id] of input.entryIds.entries()) {
      const row = byId.get(id) as FloorEntryLean;
      const order = slots[i] as number;
      if (row.order !== order) {
        await serializedUpdate<FloorEntryLean>(
          FloorEntryModel,
          row._id,
          () => ({ order }),
          `Floor request ${id}`,
        );
      }
    }
    await auditService.append({
      meetingId,
      actor,
      action: 'floor.reordered',
      target: { kind: 'meeting', id: meetingId },
      after: { entryIds: input.entryIds },
    });
    const floor = await buildFloor(meetingId);
    await liveService.publish(meetingId, 'floor.changed', { floor });
    return floor;
  },

  /** Ends every turn and withdraws every waiting request (when the meeting ends). */
  async closeAll(meetingId: string): Promise<void> {
    const rows = (await FloorEntryModel.find({
      meetingId: oid(meetingId),
      status: { $in: ['requested', 'granted'] },
    }).lean()) as FloorEntryLean[];
    for (const row of rows) {
      if (row.status === 'granted') await endEntry(null, meetingId, row).catch(() => undefined);
      else {
        await move(row, ['requested'], {
          status: 'withdrawn',
          endedAt: new Date(),
          openKey: `closed:${row._id.toHexString()}`,
        })
          .then((e) =>
            changed(null, meetingId, 'floor.withdrawn', toFloorDto(e), { status: 'requested' }),
          )
          .catch(() => undefined);
      }
    }
  },

  /** Speaking time per person and per site. @throws AppError 403/404. */
  async report(actor: AuthUser, meetingId: string): Promise<SpeakingReport> {
    await requireAccess(actor, meetingId);
    const rows = (await FloorEntryModel.find({
      meetingId: oid(meetingId),
      grantedAt: { $ne: null },
    }).lean()) as FloorEntryLean[];
    const now = Date.now();
    const totals = new Map<
      string,
      { speaker: FloorEntry['speaker']; turns: number; seconds: number }
    >();
    for (const r of rows) {
      if (!r.grantedAt) continue;
      const k = `${r.speakerKind}:${r.speakerId.toHexString()}`;
      const t = totals.get(k) ?? {
        speaker: { kind: r.speakerKind, id: r.speakerId.toHexString(), name: r.speakerName },
        turns: 0,
        seconds: 0,
      };
      t.turns += 1;
      t.seconds += Math.max(0, ((r.endedAt?.getTime() ?? now) - r.grantedAt.getTime()) / 1000);
      totals.set(k, t);
    }
    const names = new Map(
      (
        await userService.getMany(
          [...totals.values()].filter((t) => t.speaker.kind === 'user').map((t) => t.speaker.id),
        )
      ).map((u) => [u.id, u.fullName]),
    );
    const list = [...totals.values()].map((t) => ({
      ...t,
      speaker: {
        ...t.speaker,
        name:
          t.speaker.kind === 'user' ? (names.get(t.speaker.id) ?? t.speaker.name) : t.speaker.name,
      },
      seconds: Math.round(t.seconds * 10) / 10,
    }));
    const bySeconds = (a: { seconds: number }, b: { seconds: number }) => b.seconds - a.seconds;
    return {
      meetingId,
      people: list.filter((t) => t.speaker.kind === 'user').sort(bySeconds),
      sites: list.filter((t) => t.speaker.kind === 'site').sort(bySeconds),
      totalSeconds: Math.round(list.reduce((s, t) => s + t.seconds, 0) * 10) / 10,
    };
  },
};
