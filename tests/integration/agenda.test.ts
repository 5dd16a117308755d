import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgendaDocItem } from '../../collab/contracts/agenda-doc';
import { materializeFromDocument } from '../../server/agenda/agenda-materializer';
import { useAgendaBridge } from '../../server/agenda/agenda.service';
import type { Agenda } from '../../server/contracts/agenda';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { must } from '../support/must';

let app: TestApp;
let c: DemoClients;
let dir: Directory;

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
});
afterAll(async () => {
  await app.stop();
});
afterEach(() => {
  useAgendaBridge(undefined);
});

type ErrorBody = { error: { code: string; details?: { issues?: { path: string }[] } } };
const add = (id: string, body: Record<string, unknown>, client = c.secretary) =>
  client.post<Agenda>(`/api/meetings/${id}/agenda`, body);

describe('agenda over REST', () => {
  it('adds items with stable ids, edits, reorders and removes them', async () => {
    const m = await buildMeeting(c, dir);
    await add(m.id, {
      title: 'Báo cáo kinh tế',
      presenterId: dir.userId('daibieu2'),
      durationMinutes: 30,
    });
    await add(m.id, { title: 'Dự thảo nghị quyết' });
    const third = await add(m.id, { title: 'Khai mạc', position: 0 });
    expect(third.status).toBe(201);
    expect(third.body.items.map((i) => i.title)).toEqual([
      'Khai mạc',
      'Báo cáo kinh tế',
      'Dự thảo nghị quyết',
    ]);
    expect(third.body.items[1]).toMatchObject({
      presenterName: 'Trần Thị Bình',
      durationMinutes: 30,
      status: 'pending',
      order: 1,
    });
    const [open, report, draft] = third.body.items.map((i) => i.id) as [string, string, string];
    const edited = await c.secretary.patch<Agenda>(`/api/meetings/${m.id}/agenda/${report}`, {
      title: 'Báo cáo kinh tế - xã hội',
      durationMinutes: 40,
    });
    expect(edited.body.items[1]).toMatchObject({
      id: report,
      title: 'Báo cáo kinh tế - xã hội',
      durationMinutes: 40,
    });
    const reordered = await c.secretary.put<Agenda>(`/api/meetings/${m.id}/agenda/order`, {
      itemIds: [draft, open, report],
    });
    expect(reordered.body.items.map((i) => i.id)).toEqual([draft, open, report]);
    const removed = await c.secretary.delete<Agenda>(`/api/meetings/${m.id}/agenda/${open}`);
    expect(removed.body.items.map((i) => i.id)).toEqual([draft, report]);
    expect(
      (await c.d1.get<Agenda>(`/api/meetings/${m.id}/agenda`)).body.items.map((i) => i.id),
    ).toEqual([draft, report]);
  });

  it('answers 400/403/404 for bad edits and changes nothing', async () => {
    const m = await buildMeeting(c, dir);
    const first = must((await add(m.id, { title: 'Mục 1' })).body.items[0]).id;
    expect((await add(m.id, { title: '' })).status).toBe(400);
    const badDoc = await add(m.id, { title: 'x', documentIds: ['a'.repeat(24)] });
    expect((badDoc.body as unknown as ErrorBody).error.details?.issues?.[0]?.path).toBe(
      'body.documentIds.0',
    );
    const badPresenter = await add(m.id, { title: 'x', presenterId: 'b'.repeat(24) });
    expect(badPresenter.status).toBe(400);
    expect((await add(m.id, { title: 'x' }, c.d1)).status).toBe(403);
    expect(
      (await c.secretary.patch(`/api/meetings/${m.id}/agenda/${'c'.repeat(24)}`, { title: 'x' }))
        .status,
    ).toBe(404);
    const partial = await c.secretary.put(`/api/meetings/${m.id}/agenda/order`, { itemIds: [] });
    expect(partial.status).toBe(400);
    const twice = await c.secretary.put(`/api/meetings/${m.id}/agenda/order`, {
      itemIds: [first, first],
    });
    expect(twice.status).toBe(400);
    expect(
      (await c.secretary.get<Agenda>(`/api/meetings/${m.id}/agenda`)).body.items.map(
        (i) => i.title,
      ),
    ).toEqual(['Mục 1']);
  });

  it('lets only the chair set the current item, while live; the previous one becomes done', async () => {
    const m = await buildMeeting(c, dir);
    await add(m.id, { title: 'Mục 1' });
    const ids = (await add(m.id, { title: 'Mục 2' })).body.items.map((i) => i.id) as [
      string,
      string,
    ];
    expect(
      (await c.chair.put(`/api/meetings/${m.id}/agenda/current`, { itemId: ids[0] })).status,
    ).toBe(409);
    await c.secretary.post(`/api/meetings/${m.id}/transitions`, { to: 'scheduled' });
    await c.secretary.post(`/api/meetings/${m.id}/transitions`, { to: 'live' });
    expect(
      (await c.secretary.put(`/api/meetings/${m.id}/agenda/current`, { itemId: ids[0] })).status,
    ).toBe(403);
    const first = await c.chair.put<Agenda>(`/api/meetings/${m.id}/agenda/current`, {
      itemId: ids[0],
    });
    expect(first.body.currentItemId).toBe(ids[0]);
    const second = await c.chair.put<Agenda>(`/api/meetings/${m.id}/agenda/current`, {
      itemId: ids[1],
    });
    expect(second.body.items.map((i) => i.status)).toEqual(['done', 'current']);
    expect(
      (await c.chair.put(`/api/meetings/${m.id}/agenda/current`, { itemId: 'd'.repeat(24) }))
        .status,
    ).toBe(404);
    expect((await c.secretary.delete(`/api/meetings/${m.id}/agenda/${ids[1]}`)).status).toBe(409);
    const none = await c.chair.put<Agenda>(`/api/meetings/${m.id}/agenda/current`, {
      itemId: null,
    });
    expect(none.body.items.map((i) => i.status)).toEqual(['done', 'done']);
  });
});

