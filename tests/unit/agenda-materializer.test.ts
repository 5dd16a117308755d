import { describe, expect, it } from 'vitest';
import type { AgendaDocItem } from '../../collab/contracts/agenda-doc';
import { planMaterialization, sanitizeDocItems } from '../../server/agenda/agenda-materializer';
import type { RecordItem } from '../../server/agenda/agenda-view';
import { must } from '../support/must';

const id = (n: number) => n.toString(16).padStart(24, '0');

function docItem(n: number, over: Partial<AgendaDocItem> = {}): AgendaDocItem {
  return {
    id: id(n),
    title: `Mục ${n}`,
    presenterId: null,
    durationMinutes: 10,
    documentIds: [],
    notes: '',
    ...over,
  };
}

function recordItem(n: number, order: number, over: Partial<RecordItem> = {}): RecordItem {
  return {
    id: id(n),
    order,
    title: `Mục ${n}`,
    presenterId: null,
    durationMinutes: 10,
    documentIds: [],
    notes: '',
    removed: false,
    ...over,
  };
}

describe('sanitizeDocItems', () => {
  it('keeps the first of duplicate ids, drops bad ids and empty titles, normalizes text to NFC', () => {
    const decomposed = 'Báo cáo'.normalize('NFD');
    const out = sanitizeDocItems([
      docItem(1, { title: `  ${decomposed}  ` }),
      docItem(1, { title: 'duplicate' }),
      { ...docItem(2), id: 'not-an-id' },
      docItem(3, { title: '   ' }),
      docItem(4),
    ]);
    expect(out.map((i) => i.id)).toEqual([id(1), id(4)]);
    expect(must(out[0]).title).toBe('Báo cáo'.normalize('NFC'));
  });

  it('clamps durations, drops malformed presenters and unknown documents', () => {
    const [item] = sanitizeDocItems(
      [
        docItem(1, {
          durationMinutes: 99_999.7,
          presenterId: 'x',
          documentIds: [id(7), id(7), id(8), 'bad'],
        }),
      ],
      new Set([id(7)]),
    );
    expect(item).toMatchObject({ durationMinutes: 1440, presenterId: null, documentIds: [id(7)] });
  });
});

describe('planMaterialization', () => {
  it('creates new ids, rewrites changed or moved items, marks missing ones removed', () => {
    const existing = [recordItem(1, 0), recordItem(2, 1), recordItem(3, 2)];
    const plan = planMaterialization(existing, [
      docItem(3),
      docItem(1, { title: 'Mục 1 (sửa)' }),
      docItem(4),
    ]);
    expect(plan.items.map((i) => [i.id, i.order])).toEqual([
      [id(3), 0],
      [id(1), 1],
      [id(4), 2],
    ]);
    expect(plan.writes.map((w) => w.id).sort()).toEqual([id(1), id(3), id(4)].sort());
    expect(plan.removals).toEqual([id(2)]);
    expect(plan.changed).toBe(true);
  });

  it('is idempotent: the same document again changes nothing', () => {
    const existing = [recordItem(1, 0), recordItem(2, 1)];
    const plan = planMaterialization(existing, [docItem(1), docItem(2)]);
    expect(plan).toMatchObject({ writes: [], removals: [], changed: false });
  });

  it('brings a removed item back under its id', () => {
    const existing = [recordItem(1, 0), recordItem(2, 1, { removed: true })];
    const plan = planMaterialization(existing, [docItem(1), docItem(2)]);
    expect(plan.writes.map((w) => w.id)).toEqual([id(2)]);
    expect(plan.removals).toEqual([]);
  });

  it('does not remove an item twice', () => {
    const plan = planMaterialization([recordItem(1, 0, { removed: true })], []);
    expect(plan.changed).toBe(false);
  });
});
