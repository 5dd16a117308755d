import * as Y from 'yjs';
import { AGENDA_ITEMS } from '../../../collab/contracts/agenda-doc';
import type { AgendaDocItem } from '../../../collab/contracts/agenda-doc';

/**
 * A new 24-hex id in the form of a MongoDB ObjectId (seconds, then random bytes), chosen by the
 * browser that adds an agenda item; the server keeps it as the item's id.
 */
export function newObjectId(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return seconds + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function itemsOf(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(AGENDA_ITEMS);
}

function toMap(item: AgendaDocItem): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('id', item.id);
  map.set('title', item.title);
  map.set('presenterId', item.presenterId);
  map.set('durationMinutes', item.durationMinutes);
  map.set('documentIds', [...item.documentIds]);
  map.set('notes', item.notes);
  return map;
}

function indexOf(doc: Y.Doc, id: string): number {
  return itemsOf(doc)
    .toArray()
    .findIndex((m) => typeof m.get === 'function' && m.get('id') === id);
}

/** Appends an agenda item (with a new id unless given); returns its id. */
export function addAgendaItem(
  doc: Y.Doc,
  fields: Partial<AgendaDocItem> & { title: string },
): string {
  const item: AgendaDocItem = {
    id: fields.id ?? newObjectId(),
    title: fields.title.normalize('NFC'),
    presenterId: fields.presenterId ?? null,
    durationMinutes: fields.durationMinutes ?? 15,
    documentIds: fields.documentIds ?? [],
    notes: fields.notes ?? '',
  };
  itemsOf(doc).push([toMap(item)]);
  return item.id;
}

/** Changes fields of an item in place; false when the item is gone (someone deleted it). */
export function updateAgendaItem(
  doc: Y.Doc,
  id: string,
  fields: Partial<Omit<AgendaDocItem, 'id'>>,
): boolean {
  const i = indexOf(doc, id);
  if (i < 0) return false;
  const map = itemsOf(doc).get(i);
  doc.transact(() => {
    for (const [k, v] of Object.entries(fields) as [string, unknown][]) {
      if (v === undefined) continue;
      map.set(
        k,
        typeof v === 'string' ? v.normalize('NFC') : Array.isArray(v) ? [...(v as unknown[])] : v,
      );
    }
  });
  return true;
}

/** Removes an item; false when it was already gone. */
export function removeAgendaItem(doc: Y.Doc, id: string): boolean {
  const i = indexOf(doc, id);
  if (i < 0) return false;
  itemsOf(doc).delete(i, 1);
  return true;
}

/**
 * Moves an item to position `to` (0-based, in the order after removal), in one transaction.
 * A Y.Map cannot be moved in a Y.Array, so the item is re-inserted as a copy with the same id
 * and values: concurrent edits to the old copy's fields during the move are lost, which is
 * acceptable for an agenda (a move is a rare, deliberate act). False when the item is gone.
 */
export function moveAgendaItem(doc: Y.Doc, id: string, to: number): boolean {
  const arr = itemsOf(doc);
  const from = indexOf(doc, id);
  if (from < 0) return false;
  const target = Math.max(0, Math.min(to, arr.length - 1));
  if (target === from) return true;
  const map = arr.get(from);
  const copy = new Y.Map<unknown>();
  for (const [k, v] of map.entries()) copy.set(k, Array.isArray(v) ? [...(v as unknown[])] : v);
  doc.transact(() => {
    arr.delete(from, 1);
    arr.insert(target, [copy]);
  });
  return true;
}
