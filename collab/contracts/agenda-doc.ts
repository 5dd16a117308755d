import type * as Y from 'yjs';

/**
 * Shape of the co-edited agenda (`meeting/<id>/agenda`): `doc.getArray(AGENDA_ITEMS)` holds one
 * Y.Map per item, in agenda order. Each map has the keys of {@link AgendaDocItem}. The id is
 * stable (a 24-hex object id chosen by whoever adds the item) and is the id of the agenda item
 * in MongoDB. Live status (pending/current/done) is not here: the chair sets it through the API.
 */
export const AGENDA_ITEMS = 'items';

/** The plain values of one agenda item in the Yjs document. */
export interface AgendaDocItem {
  id: string;
  title: string;
  presenterId: string | null;
  durationMinutes: number;
  documentIds: string[];
  notes: string;
}

/** The agenda items of a Y.Doc as plain values, in order; malformed entries are skipped. */
export function readAgendaItems(doc: Y.Doc): AgendaDocItem[] {
  const out: AgendaDocItem[] = [];
  for (const entry of doc.getArray<Y.Map<unknown>>(AGENDA_ITEMS).toArray()) {
    if (typeof entry.get !== 'function') continue;
    const id = entry.get('id');
    const title = entry.get('title');
    if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id) || typeof title !== 'string') continue;
    const presenterId = entry.get('presenterId');
    const duration = entry.get('durationMinutes');
    const documentIds = entry.get('documentIds');
    const notes = entry.get('notes');
    out.push({
      id,
      title,
      presenterId: typeof presenterId === 'string' ? presenterId : null,
      durationMinutes: typeof duration === 'number' && Number.isFinite(duration) ? duration : 0,
      documentIds: Array.isArray(documentIds)
        ? documentIds.filter((d): d is string => typeof d === 'string')
        : [],
      notes: typeof notes === 'string' ? notes : '',
    });
  }
  return out;
}
