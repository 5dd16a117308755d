import mongoose from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CollabCloseCode } from '../../collab/contracts/close-codes';
import { formatDocName } from '../../collab/contracts/doc-names';
import type { CollabPersistence } from '../../collab/persistence';
import { connectClient, oid, startCollabServer, testToken, text } from '../support/collab';
import type { CollabTestServer, TestClient } from '../support/collab';
import { uniqueDbUri, waitFor } from '../support/stack';

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(
  opts: Parameters<typeof startCollabServer>[0] = {},
): Promise<CollabTestServer> {
  const s = await startCollabServer(opts);
  cleanup.push(() => s.stop());
  return s;
}

function client(s: CollabTestServer, docName: string): TestClient {
  const c = connectClient(s.url, docName, testToken('u1'));
  cleanup.push(() => c.destroy());
  return c;
}

async function storedText(s: CollabTestServer, docName: string): Promise<string> {
  const doc = new Y.Doc();
  for (const u of (await s.persistence.load(docName)).updates) Y.applyUpdate(doc, u);
  return text(doc);
}

async function countRows(dbUri: string, collection: string): Promise<number> {
  const conn = await mongoose.createConnection(dbUri).asPromise();
  try {
    return await conn.collection(collection).countDocuments({});
  } finally {
    await conn.close();
  }
}

const fast = {
  unloadAfterMs: 50,
  checkpointIntervalMs: 200,
  deleteGraceMs: 100,
};

describe('collab storage', () => {
  it('compacts the journal with two processes writing the same document, losing nothing', async () => {
    const dbUri = uniqueDbUri('compact');
    const a = await server({ dbUri, storage: fast });
    const b = await server({ dbUri, storage: fast });
    const name = formatDocName({ kind: 'draft', meetingId: oid(), draftId: oid() });
    const [ha, hb] = await Promise.all([
      a.collab.documents.open(name),
      b.collab.documents.open(name),
    ]);
    const expected: string[] = [];
    for (let i = 0; i < 60; i++) {
      // Two processes, no Redis between them: each only stores its own edits.
      const h = i % 2 ? hb : ha;
      const word = `w${i};`;
      expected.push(word);
      await h.change((d) => d.getText('t').insert(0, word));
      if (i % 10 === 9) await Promise.all([a.collab.checkpoint(), b.collab.checkpoint()]);
    }
    ha.release();
    hb.release();
    await waitFor(
      async () =>
        a.collab.health().documents === 0 &&
        b.collab.health().documents === 0 &&
        (await countRows(dbUri, 'collab_journal')) === 0,
      'both processes retired their journal rows',
      30_000,
    );
    const final = await storedText(a, name);
    for (const w of expected) expect(final).toContain(w);
    expect(final.length).toBe(expected.join('').length);
    // At most one snapshot per process is left for the document.
    expect(await countRows(dbUri, 'collab_snapshots')).toBeLessThanOrEqual(2);
  });

  it('adopts journal rows a dead process left behind', async () => {
    const dbUri = uniqueDbUri('orphan');
    const dead = await server({ dbUri, storage: { checkpointIntervalMs: 0 } });
    const name = formatDocName({ kind: 'minutes', meetingId: oid() });
    const h = await dead.collab.documents.open(name);
    await h.change((d) => d.getText('t').insert(0, 'written before the crash'));
    // Simulate the crash: the process stops without its final checkpoint.
    await dead.connection.close();
    expect(await countRows(dbUri, 'collab_journal')).toBe(1);
    const heir = await server({
      dbUri,
      storage: { ...fast, orphanAgeMs: 1000, orphanCheckIntervalMs: 300 },
    });
    await waitFor(
      async () => (await countRows(dbUri, 'collab_journal')) === 0,
      'the orphan row is adopted',
      30_000,
    );
    expect(await storedText(heir, name)).toBe('written before the crash');
  });

  it('closes with 4500 when a document cannot be loaded and keeps the stored data', async () => {
    const dbUri = uniqueDbUri('loadfail');
    const name = formatDocName({ kind: 'notice', meetingId: oid() });
    const seed = await server({ dbUri });
    const h = await seed.collab.documents.open(name);
    await h.change((d) => d.getText('t').insert(0, 'real data'));
    h.release();
    await seed.close();
    const state = { fail: true };
    const failing = await server({
      dbUri,
      wrapPersistence: (p): CollabPersistence => ({
        ...p,
        load: (d) => (state.fail ? Promise.reject(new Error('db down')) : p.load(d)),
      }),
    });
    const c = client(failing, name);
    expect(await c.closed()).toBe(CollabCloseCode.LOAD_FAILED);
    state.fail = false;
    await waitFor(() => text(c.doc) === 'real data', 'the client retries and loads', 30_000);
    expect(await storedText(failing, name)).toBe('real data');
  });

  it('loses nothing when the last client leaves during a store and a new one arrives', async () => {
    const name = formatDocName({ kind: 'draft', meetingId: oid(), draftId: oid() });
    const s = await server({
      storage: { unloadAfterMs: 0 },
      wrapPersistence: (p): CollabPersistence => ({
        ...p,
        writeCommit: async (w) => {
          await new Promise((r) => setTimeout(r, 300));
          await p.writeCommit(w);
        },
      }),
    });
    const a = client(s, name);
    await a.synced();
    a.doc.getText('t').insert(0, 'last words');
    await new Promise((r) => setTimeout(r, 20));
    a.destroy();
    const b = client(s, name);
    await b.synced();
    await waitFor(() => text(b.doc) === 'last words', 'the new client sees the edit');
    expect(await storedText(s, name)).toBe('last words');
  });
});
