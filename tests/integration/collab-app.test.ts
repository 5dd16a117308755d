import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENDA_ITEMS, readAgendaItems } from '../../collab/contracts/agenda-doc';
import { CollabCloseCode } from '../../collab/contracts/close-codes';
import type { Agenda } from '../../server/contracts/agenda';
import type { Draft } from '../../server/contracts/collab';
import type { DocVersion } from '../../collab/contracts/versions';
import { connectClient, oid } from '../support/collab';
import type { TestClient } from '../support/collab';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';

// The collab server inside the app: app tokens, access from meeting roles, the agenda document
// and the agenda record kept equal both ways, drafts and named versions.

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let wsUrl: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  wsUrl = app.url.replace('http', 'ws') + '/collab';
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await app.stop();
});

function connect(docName: string, token: string | null | undefined): TestClient {
  const client = connectClient(wsUrl, docName, token ?? null);
  clients.push(client);
  return client;
}

function addItem(doc: Y.Doc, title: string): string {
  const id = oid();
  const m = new Y.Map<unknown>();
  m.set('id', id);
  m.set('title', title);
  m.set('presenterId', null);
  m.set('durationMinutes', 15);
  m.set('documentIds', []);
  m.set('notes', '');
  doc.getArray(AGENDA_ITEMS).push([m]);
  return id;
}

