import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Hocuspocus } from '@hocuspocus/server';
import { docs as referenceDocs, setupWSConnection } from '@y/websocket-server/utils';
import mongoose from 'mongoose';
import { WebSocketServer } from 'ws';
import { createCollabServer } from '../../collab/collab-server';
import { createMongoPersistence } from '../../collab/mongo-persistence';
import type { CollabPersistence } from '../../collab/persistence';
import type { ServerKind, ServerStats } from './collab-bench-lib';

// One server under test, in its own process: ours (collab/ over FerretDB), Hocuspocus, or the
// y-websocket reference server, each with its default configuration (the baselines keep
// documents in memory only; ours stores every update before broadcasting it). Reports its
// figures on GET /stats.

const kind = process.env.BENCH_KIND as ServerKind;
const port = Number(process.env.BENCH_PORT);
const loadMs: number[] = [];
const commitMs: number[] = [];

const sockets = new Set<Socket>();
let closedBytes = 0;
let docs: () => number;
let upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
let checkpoint: () => Promise<void> = () => Promise.resolve();
let commits: () => number = () => 0;

if (kind === 'ours') {
  const conn = await mongoose.createConnection(process.env.MONGODB_URI ?? '').asPromise();
  const real = createMongoPersistence(conn);
  const persistence: CollabPersistence = {
    ...real,
    load: async (d) => {
      const t = performance.now();
      const loaded = await real.load(d);
      loadMs.push(performance.now() - t);
      return loaded;
    },
    writeCommit: async (w) => {
      const t = performance.now();
      await real.writeCommit(w);
      if (commitMs.length < 100_000) commitMs.push(performance.now() - t);
    },
  };
  const collab = createCollabServer({
    authenticate: () =>
      Promise.resolve({
        userId: 'bench',
        displayName: 'bench',
        expiresAt: new Date(Date.now() + 864e5),
      }),
    authorize: () => 'write',
    persistence,
    limits: {
      maxPendingHandshakesPerAddress: 5000,
      maxPendingHandshakes: 5000,
      messagesPerSecond: Number(process.env.BENCH_MSG_RATE ?? 200),
      messageBurst: Number(process.env.BENCH_MSG_RATE ?? 1000),
      handshakeTimeoutMs: Number(process.env.BENCH_HANDSHAKE_MS ?? 15_000),
    },
    storage: {
      checkpointIntervalMs: Number(process.env.BENCH_CHECKPOINT_MS ?? 30_000),
      orphanAgeMs: Number(process.env.BENCH_ORPHAN_AGE_MS ?? 600_000),
      loadTimeoutMs: Number(process.env.BENCH_LOAD_TIMEOUT_MS ?? 30_000),
    },
  });
  docs = () => collab.health().documents;
  commits = () => collab.health().commits;
  upgrade = (req, socket, head) => {
    if (!collab.handleUpgrade(req, socket, head)) socket.destroy();
  };
  checkpoint = () => collab.checkpoint();
} else {
  const wss = new WebSocketServer({ noServer: true });
  if (kind === 'hocuspocus') {
    const hocuspocus = new Hocuspocus({ quiet: true });
    docs = () => hocuspocus.documents.size;
    upgrade = (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => hocuspocus.handleConnection(ws, req));
  } else {
    docs = () => referenceDocs.size;
    upgrade = (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        const docName = new URL(req.url ?? '/', 'http://x').pathname.slice('/collab/'.length);
        setupWSConnection(ws, req, { docName });
      });
  }
}

function stats(): ServerStats {
  const cpu = process.cpuUsage();
  let bytes = closedBytes;
  for (const s of sockets) bytes += s.bytesWritten;
  const mem = process.memoryUsage();
  return {
    heapUsed: mem.heapUsed,
    rss: mem.rss,
    cpuMs: (cpu.user + cpu.system) / 1000,
    bytesWritten: bytes,
    docs: docs(),
    loadMs,
    commits: commits(),
    commitMs: commitMs.splice(0),
  };
}

const server = createServer((req, res) => {
  const reply = (body: unknown): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/gc') {
    (globalThis as { gc?: () => void }).gc?.();
    (globalThis as { gc?: () => void }).gc?.();
    reply(stats());
  } else if (req.url === '/checkpoint') {
    checkpoint().then(
      () => reply(stats()),
      (err: unknown) => reply({ error: String(err) }),
    );
  } else {
    reply(stats());
  }
});
server.on('connection', (s: Socket) => {
  sockets.add(s);
  s.on('close', () => {
    closedBytes += s.bytesWritten;
    sockets.delete(s);
  });
});
server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
  upgrade(req, socket, head),
);
server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
process.once('SIGTERM', () => process.exit(0));
