import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CollabCloseCode } from '../../collab/contracts/close-codes';
import { formatDocName } from '../../collab/contracts/doc-names';
import {
  connectClient,
  meetingAuthorizer,
  oid,
  startCollabServer,
  testToken,
  text,
} from '../support/collab';
import type { CollabTestServer, TestClient } from '../support/collab';
import { waitFor } from '../support/stack';

const meetingA = oid();
const meetingB = oid();
const alice = 'a11ce';
const bob = 'b0b';
const reader = 're4d';
const clients: TestClient[] = [];
let server: CollabTestServer;

function client(docName: string, token: string | null): TestClient {
  const c = connectClient(server.url, docName, token);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startCollabServer({
    authorize: meetingAuthorizer({
      writers: { [alice]: [meetingA], [bob]: [meetingA] },
      readers: { [reader]: [meetingA] },
    }),
    storage: { unloadAfterMs: 200 },
  });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server.stop();
});

describe('co-editing with the stock y-websocket provider', () => {
  it('two editors converge and a third joining later gets everything', async () => {
    const name = formatDocName({ kind: 'draft', meetingId: meetingA, draftId: oid() });
    const a = client(name, testToken(alice));
    const b = client(name, testToken(bob));
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getText('t').insert(0, 'Hello ');
    b.doc.getText('t').insert(0, 'Xin chào ');
    await waitFor(() => text(a.doc) === text(b.doc) && text(a.doc).length === 15, 'convergence');
    a.doc.getText('t').insert(text(a.doc).length, 'world');
    await waitFor(() => text(b.doc).endsWith('world'), 'b sees a');
    const c = client(name, testToken(bob));
    await c.synced();
    await waitFor(() => text(c.doc) === text(a.doc), 'late joiner has everything');
    expect(text(c.doc)).toContain('Xin chào ');
    expect(text(c.doc)).toContain('Hello ');
  });

  it('a read-only connection receives everything and changes nothing', async () => {
    const name = formatDocName({ kind: 'minutes', meetingId: meetingA });
    const w = client(name, testToken(alice));
    const r = client(name, testToken(reader));
    await Promise.all([w.synced(), r.synced()]);
    w.doc.getText('t').insert(0, 'official');
    await waitFor(() => text(r.doc) === 'official', 'reader receives');
    r.doc.getText('t').insert(0, 'FORGED ');
    w.doc.getText('t').insert(8, '!');
    await waitFor(() => text(r.doc).endsWith('!'), 'reader still receives');
    // The writer never sees the forged text, and neither does a fresh client or the database.
    expect(text(w.doc)).toBe('official!');
    const fresh = client(name, testToken(bob));
    await fresh.synced();
    expect(text(fresh.doc)).toBe('official!');
    const loaded = await server.persistence.load(name);
    const fromDb = new Y.Doc();
    for (const u of loaded.updates) Y.applyUpdate(fromDb, u);
    expect(text(fromDb)).toBe('official!');
  });

  it('refuses a bad or missing token with 4401 and an expired one with 4408', async () => {
    const name = formatDocName({ kind: 'agenda', meetingId: meetingA });
    expect(await client(name, 'not-a-token').closed()).toBe(CollabCloseCode.UNAUTHENTICATED);
    expect(await client(name, null).closed()).toBe(CollabCloseCode.UNAUTHENTICATED);
    expect(await client(name, testToken(alice, -1000)).closed()).toBe(
      CollabCloseCode.TOKEN_EXPIRED,
    );
  });

  it("refuses another meeting's document with 4403 and an unknown name with 4404", async () => {
    const other = formatDocName({ kind: 'minutes', meetingId: meetingB });
    expect(await client(other, testToken(alice)).closed()).toBe(CollabCloseCode.FORBIDDEN);
    expect(await client('meeting/xyz/minutes', testToken(alice)).closed()).toBe(
      CollabCloseCode.UNKNOWN_DOCUMENT,
    );
  });

  it('ends a session when its token expires', async () => {
    const name = formatDocName({ kind: 'notice', meetingId: meetingA });
    const c = client(name, testToken(alice, 1500));
    await c.synced();
    expect(await c.closed(10_000)).toBe(CollabCloseCode.TOKEN_EXPIRED);
  });
});
