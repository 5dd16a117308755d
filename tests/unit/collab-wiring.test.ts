import fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { readAgendaItems } from '../../collab/contracts/agenda-doc';
import type { AgendaDocItem } from '../../collab/contracts/agenda-doc';
import type { DocName } from '../../collab/contracts/doc-names';
import { isAgendaSeeded, syncAgendaItems } from '../../server/collab/agenda-sync';
import { collabAccessFor } from '../../server/collab/collab-access';
import type { MeetingState } from '../../server/contracts/meetings';
import type { MeetingAccess } from '../../server/meetings/meeting.policy';

const hex = (n: number): string => n.toString(16).padStart(24, '0');
const item = (n: number, title = `Mục ${n}`): AgendaDocItem => ({
  id: hex(n),
  title,
  presenterId: null,
  durationMinutes: 10,
  documentIds: [],
  notes: '',
});

describe('syncAgendaItems', () => {
  it('makes the document equal any target list, from any starting list', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 10 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 10 }),
        (from, to) => {
          const doc = new Y.Doc();
          doc.transact(() =>
            syncAgendaItems(
              doc,
              from.map((n) => item(n)),
            ),
          );
          const target = to.map((n) => item(n, `Tiêu đề ${n}`));
          doc.transact(() => syncAgendaItems(doc, target));
          expect(readAgendaItems(doc)).toEqual(target);
          expect(isAgendaSeeded(doc)).toBe(true);
        },
      ),
    );
  });

  it('keeps the Y.Map of items that stay in order, so concurrent field edits merge', () => {
    const doc = new Y.Doc();
    doc.transact(() => syncAgendaItems(doc, [item(1), item(2), item(3)]));
    const before = doc.getArray<Y.Map<unknown>>('items').toArray();
    doc.transact(() => syncAgendaItems(doc, [item(1), item(3), item(2, 'Đổi tên')]));
    const after = doc.getArray<Y.Map<unknown>>('items').toArray();
    expect(after[0]).toBe(before[0]);
    // Of 2 and 3 one keeps its map; the moved one is re-created.
    expect([before[1], before[2]].filter((m) => after.includes(m as Y.Map<unknown>))).toHaveLength(
      1,
    );
    expect(readAgendaItems(doc).map((i) => i.title)).toEqual(['Mục 1', 'Mục 3', 'Đổi tên']);
  });
});

function access(over: Partial<MeetingAccess>): MeetingAccess {
  return {
    meetingId: hex(100),
    userId: hex(7),
    state: 'scheduled',
    visibility: 'internal',
    role: null,
    voting: false,
    substituteFor: null,
    operatedSiteIds: [],
    hostAdmin: false,
    systemAdmin: false,
    inHostUnit: false,
    ...over,
  };
}
const agenda: DocName = { kind: 'agenda', meetingId: hex(100) };
const minutes: DocName = { kind: 'minutes', meetingId: hex(100) };
const draft: DocName = { kind: 'draft', meetingId: hex(100), draftId: hex(5) };
const notes = (userId: string): DocName => ({
  kind: 'notes',
  meetingId: hex(100),
  userId,
  documentId: hex(9),
});

describe('collabAccessFor', () => {
  it('lets managers write the agenda while it is prepared or live, and others read it', () => {
    const states: MeetingState[] = ['draft', 'scheduled', 'live'];
    for (const state of states) {
      expect(collabAccessFor(access({ role: 'secretary', state }), agenda)).toBe('write');
      expect(collabAccessFor(access({ role: 'delegate', state }), agenda)).toBe('read');
    }
    expect(collabAccessFor(access({ role: 'chair', state: 'ended' }), agenda)).toBe('read');
  });

  it('lets only the secretary and the chair write the minutes, while live or ended and unlocked', () => {
    expect(collabAccessFor(access({ role: 'secretary', state: 'live' }), minutes)).toBe('write');
    expect(collabAccessFor(access({ role: 'chair', state: 'ended' }), minutes)).toBe('write');
    expect(collabAccessFor(access({ role: 'delegate', state: 'live' }), minutes)).toBe('read');
    expect(collabAccessFor(access({ role: 'secretary', state: 'scheduled' }), minutes)).toBe(
      'read',
    );
    expect(
      collabAccessFor(access({ role: 'secretary', state: 'ended' }), minutes, { locked: true }),
    ).toBe('read');
    expect(
      collabAccessFor(access({ role: 'secretary', state: 'minutes_published' }), minutes),
    ).toBe('read');
  });

  it('keeps private notes to their owner, even from the chair and administrators', () => {
    const me = hex(7);
    expect(collabAccessFor(access({ role: 'delegate' }), notes(me))).toBe('write');
    expect(collabAccessFor(access({ role: 'chair' }), notes(hex(8)))).toBe('none');
    expect(collabAccessFor(access({ systemAdmin: true }), notes(hex(8)))).toBe('none');
    // Not taking part: no notes, even one's own.
    expect(collabAccessFor(access({ hostAdmin: true }), notes(me))).toBe('none');
  });

  it('gives nothing to someone who may not see the meeting, and freezes drafts after the end', () => {
    expect(collabAccessFor(access({ visibility: 'confidential' }), agenda)).toBe('none');
    expect(collabAccessFor(access({ visibility: 'internal' }), draft)).toBe('none');
    expect(collabAccessFor(access({ role: 'delegate', state: 'live' }), draft)).toBe('write');
    expect(collabAccessFor(access({ role: 'observer', state: 'live' }), draft)).toBe('read');
    expect(collabAccessFor(access({ role: 'delegate', state: 'ended' }), draft)).toBe('read');
  });
});
