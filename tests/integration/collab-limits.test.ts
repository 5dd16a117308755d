import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CollabCloseCode } from '../../collab/contracts/close-codes';
import { formatDocName } from '../../collab/contracts/doc-names';
import {
  connectClient,
  oid,
  startCollabServer,
  testAuthenticate,
  testToken,
  text,
} from '../support/collab';
import type { CollabTestServer, TestClient } from '../support/collab';
import { waitFor } from '../support/stack';

const meeting = oid();
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

function rawSocket(s: CollabTestServer, docName: string): Promise<WebSocket> {
  const ws = new WebSocket(`${s.url}/${docName}?token=${testToken('raw')}`);
  cleanup.push(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** What became of a connection attempt: opened, closed with a code, or refused over HTTP. */
function outcome(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => {
      resolve(`http ${res.statusCode ?? 0}`);
      ws.terminate();
    });
    ws.once('error', () => resolve('error'));
  });
}

describe('collab limits', () => {
  it('refuses unauthenticated handshakes beyond the limits (per address and in all) before any work', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let authenticating = 0;
    const s = await server({
      // Handshakes stay pending until the gate opens, like a slow token check.
      authenticate: async (token) => {
        authenticating++;
        await gate;
        return testAuthenticate(token);
      },
      limits: { maxPendingHandshakes: 3, maxPendingHandshakesPerAddress: 2 },
    });
    const name = formatDocName({ kind: 'draft', meetingId: meeting, draftId: oid() });
    const attempt = (localAddress: string): WebSocket => {
      const ws = new WebSocket(`${s.url}/${name}?token=${testToken('u1')}`, { localAddress });
      cleanup.push(() => ws.terminate());
      return ws;
    };
    const pending = [attempt('127.0.0.1'), attempt('127.0.0.1')];
    const pendingOutcomes = pending.map(outcome);
    await waitFor(() => s.collab.health().pendingHandshakes === 2, 'two handshakes pending');
    // a third from the same address: over the per-address limit
    expect(await outcome(attempt('127.0.0.1'))).toBe('http 503');
    // another address still gets in, up to the total limit
    const third = attempt('127.0.0.2');
    const thirdOutcome = outcome(third);
    await waitFor(() => s.collab.health().pendingHandshakes === 3, 'three handshakes pending');
    expect(await outcome(attempt('127.0.0.3'))).toBe('http 503');
    // the refused ones never reached the token check
    expect(authenticating).toBe(3);

    release();
    expect(await Promise.all([...pendingOutcomes, thirdOutcome])).toEqual(['open', 'open', 'open']);
    await waitFor(() => s.collab.health().pendingHandshakes === 0, 'no handshake pending');
    expect(await outcome(attempt('127.0.0.1'))).toBe('open');
  });

  it('loads a cold document once however many clients open it together', async () => {
    const name = formatDocName({ kind: 'draft', meetingId: meeting, draftId: oid() });
    const first = await server();
    const handle = await first.collab.documents.open(name);
    await handle.change((doc) => doc.getText('t').insert(0, 'seeded'));
    handle.release();
    await first.close();
    // A second process over the same database: the document is cold there.
    const cold = await server({ dbUri: first.dbUri });
    process.setMaxListeners(300);
    const many = Array.from({ length: 200 }, () => client(cold, name));
    await Promise.all(many.map((c) => c.synced(60_000)));
    expect(many.every((c) => text(c.doc) === 'seeded')).toBe(true);
    expect(cold.loads.filter((d) => d === name)).toHaveLength(1);
    expect(cold.collab.health().connections).toBe(200);
  }, 180_000);

  it('closes a too large message with 1009 and stores nothing of it', async () => {
    const s = await server({ limits: { maxMessageBytes: 64 * 1024 } });
    const name = formatDocName({ kind: 'minutes', meetingId: meeting });
    const big = client(s, name);
    const other = client(s, name);
    await Promise.all([big.synced(), other.synced()]);
    big.doc.getText('t').insert(0, 'x'.repeat(100_000));
    expect(await big.closed()).toBe(CollabCloseCode.MESSAGE_TOO_BIG);
    big.destroy();
    other.doc.getText('t').insert(0, 'small');
    const fresh = client(s, name);
    await waitFor(() => text(fresh.doc) === 'small', 'the small edit');
    const stored = new Y.Doc();
    for (const u of (await s.persistence.load(name)).updates) Y.applyUpdate(stored, u);
    expect(text(stored)).toBe('small');
  });

  it('refuses a draft update over its kind’s limit with 4413 and stores nothing of it', async () => {
    const s = await server({ limits: { documentSizes: { draft: { maxUpdateBytes: 64 * 1024 } } } });
    const name = formatDocName({ kind: 'draft', meetingId: meeting, draftId: oid() });
    const big = client(s, name);
    const other = client(s, name);
    await Promise.all([big.synced(), other.synced()]);
    big.doc.getText('t').insert(0, 'x'.repeat(100_000));
    expect(await big.closed()).toBe(CollabCloseCode.TOO_LARGE);
    big.destroy();
    other.doc.getText('t').insert(0, 'small');
    const fresh = client(s, name);
    await waitFor(() => text(fresh.doc) === 'small', 'the small edit');
    const stored = new Y.Doc();
    for (const u of (await s.persistence.load(name)).updates) Y.applyUpdate(stored, u);
    expect(text(stored)).toBe('small');
  });

  it('applies the limit of the document’s kind: the same update is accepted on minutes', async () => {
    const s = await server({ limits: { documentSizes: { draft: { maxUpdateBytes: 64 * 1024 } } } });
    const name = formatDocName({ kind: 'minutes', meetingId: meeting });
    const writer = client(s, name);
    await writer.synced();
    writer.doc.getText('t').insert(0, 'x'.repeat(100_000));
    const fresh = client(s, name);
    await waitFor(() => text(fresh.doc).length === 100_000, 'the large edit on the minutes');
  });

  it('refuses an update that would make the document larger than its limit with 4413', async () => {
    const s = await server({
      limits: {
        documentSizes: { notice: { maxUpdateBytes: 64 * 1024, maxDocumentBytes: 120_000 } },
      },
    });
    const name = formatDocName({ kind: 'notice', meetingId: meeting });
    const writer = client(s, name);
    await writer.synced();
    for (const ch of ['a', 'b']) {
      writer.doc.getText('t').insert(0, ch.repeat(50_000));
      const check = client(s, name);
      await waitFor(() => text(check.doc).includes(ch.repeat(50_000)), `the ${ch} edit`);
      check.destroy();
    }
    writer.doc.getText('t').insert(0, 'c'.repeat(50_000));
    expect(await writer.closed()).toBe(CollabCloseCode.TOO_LARGE);
    const stored = new Y.Doc();
    for (const u of (await s.persistence.load(name)).updates) Y.applyUpdate(stored, u);
    expect(text(stored)).toBe('b'.repeat(50_000) + 'a'.repeat(50_000));
  });

  it('refuses the issue’s 15 MB update to a draft with the default limits, over a raw socket', async () => {
    const s = await server();
    const name = formatDocName({ kind: 'draft', meetingId: meeting, draftId: oid() });
    const source = new Y.Doc();
    source.getText('t').insert(0, 'x'.repeat(15 * 1024 * 1024));
    const update = Y.encodeStateAsUpdate(source);
    // y-websocket frame: messageSync (0), syncUpdate (2), length-prefixed update.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, update);
    const ws = await rawSocket(s, name);
    const closed = closeCode(ws);
    ws.send(encoding.toUint8Array(encoder));
    expect(await closed).toBe(CollabCloseCode.TOO_LARGE);
    expect((await s.persistence.load(name)).updates).toHaveLength(0);
  });

  it('closes a connection that floods messages with 4429, others unaffected', async () => {
    const s = await server({ limits: { messagesPerSecond: 20, messageBurst: 50 } });
    const name = formatDocName({ kind: 'notice', meetingId: meeting });
    const calm = client(s, name);
    await calm.synced();
    const flood = await rawSocket(s, name);
    const closed = closeCode(flood);
    for (let i = 0; i < 200; i++) flood.send(Uint8Array.of(3));
    expect(await closed).toBe(CollabCloseCode.RATE_LIMITED);
    calm.doc.getText('t').insert(0, 'still fine');
    const check = client(s, name);
    await waitFor(() => text(check.doc) === 'still fine', 'other clients still served');
  });

  it('closes a client that does not read while output piles up, others unaffected', async () => {
    const s = await server({ limits: { maxBufferedBytes: 128 * 1024 } });
    const name = formatDocName({ kind: 'draft', meetingId: meeting, draftId: oid() });
    const writer = client(s, name);
    const reader = client(s, name);
    await Promise.all([writer.synced(), reader.synced()]);
    const slow = await rawSocket(s, name);
    slow.pause();
    for (let i = 0; i < 40; i++) {
      writer.doc.getText('t').insert(0, String(i % 10).repeat(256 * 1024));
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(() => s.collab.health().connections === 2, 'the slow reader is dropped', 30_000);
    await waitFor(
      () => text(reader.doc).length === 40 * 256 * 1024,
      'the reading client got everything',
      30_000,
    );
  }, 120_000);
});
