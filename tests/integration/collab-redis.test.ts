import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { formatDocName } from '../../collab/contracts/doc-names';
import { createMongoPersistence } from '../../collab/mongo-persistence';
import { freeTcpPort } from '../../infra/local/ports';
import { Supervisor } from '../../infra/local/supervisor';
import { connectClient, oid, testToken, text } from '../support/collab';
import type { TestClient } from '../support/collab';
import { startAuthorizeStub } from '../support/collab-authorize-stub';
import { spawnTs } from '../support/processes';
import type { TestProcess } from '../support/processes';
import { dropDatabase, stack, uniqueDbUri, waitFor } from '../support/stack';

// Two standalone collab processes (collab/main.ts) behind real Redis, authorizing through a
// stand-in for the API's POST /api/collab/authorize (see collab-authorize-stub.ts).

const name = formatDocName({ kind: 'draft', meetingId: oid(), draftId: oid() });
const dbUri = uniqueDbUri('redis');
const supervisor = new Supervisor({
  root: stack().root,
  dataDir: join(stack().tmpDir, `redis-${randomBytes(4).toString('hex')}`),
  log: () => undefined,
});
let redisUrl: string;
let stub: Awaited<ReturnType<typeof startAuthorizeStub>>;
const ports: number[] = [];
const nodes: (TestProcess | undefined)[] = [];
const clients: { node: number; client: TestClient }[] = [];

async function startNode(i: number): Promise<void> {
  const p = spawnTs('collab/main.ts', {
    PORT: String(ports[i]),
    MONGODB_URI: dbUri,
    API_URL: stub.url,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
  });
  await p.waitForOutput(/collab listening on/);
  nodes[i] = p;
}

function url(i: number): string {
  return `ws://127.0.0.1:${ports[i] as number}/collab`;
}

/** A small deterministic PRNG so that a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function editFor(ms: number, seed: number, only?: number): Promise<void> {
  const rand = prng(seed);
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const { node, client } of clients) {
      if (only !== undefined && node !== only) continue;
      const t = client.doc.getText('t');
      if (t.length > 20 && rand() < 0.3) {
        t.delete(Math.floor(rand() * (t.length - 3)), 1 + Math.floor(rand() * 3));
      } else {
        t.insert(
          Math.floor(rand() * (t.length + 1)),
          String.fromCharCode(97 + Math.floor(rand() * 26)),
        );
      }
    }
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function converged(what: string): Promise<string> {
  await waitFor(
    () => clients.every(({ client }) => text(client.doc) === text(clients[0]?.client.doc as Y.Doc)),
    what,
    60_000,
    100,
  );
  return text(clients[0]?.client.doc as Y.Doc);
}

beforeAll(async () => {
  redisUrl = (await supervisor.startRedis()).url;
  stub = await startAuthorizeStub();
  ports.push(await freeTcpPort(), await freeTcpPort());
  await Promise.all([startNode(0), startNode(1)]);
});

afterAll(async () => {
  for (const { client } of clients) client.destroy();
  for (const n of nodes) await n?.stop();
  await supervisor.stop();
  await stub.close();
  await dropDatabase(dbUri).catch(() => undefined);
});

describe('two collab nodes and Redis', () => {
  it('converge under random edits, a node restart and a Redis restart', async () => {
    for (let i = 0; i < 6; i++) {
      const node = i % 2;
      clients.push({ node, client: connectClient(url(node), name, testToken(`u${i}`)) });
    }
    await Promise.all(clients.map(({ client }) => client.synced(30_000)));

    await editFor(1500, 1);
    const first = await converged('convergence across nodes');
    expect(first.length).toBeGreaterThan(50);

    // Node 0 dies; its clients keep editing offline while node 1's clients edit on.
    nodes[0]?.child.kill('SIGKILL');
    await nodes[0]?.exited();
    await editFor(1000, 2);
    await startNode(0);
    await converged('convergence after a node restart');

    // Redis dies and the supervisor restarts it on the same port; edits go on meanwhile.
    const pid = supervisor.pids().redis;
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    await editFor(1500, 3);
    await waitFor(() => supervisor.pids().redis !== pid, 'redis restarted', 30_000);
    await editFor(500, 4);
    const final = await converged('convergence after a Redis restart');

    // Each node and the database hold the same state.
    for (const node of [0, 1]) {
      const fresh = connectClient(url(node), name, testToken(`fresh${node}`));
      try {
        await fresh.synced();
        await waitFor(() => text(fresh.doc) === final, `node ${node} serves the final state`);
      } finally {
        fresh.destroy();
      }
    }
    const conn = await mongoose.createConnection(dbUri).asPromise();
    try {
      const stored = new Y.Doc();
      for (const u of (await createMongoPersistence(conn).load(name)).updates) {
        Y.applyUpdate(stored, u);
      }
      expect(text(stored)).toBe(final);
    } finally {
      await conn.close();
    }
  }, 240_000);

  it("shows each user's presence to clients on the other node, also to one arriving later", async () => {
    const doc = formatDocName({ kind: 'draft', meetingId: oid(), draftId: oid() });
    const a = connectClient(url(0), doc, testToken('presencea'));
    const b = connectClient(url(1), doc, testToken('presenceb'));
    let late: TestClient | undefined;
    const names = (c: TestClient): string[] =>
      [...c.provider.awareness.getStates().values()]
        .map((st) => (st.user as { name?: string } | undefined)?.name ?? '')
        .filter(Boolean)
        .sort();
    try {
      await Promise.all([a.synced(30_000), b.synced(30_000)]);
      a.provider.awareness.setLocalStateField('user', { name: 'Phạm Thu Hà' });
      b.provider.awareness.setLocalStateField('user', { name: 'Nguyễn Văn An' });
      const both = ['Nguyễn Văn An', 'Phạm Thu Hà'];
      await waitFor(() => names(b).join() === both.join(), 'B (node 1) sees A (node 0)');
      await waitFor(() => names(a).join() === both.join(), 'A (node 0) sees B (node 1)');

      // Someone opening the document later on node 1 learns of A, who is on node 0.
      late = connectClient(url(1), doc, testToken('presencec'));
      await late.synced(30_000);
      await waitFor(() => names(late as TestClient).join() === both.join(), 'the late joiner');

      // A leaves: the others stop showing A.
      a.destroy();
      await waitFor(() => !names(b).includes('Phạm Thu Hà'), 'B no longer shows A', 40_000);
    } finally {
      a.destroy();
      b.destroy();
      late?.destroy();
    }
  }, 120_000);
});
