import { Types } from 'mongoose';
import type { AgendaDocItem } from '../../collab/contracts/agenda-doc';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type {
  Agenda,
  CreateAgendaItemInput,
  ReorderAgendaInput,
  SetCurrentItemInput,
  UpdateAgendaItemInput,
} from '../contracts/agenda';
import { MeetingDocumentModel } from '../documents/document.model';
import { appError, conflict, notFound } from '../errors';
import { liveService } from '../live/live.service';
import { requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import type { MeetingLean } from '../meetings/meeting.model';
import { canChair, canManage } from '../meetings/meeting.policy';
import { isEditable, wrongState } from '../meetings/meeting-state';
import { UserModel } from '../users/user.model';
import { serializedUpdate } from '../write-serialization';
import type { AgendaDocumentBridge } from './agenda-bridge';
import { materializeFromDocument } from './agenda-materializer';
import { buildAgenda, recordItems } from './agenda-view';
import { KeyedQueue } from '../keyed-queue';

let bridge: AgendaDocumentBridge | undefined;

/**
 * Routes REST edits of the agenda through the co-edited document. Called once by the
 * composition root when the collab server is wired in; without it REST edits write the
 * record directly (through the same materializer).
 */
export function useAgendaBridge(next: AgendaDocumentBridge | undefined): void {
  bridge = next;
}

const queues = new KeyedQueue();

/** Runs edits of one meeting's agenda one after another within this process. */
function exclusive<T>(meetingId: string, run: () => Promise<T>): Promise<T> {
  return queues.run(meetingId, run);
}

function toDocItems(items: Awaited<ReturnType<typeof recordItems>>): AgendaDocItem[] {
  return items
    .filter((i) => !i.removed)
    .map((i) => ({
      id: i.id,
      title: i.title,
      presenterId: i.presenterId,
      durationMinutes: i.durationMinutes,
      documentIds: i.documentIds,
      notes: i.notes,
    }));
}

function badField(path: string, message: string) {
  return appError('validation_failed', 400, `Invalid input. ${path}: ${message}.`, {
    issues: [{ path, message }],
  });
}

/** REST edits name real people and this meeting's documents (400 otherwise). */
async function checkReferences(
  meetingId: string,
  input: { presenterId?: string | null; documentIds?: string[] },
): Promise<void> {
  if (input.presenterId) {
    const user = await UserModel.findById(input.presenterId, { active: 1 }).lean();
    if (!user?.active) throw badField('body.presenterId', 'no active user with this id');
  }
  if (input.documentIds?.length) {
    const docs = await MeetingDocumentModel.find(
      {
        _id: { $in: input.documentIds.map((d) => new Types.ObjectId(d)) },
        meetingId: new Types.ObjectId(meetingId),
      },
      { _id: 1 },
    ).lean();
    const known = new Set(docs.map((d) => d._id.toHexString()));
    const missing = input.documentIds.findIndex((d) => !known.has(d));
    if (missing >= 0)
      throw badField(`body.documentIds.${missing}`, 'not a document of this meeting');
  }
}

const EDIT_MESSAGE =
  'Only the chair, the secretary or an administrator of the host unit may edit the agenda.';

async function edit(
  actor: AuthUser,
  meetingId: string,
  mutate: (items: AgendaDocItem[]) => AgendaDocItem[],
  precheck?: () => Promise<void>,
): Promise<Agenda> {
  // SECURITY: access first; `precheck` reads the meeting's state only after it, so that an
  // outsider learns nothing of a confidential meeting from a 400 or a 409.
  const access = await requireAccess(actor, meetingId, canManage, EDIT_MESSAGE);
  if (!isEditable(access.state)) {
    throw wrongState(access.state, 'editing the agenda', 'draft, scheduled or live');
  }
  if (precheck) await precheck();
  await exclusive(meetingId, async () => {
    const next = mutate(toDocItems(await recordItems(meetingId)));
    if (bridge) {
      await bridge.applyToDocument(meetingId, next).catch(() => {
        throw appError(
          'service_unavailable',
          503,
          'The co-edited agenda could not be updated, so nothing was changed. Try again in a moment.',
        );
      });
    }
    await materializeFromDocument(meetingId, next, actor);
  });
  return buildAgenda(meetingId);
}

/** The materialized agenda: read by everyone taking part; edited by the meeting's managers. */
export const agendaService = {
  /** The record's agenda as the co-edited document holds it (removed items left out). */
  async documentItems(meetingId: string): Promise<AgendaDocItem[]> {
    return toDocItems(await recordItems(meetingId));
  },

  /**
   * Writes the record from the co-edited document, in turn with REST edits of the same
   * meeting. `read` answers the document's items at that moment, or null to skip.
   */
  async materializeFromCollab(
    meetingId: string,
    read: () => Promise<AgendaDocItem[] | null>,
  ): Promise<void> {
    await exclusive(meetingId, async () => {
      const items = await read();
      if (items) await materializeFromDocument(meetingId, items);
    });
  },

  /** @throws AppError 403/404 (access). */
  async get(actor: AuthUser, meetingId: string): Promise<Agenda> {
    await requireAccess(actor, meetingId);
    return buildAgenda(meetingId);
  },

  /** Adds an item (a new stable id) at the end or at `position`. @throws AppError 403/404/409. */
  async add(actor: AuthUser, meetingId: string, input: CreateAgendaItemInput): Promise<Agenda> {
    const id = new Types.ObjectId().toHexString();
    return edit(
      actor,
      meetingId,
      (items) => {
        const item: AgendaDocItem = {
          id,
          title: input.title,
          presenterId: input.presenterId,
          durationMinutes: input.durationMinutes,
          documentIds: input.documentIds,
          notes: input.notes,
        };
        const at = Math.min(input.position ?? items.length, items.length);
        return [...items.slice(0, at), item, ...items.slice(at)];
      },
      () => checkReferences(meetingId, input),
    );
  },

  /** @throws AppError 403/404 (meeting or item), 409 (meeting over). */
  async update(
    actor: AuthUser,
    meetingId: string,
    itemId: string,
    input: UpdateAgendaItemInput,
  ): Promise<Agenda> {
    return edit(
      actor,
      meetingId,
      (items) => {
        const index = items.findIndex((i) => i.id === itemId);
        const current = items[index];
        if (!current) throw notFound(`Agenda item ${itemId}`);
        const next = [...items];
        next[index] = { ...current, ...input };
        return next;
      },
      () => checkReferences(meetingId, input),
    );
  },

  /** @throws AppError 403/404, 409 (meeting over, or the item under discussion). */
  async remove(actor: AuthUser, meetingId: string, itemId: string): Promise<Agenda> {
    return edit(
      actor,
      meetingId,
      (items) => {
        if (!items.some((i) => i.id === itemId)) throw notFound(`Agenda item ${itemId}`);
        return items.filter((i) => i.id !== itemId);
      },
      async () => {
        const meeting = await MeetingModel.findById(meetingId, { currentItemId: 1 }).lean();
        if (meeting?.currentItemId?.toHexString() === itemId) {
          throw conflict('This item is under discussion; move to another item first.');
        }
      },
    );
  },

  /** Puts the items in a new order; every item must be named once. @throws AppError 400/403/404/409. */
  async reorder(actor: AuthUser, meetingId: string, input: ReorderAgendaInput): Promise<Agenda> {
    return edit(actor, meetingId, (items) => {
      const byId = new Map(items.map((i) => [i.id, i]));
      const unknown = input.itemIds.findIndex((id) => !byId.has(id));
      if (unknown >= 0) throw badField(`body.itemIds.${unknown}`, 'not an item of this agenda');
      if (input.itemIds.length !== items.length) {
        throw badField('body.itemIds', `name all ${items.length} items of the agenda`);
      }
      return input.itemIds.map((id) => byId.get(id) as AgendaDocItem);
    });
  },

  /**
   * The chair sets the item under discussion (null: none); the previous one becomes done.
   * @throws AppError 403 (not the chair), 404, 409 (meeting not live).
   */
  async setCurrent(
    actor: AuthUser,
    meetingId: string,
    input: SetCurrentItemInput,
  ): Promise<Agenda> {
    await requireAccess(
      actor,
      meetingId,
      canChair,
      'Only the chair sets the item under discussion.',
    );
    if (input.itemId) {
      const items = await recordItems(meetingId);
      if (!items.some((i) => i.id === input.itemId && !i.removed)) {
        throw notFound(`Agenda item ${input.itemId}`);
      }
    }
    const target = input.itemId ? new Types.ObjectId(input.itemId) : null;
    const result = await serializedUpdate<MeetingLean>(
      MeetingModel,
      new Types.ObjectId(meetingId),
      (m) => {
        if (m.state !== 'live') throw wrongState(m.state, 'setting the current item', 'live');
        const previous = m.currentItemId;
        if ((previous?.toHexString() ?? null) === input.itemId) return null;
        const done = m.doneItemIds.filter((d) => !target?.equals(d));
        if (previous && !done.some((d) => d.equals(previous))) done.push(previous);
        return { currentItemId: target, doneItemIds: done };
      },
      `Meeting ${meetingId}`,
    );
    if (result.changed) {
      const previousItemId = result.before.currentItemId?.toHexString() ?? null;
      await auditService.append({
        meetingId,
        actor,
        action: 'agenda.current',
        target: { kind: 'agenda_item', id: input.itemId ?? previousItemId ?? meetingId },
        before: { currentItemId: previousItemId },
        after: { currentItemId: input.itemId },
      });
      await liveService.publish(meetingId, 'agenda.current', {
        currentItemId: input.itemId,
        previousItemId,
      });
    }
    return buildAgenda(meetingId);
  },
};
