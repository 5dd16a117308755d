import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AGENDA_ITEMS } from '../../collab/contracts/agenda-doc';
import { formatDocName } from '../../collab/contracts/doc-names';
import { TIPTAP_FRAGMENT } from '../../collab/contracts/protocol';
import { UnknownDocumentError } from '../../collab/documents';
import { connectClient, oid, startCollabServer, testToken } from '../support/collab';
import type { CollabTestServer, TestClient } from '../support/collab';
import { waitFor } from '../support/stack';

const meeting = oid();
let server: CollabTestServer;
const clients: TestClient[] = [];

const template = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'BIÊN BẢN HỌP' }] },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Thời gian: ' },
        { type: 'text', marks: [{ type: 'bold' }], text: '8 giờ 00' },
      ],
    },
  ],
};

beforeAll(async () => {
  server = await startCollabServer({ storage: { unloadAfterMs: 100 } });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server.stop();
});

function client(docName: string): TestClient {
  const c = connectClient(server.url, docName, testToken('sec'));
  clients.push(c);
  return c;
}

describe('server-side document access', () => {
  it('seeds a document from ProseMirror JSON; clients and reads see it', async () => {
    const name = formatDocName({ kind: 'minutes', meetingId: meeting });
    const editor = client(name);
    await editor.synced();
    const handle = await server.collab.documents.open(name);
    await handle.setProseMirror(template);
    expect(handle.read().prosemirror).toEqual(template);
    expect(handle.read().text).toBe('BIÊN BẢN HỌP\n\nThời gian: 8 giờ 00');
    handle.release();
    await waitFor(
      () => editor.doc.getXmlFragment(TIPTAP_FRAGMENT).toJSON().includes('BIÊN BẢN HỌP'),
      'the editor receives the seeded content',
    );
    // A client edit is visible to the next server-side read.
    editor.doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('Chủ trì: đồng chí Chủ tịch')]);
      editor.doc.getXmlFragment(TIPTAP_FRAGMENT).push([p]);
    });
    await waitFor(
      async () => (await server.collab.documents.read(name)).text.endsWith('Chủ tịch'),
      'the server reads the client edit',
    );
  });

  it('refuses JSON that does not fit the schema and changes nothing', async () => {
    const name = formatDocName({ kind: 'notice', meetingId: meeting });
    const handle = await server.collab.documents.open(name);
    try {
      await expect(
        handle.setProseMirror({ type: 'doc', content: [{ type: 'nonsense' }] }),
      ).rejects.toThrow();
      expect(handle.read().text).toBe('');
    } finally {
      handle.release();
    }
    await expect(server.collab.documents.open('meeting/zzz/notice')).rejects.toBeInstanceOf(
      UnknownDocumentError,
    );
  });

  it('saves, lists, views and restores named versions', async () => {
    const name = formatDocName({ kind: 'draft', meetingId: meeting, draftId: oid() });
    const editor = client(name);
    await editor.synced();
    const docs = server.collab.documents;
    const h = await docs.open(name);
    await h.setProseMirror(template);
    const v1 = await docs.saveVersion(name, '  Dự thảo lần 1 ', 'u-sec');
    expect(v1.label).toBe('Dự thảo lần 1');
    await h.setProseMirror({
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Dự thảo lần 2' }] }],
    });
    const v2 = await docs.saveVersion(name, 'Dự thảo lần 2', 'u-sec');
    expect((await docs.listVersions(name)).map((v) => v.label)).toEqual([
      'Dự thảo lần 2',
      'Dự thảo lần 1',
    ]);
    expect((await docs.viewVersion(name, v1.id))?.prosemirror).toEqual(template);
    expect(await docs.viewVersion(name, oid())).toBeNull();
    await expect(docs.saveVersion(name, '   ', null)).rejects.toThrow();

    const backup = await docs.restoreVersion(name, v1.id, {
      createdBy: 'u-sec',
      backupLabel: 'Trước khi khôi phục',
    });
    expect(backup?.label).toBe('Trước khi khôi phục');
    expect(h.read().prosemirror).toEqual(template);
    await waitFor(
      () => editor.doc.getXmlFragment(TIPTAP_FRAGMENT).toJSON().includes('BIÊN BẢN HỌP'),
      'the editor receives the restored content',
    );
    expect((await docs.viewVersion(name, v2.id))?.text).toBe('Dự thảo lần 2');
    h.release();
  });

  it('reads and restores the agenda', async () => {
    const name = formatDocName({ kind: 'agenda', meetingId: meeting });
    const docs = server.collab.documents;
    const h = await docs.open(name);
    const item = (title: string): Y.Map<unknown> =>
      new Y.Map<unknown>([
        ['id', oid()],
        ['title', title],
        ['presenterId', null],
        ['durationMinutes', 15],
        ['documentIds', []],
        ['notes', ''],
      ]);
    await h.change((doc) => doc.getArray(AGENDA_ITEMS).push([item('Khai mạc'), item('Báo cáo')]));
    const v = await docs.saveVersion(name, 'Chương trình dự kiến', null);
    await h.change((doc) => doc.getArray(AGENDA_ITEMS).delete(0, 1));
    expect(h.read().agendaItems.map((i) => i.title)).toEqual(['Báo cáo']);
    await docs.restoreVersion(name, v.id, { createdBy: null, backupLabel: 'backup' });
    expect(h.read().agendaItems.map((i) => i.title)).toEqual(['Khai mạc', 'Báo cáo']);
    expect(h.read().text).toBe('Khai mạc\nBáo cáo');
    h.release();
  });
});
