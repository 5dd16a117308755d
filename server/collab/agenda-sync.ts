import * as Y from 'yjs';
import { AGENDA_ITEMS } from '../../collab/contracts/agenda-doc';
import type { AgendaDocItem } from '../../collab/contracts/agenda-doc';

/** Map of the agenda document that records whether it was filled from the record. */
export const AGENDA_META = 'meta';
/** Key in {@link AGENDA_META}: true once the document holds the agenda (seeded or edited). */
export const AGENDA_SEEDED = 'seededFromRecord';

const FIELDS = ['title', 'presenterId', 'durationMinutes', 'documentIds', 'notes'] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function newItemMap(item: AgendaDocItem): Y.Map<unknown> {
  const m = new Y.Map<unknown>();
  m.set('id', item.id);
  for (const f of FIELDS) m.set(f, f === 'documentIds' ? [...item[f]] : item[f]);
  return m;
}

/** Positions (into `seq`) of a longest run whose targets increase: the maps that need not move. */
function longestIncreasing(targets: readonly number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Array<number>(targets.length).fill(-1);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i] as number;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((targets[tails[mid] as number] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1] as number;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (
    let i = tails.length ? (tails[tails.length - 1] as number) : -1;
    i >= 0;
    i = prev[i] as number
  ) {
    keep.add(i);
  }
  return keep;
}

/**
 * Makes the agenda array of `doc` equal `items` (same ids, order and values) with the fewest
 * changes: the Y.Map of an item that keeps its relative place survives (so concurrent edits of
 * its fields merge), moved items are re-inserted, fields are set only where they differ.
 * Call inside a transaction.
 */
export function syncAgendaItems(doc: Y.Doc, items: readonly AgendaDocItem[]): void {
  const arr = doc.getArray<Y.Map<unknown>>(AGENDA_ITEMS);
  const wanted = new Map(items.map((it, i) => [it.id, i]));
  const entries = arr.toArray();
  const seen = new Set<string>();
  const positions: number[] = [];
  const targets: number[] = [];
  entries.forEach((entry, pos) => {
    const id = entry instanceof Y.Map ? entry.get('id') : undefined;
    if (typeof id !== 'string' || seen.has(id)) return;
    const target = wanted.get(id);
    if (target === undefined) return;
    seen.add(id);
    positions.push(pos);
    targets.push(target);
  });
  const kept = new Set([...longestIncreasing(targets)].map((i) => positions[i] as number));
  for (let pos = entries.length - 1; pos >= 0; pos--) {
    if (!kept.has(pos)) arr.delete(pos, 1);
  }
  items.forEach((item, i) => {
    const existing = i < arr.length ? arr.get(i) : undefined;
    if (existing instanceof Y.Map && existing.get('id') === item.id) {
      for (const f of FIELDS) {
        if (!same(existing.get(f), item[f])) {
          existing.set(f, f === 'documentIds' ? [...item[f]] : item[f]);
        }
      }
      return;
    }
    arr.insert(i, [newItemMap(item)]);
  });
  doc.getMap(AGENDA_META).set(AGENDA_SEEDED, true);
}

/** Whether the document already holds the agenda (seeded from the record or edited through the bridge). */
export function isAgendaSeeded(doc: Y.Doc): boolean {
  return doc.getMap(AGENDA_META).get(AGENDA_SEEDED) === true;
}
