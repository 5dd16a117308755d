import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollabCloseCode } from '../../collab/contracts/close-codes';
import { formatDocName } from '../../collab/contracts/doc-names';
import { freeTcpPort } from '../../infra/local/ports';
import { connectClient, oid, testToken, text } from '../support/collab';
import type { TestClient } from '../support/collab';
import { startAuthorizeStub } from '../support/collab-authorize-stub';
import { spawnTs } from '../support/processes';
import type { TestProcess } from '../support/processes';
import { dropDatabase, uniqueDbUri, waitFor } from '../support/stack';

// collab/main.ts run alone, authorizing through a small stand-in for the API's
// POST /api/collab/authorize, so that each test picks who may do what. The same process against
// the real API route: collab-standalone-app.test.ts.

const meeting = oid();
const dbUri = uniqueDbUri('standalone');
let stub: Awaited<ReturnType<typeof startAuthorizeStub>>;
let proc: TestProcess;
let url: string;
let healthUrl: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  stub = await startAuthorizeStub((userId, docName) =>
    userId === 'reader' ? 'read' : docName.includes(meeting) ? 'write' : 'none',
  );
  const port = await freeTcpPort();
  proc = spawnTs('collab/main.ts', {
    PORT: String(port),
    MONGODB_URI: dbUri,
    API_URL: stub.url,
    LOG_LEVEL: 'warn',
  });
  await proc.waitForOutput(/collab listening on/);
  url = `ws://127.0.0.1:${port}/collab`;
  healthUrl = `http://127.0.0.1:${port}/health`;
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await proc.stop();
  await stub.close();
  await dropDatabase(dbUri).catch(() => undefined);
});

function client(docName: string, token: string): TestClient {
  const c = connectClient(url, docName, token);
  clients.push(c);
  return c;
}

describe('the standalone collab process', () => {
  it('refuses to start on a bad environment, naming every bad variable', async () => {
    const bad = spawnTs('collab/main.ts', {
      PORT: 'eighty',
      MONGODB_URI: 'http://nope',
      API_URL: '',
      COLLAB_MAX_MESSAGE_BYTES: '12',
    });
    const { code } = await bad.exited();
    expect(code).not.toBe(0);
    for (const name of ['PORT', 'MONGODB_URI', 'API_URL', 'COLLAB_MAX_MESSAGE_BYTES']) {
      expect(bad.output()).toContain(name);
    }
  });

  it('serves editors authorized by the API and reports its health', async () => {
    const name = formatDocName({ kind: 'minutes', meetingId: meeting });
    const a = client(name, testToken('alice'));
    const r = client(name, testToken('reader'));
    await Promise.all([a.synced(), r.synced()]);
    a.doc.getText('t').insert(0, 'hello');
    // The reader edits only after it has the text, so the order of the two inserts is fixed.
    await waitFor(() => text(r.doc) === 'hello', 'the reader receives');
    r.doc.getText('t').insert(0, 'ignored ');
    const fresh = client(name, testToken('bob'));
    await waitFor(() => text(fresh.doc) === 'hello', 'the reader changed nothing');
    const res = await fetch(healthUrl);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', documents: 1, connections: 3 });
  });

  it('maps the API answers to close codes', async () => {
    const other = formatDocName({ kind: 'agenda', meetingId: oid() });
    const mine = formatDocName({ kind: 'agenda', meetingId: meeting });
    expect(await client(other, testToken('alice')).closed()).toBe(CollabCloseCode.FORBIDDEN);
    expect(await client(mine, 'garbage').closed()).toBe(CollabCloseCode.UNAUTHENTICATED);
    expect(await client(mine, testToken('alice', -5000)).closed()).toBe(
      CollabCloseCode.TOKEN_EXPIRED,
    );
  });
});