describe('co-editing inside the app', () => {
  it('seeds the agenda document from the record, and edits in either place reach the other', async () => {
    const m = await buildMeeting(c, dir);
    const first = await c.secretary.post<Agenda>(`/api/meetings/${m.id}/agenda`, {
      title: 'Khai mạc',
    });
    expect(first.status).toBe(201);

    const editor = connect(`meeting/${m.id}/agenda`, c.secretary.token);
    await editor.synced();
    await waitFor(() => readAgendaItems(editor.doc).length === 1, 'the seeded agenda item');
    expect(readAgendaItems(editor.doc)[0]?.title).toBe('Khai mạc');

    // Document → record.
    const added = addItem(editor.doc, 'Báo cáo kinh tế - xã hội');
    await waitFor(async () => {
      const res = await c.d1.get<Agenda>(`/api/meetings/${m.id}/agenda`);
      return res.body.items.some((i) => i.id === added && i.title === 'Báo cáo kinh tế - xã hội');
    }, 'the record to take the item added in the document');

    // Record (REST) → document, including a reorder.
    const reorder = await c.secretary.put<Agenda>(`/api/meetings/${m.id}/agenda/order`, {
      itemIds: [added, must(first.body.items[0]).id],
    });
    expect(reorder.status).toBe(200);
    await waitFor(
      () => readAgendaItems(editor.doc)[0]?.id === added,
      'the reorder to reach the open document',
    );
    expect(readAgendaItems(editor.doc).map((i) => i.title)).toEqual([
      'Báo cáo kinh tế - xã hội',
      'Khai mạc',
    ]);
  });

  it('gives delegates a read-only agenda: their edits never reach the record', async () => {
    const m = await buildMeeting(c, dir);
    await c.secretary.post(`/api/meetings/${m.id}/agenda`, { title: 'Mục một' });
    const reader = connect(`meeting/${m.id}/agenda`, c.d1.token);
    await reader.synced();
    await waitFor(() => readAgendaItems(reader.doc).length === 1, 'the agenda for the delegate');
    addItem(reader.doc, 'Mục lén thêm');

    // A writer connecting afterwards sees only what the server holds.
    const writer = connect(`meeting/${m.id}/agenda`, c.secretary.token);
    await writer.synced();
    await waitFor(() => readAgendaItems(writer.doc).length === 1, 'the stored agenda');
    const res = await c.secretary.get<Agenda>(`/api/meetings/${m.id}/agenda`);
    expect(res.body.items.map((i) => i.title)).toEqual(['Mục một']);
  });

  it('refuses a bad token (4401), private notes of someone else (4403), a stranger (4403) and a confidential meeting (4404)', async () => {
    const m = await buildMeeting(c, dir);
    const d1 = dir.userId('daibieu1');
    const docId = oid();
    expect(await connect(`meeting/${m.id}/agenda`, 'not-a-token').closed()).toBe(
      CollabCloseCode.UNAUTHENTICATED,
    );
    expect(await connect(`meeting/${m.id}/notes/${d1}/${docId}`, c.d2.token).closed()).toBe(
      CollabCloseCode.FORBIDDEN,
    );
    // The owner may open their notes.
    const own = connect(`meeting/${m.id}/notes/${d1}/${docId}`, c.d1.token);
    await own.synced();

    const other = await buildMeeting(c, dir, {
      delegates: [],
      overrides: { visibility: 'confidential' },
    });
    expect(await connect(`meeting/${other.id}/minutes`, c.d3.token).closed()).toBe(
      CollabCloseCode.UNKNOWN_DOCUMENT,
    );
    const internal = await buildMeeting(c, dir, { delegates: [] });
    expect(await connect(`meeting/${internal.id}/notes/${d1}/${docId}`, c.d1.token).closed()).toBe(
      CollabCloseCode.FORBIDDEN,
    );
  });

  it('keeps draft resolutions with named versions: save, list, view, restore', async () => {
    const m = await buildMeeting(c, dir, { state: 'scheduled' });
    const bad = await c.d1.post(`/api/meetings/${m.id}/drafts`, { title: '   ' });
    expect(bad.status).toBe(400);
    const created = await c.d1.post<Draft>(`/api/meetings/${m.id}/drafts`, {
      title: 'Dự thảo nghị quyết về kế hoạch đầu tư công',
    });
    expect(created.status).toBe(201);
    const draft = created.body;
    const list = await c.d2.get<{ items: Draft[] }>(`/api/meetings/${m.id}/drafts`);
    expect(list.body.items.map((d) => d.id)).toEqual([draft.id]);

    const editor = connect(draft.docName, c.d1.token);
    await editor.synced();
    const fragment = editor.doc.getXmlFragment('default');
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('Điều 1. Thông qua kế hoạch.')]);
    fragment.insert(0, [paragraph]);

    await waitFor(async () => {
      const res = await c.d1.post<DocVersion>('/api/collab/versions', {
        doc: draft.docName,
        label: 'Dự thảo lần 1',
      });
      if (res.status !== 201) return false;
      const view = await c.d2.get<{ text: string }>(
        `/api/collab/versions/${res.body.id}?doc=${encodeURIComponent(draft.docName)}`,
      );
      return view.body.text.includes('Điều 1') ? res.body : false;
    }, 'a saved version with the text');

    fragment.delete(0, fragment.length);
    const versions = await c.d1.get<{ items: DocVersion[] }>(
      `/api/collab/versions?doc=${encodeURIComponent(draft.docName)}`,
    );
    const v1 = must(versions.body.items.find((v) => v.label === 'Dự thảo lần 1'));
    const restored = await c.d1.post<{ backup: DocVersion }>(
      `/api/collab/versions/${v1.id}/restore`,
      { doc: draft.docName },
    );
    expect(restored.status).toBe(200);
    await waitFor(
      () => fragment.toJSON().includes('Điều 1. Thông qua kế hoạch.'),
      'the restored text in the open editor',
    );

    // Observers and strangers: a stranger gets 403 on versions; nobody saves a bad label.
    const label = await c.d1.post('/api/collab/versions', { doc: draft.docName, label: '' });
    expect(label.status).toBe(400);
    const stranger = await c.opTamHop.get(
      `/api/collab/versions?doc=${encodeURIComponent(draft.docName)}`,
    );
    expect(stranger.status).toBe(403);
    const agenda = await c.d1.get(
      `/api/collab/versions?doc=${encodeURIComponent(`meeting/${m.id}/agenda`)}`,
    );
    expect(agenda.status).toBe(400);
  });

  it('freezes drafts once the meeting ends: open editors become read-only', async () => {
    const m = await buildMeeting(c, dir, { state: 'live' });
    const draft = (
      await c.secretary.post<Draft>(`/api/meetings/${m.id}/drafts`, { title: 'Dự thảo' })
    ).body;
    const editor = connect(draft.docName, c.d1.token);
    await editor.synced();
    await moveTo(m.id, 'ended');
    const save = await c.d1.post('/api/collab/versions', { doc: draft.docName, label: 'Muộn' });
    expect(save.status).toBe(409);
    editor.doc.getText('t').insert(0, 'sau khi kết thúc');
    const late = connect(draft.docName, c.d2.token);
    await late.synced();
    expect(late.doc.getText('t').toJSON()).toBe('');
  });
});

async function moveTo(id: string, to: 'ended'): Promise<void> {
  const res = await c.secretary.post(`/api/meetings/${id}/transitions`, { to });
  expect(res.status).toBe(200);
}
