import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { formatDocName } from '../../collab/contracts/doc-names';
import { TIPTAP_FRAGMENT } from '../../collab/contracts/protocol';
import { freeTcpPort } from '../../infra/local/ports';
import { connectClient, oid, testToken } from '../support/collab';
import type { TestClient } from '../support/collab';
import { startAuthorizeStub } from '../support/collab-authorize-stub';
import { spawnTs } from '../support/processes';
import type { TestProcess } from '../support/processes';
import { dropDatabase, uniqueDbUri, waitFor } from '../support/stack';

// SIGKILL of the standalone collab process (collab/main.ts) while 20 clients edit. Its
// authorization goes to a stand-in for the API route (see collab-authorize-stub.ts).

const name = formatDocName({ kind: 'minutes', meetingId: oid() });
const dbUri = uniqueDbUri('crash');
let stub: Awaited<ReturnType<typeof startAuthorizeStub>>;
let port: number;
let proc: TestProcess | undefined;
const clients: TestClient[] = [];

async function startCollab(): Promise<TestProcess> {
  const p = spawnTs('collab/main.ts', {
    PORT: String(port),
    HOST: '127.0.0.1',
    MONGODB_URI: dbUri,
    API_URL: stub.url,
    LOG_LEVEL: 'warn',
  });
  await p.waitForOutput(/collab listening on/);
  return p;
}

/** Paragraph texts of a client's document. */
function paragraphs(doc: Y.Doc): string[] {
  return doc
    .getXmlFragment(TIPTAP_FRAGMENT)
    .toArray()
    .map((p) =>
      p instanceof Y.XmlElement
        ? p
            .toArray()
            .map((t) => (t instanceof Y.XmlText ? t.toJSON() : ''))
            .join('')
        : '',
    );
}

beforeAll(async () => {
  stub = await startAuthorizeStub();
  port = await freeTcpPort();
  proc = await startCollab();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await proc?.stop();
  await stub.close();
  await dropDatabase(dbUri).catch(() => undefined);
});

describe('crash of the collab process', () => {
  it('loses no edit another client saw, duplicates none, and takes every edit back', async () => {
    const url = `ws://127.0.0.1:${port}/collab`;
    process.setMaxListeners(100);
    for (let i = 0; i < 20; i++) clients.push(connectClient(url, name, testToken(`c${i}`)));
    await Promise.all(clients.map((c) => c.synced(30_000)));

    const written: string[] = [];
    let editing = true;
    const loops = clients.map(async (c, i) => {
      for (let n = 0; editing; n++) {
        const label = `c${i}-${n}`;
        written.push(label);
        c.doc.transact(() => {
          const p = new Y.XmlElement('paragraph');
          p.insert(0, [new Y.XmlText(label)]);
          const frag = c.doc.getXmlFragment(TIPTAP_FRAGMENT);
          frag.insert(frag.length, [p]);
        });
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
      }
    });
    await waitFor(() => written.length >= 400, 'clients edited for a while', 30_000);
    proc?.child.kill('SIGKILL');
    editing = false;
    await Promise.all(loops);
    for (const c of clients) c.provider.disconnect();
    await proc?.exited();

    // What each client had received from the others: those edits were broadcast.
    const broadcast = new Set<string>();
    clients.forEach((c, i) => {
      for (const p of paragraphs(c.doc)) if (!p.startsWith(`c${i}-`)) broadcast.add(p);
    });
    expect(broadcast.size).toBeGreaterThan(100);

    proc = await startCollab();
    const fresh = connectClient(url, name, testToken('fresh'));
    clients.push(fresh);
    await fresh.synced(30_000);
    const afterRestart = new Set(paragraphs(fresh.doc));
    const missing = [...broadcast].filter((p) => !afterRestart.has(p));
    expect(missing).toEqual([]);

    // The editors reconnect and send what the server never stored; everything converges.
    for (const c of clients) c.provider.connect();
    await waitFor(
      () => clients.every((c) => paragraphs(c.doc).length === written.length),
      'every client has every edit',
      60_000,
    );
    const final = paragraphs(fresh.doc);
    expect(new Set(final).size).toBe(final.length);
    expect(new Set(final)).toEqual(new Set(written));
  }, 180_000);
});
