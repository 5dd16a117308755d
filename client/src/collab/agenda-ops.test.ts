import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAgendaItems } from '../../../collab/contracts/agenda-doc';
import {
  addAgendaItem,
  moveAgendaItem,
  newObjectId,
  removeAgendaItem,
  updateAgendaItem,
} from './agenda-ops';

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
}

describe('agenda ops', () => {
  it('new ids are 24-hex and distinct', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newObjectId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('adds, updates, moves and removes items in the shape the server reads', () => {
    const doc = new Y.Doc();
    const a = addAgendaItem(doc, { title: 'Khai mạc' });
    const b = addAgendaItem(doc, { title: 'Báo cáo', durationMinutes: 30 });
    const c = addAgendaItem(doc, { title: 'Bế mạc' });
    expect(updateAgendaItem(doc, b, { presenterId: a, documentIds: [c] })).toBe(true);
    expect(moveAgendaItem(doc, c, 0)).toBe(true);
    expect(readAgendaItems(doc).map((i) => i.id)).toEqual([c, a, b]);
    expect(readAgendaItems(doc)[2]).toMatchObject({
      title: 'Báo cáo',
      durationMinutes: 30,
      presenterId: a,
      documentIds: [c],
    });
    expect(moveAgendaItem(doc, c, 99)).toBe(true);
    expect(readAgendaItems(doc).map((i) => i.id)).toEqual([a, b, c]);
    expect(removeAgendaItem(doc, b)).toBe(true);
    expect(removeAgendaItem(doc, b)).toBe(false);
    expect(updateAgendaItem(doc, b, { title: 'x' })).toBe(false);
    expect(readAgendaItems(doc).map((i) => i.id)).toEqual([a, c]);
  });

  it('a move converges across two replicas', () => {
    const one = new Y.Doc();
    const two = new Y.Doc();
    const ids = ['Một', 'Hai', 'Ba'].map((title) => addAgendaItem(one, { title }));
    sync(one, two);
    moveAgendaItem(two, ids[2] ?? '', 0);
    updateAgendaItem(one, ids[0] ?? '', { title: 'Một (sửa)' });
    sync(one, two);
    expect(readAgendaItems(one)).toEqual(readAgendaItems(two));
    expect(readAgendaItems(one).map((i) => i.title)).toEqual(['Ba', 'Một (sửa)', 'Hai']);
  });
});
