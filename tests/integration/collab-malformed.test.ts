import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CollabCloseCode } from '../../collab/contracts/close-codes';
import { formatDocName } from '../../collab/contracts/doc-names';
import { connectClient, oid, startCollabServer, testToken, text } from '../support/collab';
import type { CollabTestServer, TestClient } from '../support/collab';
import { waitFor } from '../support/stack';

// Property tests: whatever one connection sends, only that connection may be closed; the
// server keeps serving the honest clients of the same document.

const name = formatDocName({ kind: 'draft', meetingId: oid(), draftId: oid() });
let server: CollabTestServer;
let alice: TestClient;
let bob: TestClient;
let round = 0;

beforeAll(async () => {
  server = await startCollabServer({
    limits: { messageBurst: 100_000, messagesPerSecond: 100_000 },
  });
  alice = connectClient(server.url, name, testToken('alice'));
  bob = connectClient(server.url, name, testToken('bob'));
  await Promise.all([alice.synced(), bob.synced()]);
});

afterAll(async () => {
  alice.destroy();
  bob.destroy();
  await server.stop();
});

/** Sends frames on a fresh connection; resolves with its close code, or null if still open. */
async function attack(frames: (Uint8Array | string)[]): Promise<number | null> {
  const ws = new WebSocket(`${server.url}/${name}?token=${testToken('mallory')}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  for (const f of frames) ws.send(f);
  // A query-awareness probe: answered only if the server kept the connection.
  const answered = new Promise<null>((resolve) => {
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) resolve(null);
    });
  });
  ws.send(Uint8Array.of(3));
  const result = await Promise.race([closed, answered]);
  ws.terminate();
  return result;
}

/** The honest clients still edit and converge, and a fresh client sees the same text. */
async function honestStillServed(): Promise<void> {
  round++;
  alice.doc.getText('t').insert(0, `a${round};`);
  bob.doc.getText('t').insert(0, `b${round};`);
  await waitFor(
    () =>
      text(alice.doc) === text(bob.doc) &&
      text(alice.doc).includes(`a${round};`) &&
      text(alice.doc).includes(`b${round};`),
    'honest clients converge',
  );
}

function syncUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

function sampleUpdate(): Uint8Array {
  const d = new Y.Doc();
  d.getText('t').insert(0, 'hello world');
  d.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph')]);
  d.getMap('m').set('k', { a: [1, 2, 3] });
  d.getText('t').delete(2, 3);
  return Y.encodeStateAsUpdate(d);
}

describe('malformed frames', () => {
  it('random bytes close only the sender', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 200 }), async (bytes) => {
        await attack([bytes]);
      }),
      { numRuns: 150 },
    );
    await honestStillServed();
  });

  it('truncated varints, text frames and unknown message types close with 4400', async () => {
    const cases: (Uint8Array | string)[] = [
      Uint8Array.of(0x80),
      Uint8Array.of(0, 0x80, 0x80),
      Uint8Array.of(0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2),
      Uint8Array.of(0, 7, 0),
      Uint8Array.of(9),
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      'hello',
    ];
    for (const frame of cases) expect(await attack([frame])).toBe(CollabCloseCode.BAD_MESSAGE);
    await honestStillServed();
  });

  it('corrupted updates close the sender or apply consistently, never break the document', async () => {
    const base = sampleUpdate();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(base.length),
        async (mutations, cut) => {
          const u = base.slice(0, Math.max(1, cut));
          for (const [i, v] of mutations) if (i < u.length) u[i] = v;
          await attack([syncUpdate(u)]);
        },
      ),
      { numRuns: 150 },
    );
    await honestStillServed();
    const fresh = connectClient(server.url, name, testToken('carol'));
    try {
      await fresh.synced();
      await waitFor(() => text(fresh.doc) === text(alice.doc), 'a fresh client matches');
    } finally {
      fresh.destroy();
    }
  });

  it('awareness updates with thousands of client ids close the sender', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1000, max: 5000 }), async (count) => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, count);
        for (let i = 0; i < count; i++) {
          encoding.writeVarUint(e, i + 1);
          encoding.writeVarUint(e, 1);
          encoding.writeVarString(e, '{"user":{"name":"x"}}');
        }
        const update = encoding.toUint8Array(e);
        const m = encoding.createEncoder();
        encoding.writeVarUint(m, 1);
        encoding.writeVarUint8Array(m, update);
        expect(await attack([encoding.toUint8Array(m)])).toBe(CollabCloseCode.BAD_MESSAGE);
      }),
      { numRuns: 10 },
    );
    await honestStillServed();
  });
});