describe('agenda from the co-edited document', () => {
  it('materializes the document’s items into the record, keeping ids and the current item', async () => {
    const m = await buildMeeting(c, dir, { state: 'live' });
    const added = await add(m.id, { title: 'Mục từ REST' });
    const restId = must(added.body.items[0]).id;
    await c.chair.put(`/api/meetings/${m.id}/agenda/current`, { itemId: restId });
    const newId = '6a0000000000000000000001';
    const items: AgendaDocItem[] = [
      {
        id: newId,
        title: 'Mục gõ chung',
        presenterId: dir.userId('daibieu1'),
        durationMinutes: 12,
        documentIds: [],
        notes: 'ghi chú',
      },
      {
        id: restId,
        title: 'Mục từ REST (sửa trong Yjs)',
        presenterId: null,
        durationMinutes: 5,
        documentIds: [],
        notes: '',
      },
    ];
    const result = await materializeFromDocument(m.id, items);
    expect(result.changed).toBe(true);
    const agenda = (await c.d1.get<Agenda>(`/api/meetings/${m.id}/agenda`)).body;
    expect(agenda.items.map((i) => [i.id, i.title, i.status])).toEqual([
      [newId, 'Mục gõ chung', 'pending'],
      [restId, 'Mục từ REST (sửa trong Yjs)', 'current'],
    ]);
    expect((await materializeFromDocument(m.id, items)).changed).toBe(false);
  });

  it('never takes over another meeting’s item id', async () => {
    const a = await buildMeeting(c, dir);
    const b = await buildMeeting(c, dir);
    const foreign = must((await add(a.id, { title: 'Của cuộc họp A' })).body.items[0]).id;
    await materializeFromDocument(b.id, [
      {
        id: foreign,
        title: 'Chiếm',
        presenterId: null,
        durationMinutes: 1,
        documentIds: [],
        notes: '',
      },
    ]);
    expect(
      (await c.secretary.get<Agenda>(`/api/meetings/${a.id}/agenda`)).body.items[0]?.title,
    ).toBe('Của cuộc họp A');
    expect((await c.secretary.get<Agenda>(`/api/meetings/${b.id}/agenda`)).body.items).toEqual([]);
  });

  it('sends REST edits through the bridge first, and both paths end in the same record', async () => {
    const m = await buildMeeting(c, dir);
    const seen: AgendaDocItem[][] = [];
    useAgendaBridge({
      applyToDocument: (meetingId, items) => {
        expect(meetingId).toBe(m.id);
        seen.push(items);
        return Promise.resolve();
      },
    });
    const res = await add(m.id, { title: 'Qua cầu nối' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.map((i) => i.title)).toEqual(['Qua cầu nối']);
    expect(res.body.items.map((i) => i.id)).toEqual(seen[0]?.map((i) => i.id));
    useAgendaBridge({ applyToDocument: () => Promise.reject(new Error('collab unreachable')) });
    const failed = await add(m.id, { title: 'Không tới được' });
    expect(failed.status).toBe(503);
    expect(
      (await c.secretary.get<Agenda>(`/api/meetings/${m.id}/agenda`)).body.items.map(
        (i) => i.title,
      ),
    ).toEqual(['Qua cầu nối']);
  });
});
