import { Types } from 'mongoose';
import type { AgendaDocItem } from '../../collab/contracts/agenda-doc';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { MeetingDocumentModel } from '../documents/document.model';
import { notFound } from '../errors';
import { MeetingModel } from '../meetings/meeting.model';
import { isDuplicateKey } from '../write-serialization';
import { AgendaItemModel } from './agenda-item.model';
import { buildAgenda, recordItems } from './agenda-view';
import type { RecordItem } from './agenda-view';
import { liveService } from '../live/live.service';

/** The most items an agenda holds. */
export const MAX_AGENDA_ITEMS = 500;

/** What to write to make the record equal to the document. */
export interface MaterializationPlan {
  /** Items to create or change (with their new order). */
  writes: RecordItem[];
  /** Ids to take off the agenda (kept in the record, marked removed). */
  removals: string[];
  /** The agenda afterwards, in order. */
  items: RecordItem[];
  changed: boolean;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * Cleans items read from the co-edited document, which anyone with write access can shape:
 * valid ids only, each id once (the first wins), titles trimmed and in NFC (empty titles
 * dropped), whole durations within a day, presenter ids well-formed, document ids well-formed,
 * unique and (when `knownDocumentIds` is given) belonging to the meeting.
 */
export function sanitizeDocItems(
  items: readonly AgendaDocItem[],
  knownDocumentIds?: ReadonlySet<string>,
): AgendaDocItem[] {
  const seen = new Set<string>();
  const out: AgendaDocItem[] = [];
  for (const item of items) {
    if (out.length >= MAX_AGENDA_ITEMS) break;
    if (!OBJECT_ID.test(item.id) || seen.has(item.id)) continue;
    const title = item.title.normalize('NFC').trim().slice(0, 500);
    if (!title) continue;
    seen.add(item.id);
    const duration = Number.isFinite(item.durationMinutes) ? Math.round(item.durationMinutes) : 0;
    out.push({
      id: item.id,
      title,
      presenterId: item.presenterId && OBJECT_ID.test(item.presenterId) ? item.presenterId : null,
      durationMinutes: Math.min(1440, Math.max(0, duration)),
      documentIds: [...new Set(item.documentIds)].filter(
        (d) => OBJECT_ID.test(d) && (!knownDocumentIds || knownDocumentIds.has(d)),
      ),
      notes: item.notes.normalize('NFC').slice(0, 5000),
    });
  }
  return out;
}

function sameItem(a: RecordItem, b: RecordItem): boolean {
  return (
    a.order === b.order &&
    a.title === b.title &&
    a.presenterId === b.presenterId &&
    a.durationMinutes === b.durationMinutes &&
    a.notes === b.notes &&
    a.removed === b.removed &&
    a.documentIds.length === b.documentIds.length &&
    a.documentIds.every((d, i) => d === b.documentIds[i])
  );
}

/**
 * Plans how the record becomes the document's (already sanitized) item list: items are
 * matched by their stable id; new ids are created, changed ones rewritten with their new
 * position, ids no longer in the document marked removed. Status is not touched (it lives on
 * the meeting), so a re-materialization never loses which item is current.
 */
export function planMaterialization(
  existing: readonly RecordItem[],
  docItems: readonly AgendaDocItem[],
): MaterializationPlan {
  const byId = new Map(existing.map((e) => [e.id, e]));
  const keep = new Set(docItems.map((d) => d.id));
  const items: RecordItem[] = docItems.map((d, order) => ({
    id: d.id,
    order,
    title: d.title,
    presenterId: d.presenterId,
    durationMinutes: d.durationMinutes,
    documentIds: [...d.documentIds],
    notes: d.notes,
    removed: false,
  }));
  const writes = items.filter((item) => {
    const before = byId.get(item.id);
    return !before || !sameItem(before, item);
  });
  const removals = existing.filter((e) => !e.removed && !keep.has(e.id)).map((e) => e.id);
  return { writes, removals, items, changed: writes.length > 0 || removals.length > 0 };
}

/** What a materialization did. */
export interface MaterializationResult {
  changed: boolean;
  items: RecordItem[];
}

/**
 * Writes the agenda record of a meeting from the items of its co-edited document (the
 * collab server calls this when `meeting/<id>/agenda` changes; REST edits end here too).
 * Keeps stable ids and statuses; ids that belong to another meeting's items are ignored.
 * Appends an audit entry when anything changed. Idempotent.
 * @throws AppError 404 when the meeting does not exist.
 */
export async function materializeFromDocument(
  meetingId: string,
  items: readonly AgendaDocItem[],
  actor: AuthUser | null = null,
): Promise<MaterializationResult> {
  const mid = new Types.ObjectId(meetingId);
  if (!(await MeetingModel.exists({ _id: mid }))) throw notFound(`Meeting ${meetingId}`);
  const docs = await MeetingDocumentModel.find({ meetingId: mid }, { _id: 1 }).lean();
  const clean = sanitizeDocItems(items, new Set(docs.map((d) => d._id.toHexString())));
  const existing = await recordItems(meetingId);
  const plan = planMaterialization(existing, clean);
  const skipped = new Set<string>();
  for (const w of plan.writes) {
    try {
      await AgendaItemModel.updateOne(
        { _id: new Types.ObjectId(w.id), meetingId: mid },
        {
          $set: {
            order: w.order,
            title: w.title,
            presenterId: w.presenterId ? new Types.ObjectId(w.presenterId) : null,
            durationMinutes: w.durationMinutes,
            documentIds: w.documentIds.map((d) => new Types.ObjectId(d)),
            notes: w.notes,
            removed: false,
          },
        },
        { upsert: true },
      );
    } catch (err) {
      // SECURITY: the id is another meeting's item; never take it over.
      if (isDuplicateKey(err)) skipped.add(w.id);
      else throw err;
    }
  }
  if (plan.removals.length) {
    await AgendaItemModel.updateMany(
      { _id: { $in: plan.removals.map((id) => new Types.ObjectId(id)) }, meetingId: mid },
      { $set: { removed: true } },
    );
  }
  const result = plan.items.filter((i) => !skipped.has(i.id));
  if (plan.changed) {
    const before = new Map(existing.map((e) => [e.id, e]));
    await auditService.append({
      meetingId,
      actor,
      action: 'agenda.materialized',
      target: { kind: 'agenda', id: meetingId },
      before: { items: existing.filter((e) => !e.removed).map((e) => e.id) },
      after: {
        items: result.map((i) => i.id),
        added: plan.writes.filter((w) => !before.has(w.id)).map((w) => w.title),
        changed: plan.writes.filter((w) => before.has(w.id)).map((w) => w.id),
        removed: plan.removals,
      },
    });
  }
  if (plan.changed)
    await liveService.publish(meetingId, 'agenda.changed', { ...(await buildAgenda(meetingId)) });
  return { changed: plan.changed, items: result };
}
