import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import mongoose from 'mongoose';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createCollabServer } from '../../collab/collab-server';
import type { CollabServer, CollabServerOptions } from '../../collab/collab-server';
import type { CollabAccess } from '../../collab/contracts/authorize';
import type { DocName } from '../../collab/contracts/doc-names';
import { createMongoPersistence } from '../../collab/mongo-persistence';
import type { MongoPersistenceOptions } from '../../collab/mongo-persistence';
import type { CollabPersistence } from '../../collab/persistence';
import { CollabAuthError } from '../../collab/types';
import type { CollabUser } from '../../collab/types';
import { freeTcpPort } from '../../infra/local/ports';
import { dropDatabase, uniqueDbUri, waitFor } from './stack';

/** A 24-hex object id for doc names. */
export function oid(): string {
  return randomBytes(12).toString('hex');
}

/**
 * Test tokens: `t.<userId>.<expiresAtMs>`; anything else is refused as unauthenticated. The
 * host's real `authenticate` (the API's token service) is wired by server/main.ts; the library
 * only sees this callback.
 */
export function testToken(userId: string, ttlMs = 3_600_000): string {
  return `t.${userId}.${Date.now() + ttlMs}`;
}

/** The test `authenticate` callback for {@link testToken} tokens. */
export function testAuthenticate(token: string): Promise<CollabUser> {
  const m = /^t\.([a-z0-9]+)\.(\d+)$/.exec(token);
  if (!m) return Promise.reject(new CollabAuthError('unauthenticated'));
  return Promise.resolve({
    userId: m[1] as string,
    displayName: `User ${m[1] as string}`,
    expiresAt: new Date(Number(m[2])),
  });
}

/**
 * A test `authorize` callback: each user may write the meetings listed for it, read those in
 * `readers`, nothing else.
 */
export function meetingAuthorizer(grants: {
  writers: Record<string, string[]>;
  readers?: Record<string, string[]>;
}): (user: CollabUser, doc: DocName) => CollabAccess {
  return (user, doc) => {
    if (grants.writers[user.userId]?.includes(doc.meetingId)) return 'write';
    if (grants.readers?.[user.userId]?.includes(doc.meetingId)) return 'read';
    return 'none';
  };
}

/** A collab server on a free port over a database of its own. */
export interface CollabTestServer {
  port: number;
  /** `ws://127.0.0.1:<port>/collab` (the provider appends `/<docName>`). */
  url: string;
  collab: CollabServer;
  persistence: CollabPersistence;
  connection: mongoose.Connection;
  dbUri: string;
  loads: string[];
  http: Server;
  /** Closes the collab server and the HTTP server (keeps the database). */
  close(): Promise<void>;
  /** Closes everything and drops the database. */
  stop(): Promise<void>;
}

/** Starts a collab server in this process (real FerretDB through Mongoose, real sockets). */
export async function startCollabServer(
  opts: Partial<Omit<CollabServerOptions, 'persistence'>> & {
    dbUri?: string;
    port?: number;
    persistenceOptions?: MongoPersistenceOptions;
    /** Wraps the real persistence, e.g. to delay or fail some calls. */
    wrapPersistence?: (p: CollabPersistence) => CollabPersistence;
  } = {},
): Promise<CollabTestServer> {
  const dbUri = opts.dbUri ?? uniqueDbUri('collab');
  const connection = await mongoose
    .createConnection(dbUri, { serverSelectionTimeoutMS: 5000, maxPoolSize: 10 })
    .asPromise();
  const loads: string[] = [];
  const real = createMongoPersistence(connection, {
    ...opts.persistenceOptions,
    onLoad: (d) => loads.push(d),
  });
  const persistence = opts.wrapPersistence ? opts.wrapPersistence(real) : real;
  const collab = createCollabServer({
    authenticate: testAuthenticate,
    authorize: () => 'write',
    ...opts,
    persistence,
  });
  const http = createServer((_req, res) => res.writeHead(404).end());
  collab.attach(http);
  const port = opts.port ?? (await freeTcpPort());
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await collab.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return {
    port,
    url: `ws://127.0.0.1:${port}/collab`,
    collab,
    persistence,
    connection,
    dbUri,
    loads,
    http,
    close,
    async stop() {
      await close();
      await connection.close();
      if (!opts.dbUri) await dropDatabase(dbUri).catch(() => undefined);
    },
  };
}

/** A stock y-websocket client in this process. */
export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close events seen, in order. */
  closes: { code: number; reason: string }[];
  synced(timeoutMs?: number): Promise<void>;
  /** Resolves with the code of the first close (waits for one). */
  closed(timeoutMs?: number): Promise<number>;
  destroy(): void;
}

/** Connects the stock WebsocketProvider (ws as the WebSocket polyfill) to a document. */
export function connectClient(
  url: string,
  docName: string,
  token: string | null,
  opts: { doc?: Y.Doc; connect?: boolean } = {},
): TestClient {
  const doc = opts.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(url, docName, doc, {
    params: token === null ? {} : { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: opts.connect ?? true,
  });
  const closes: { code: number; reason: string }[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return {
    doc,
    provider,
    closes,
    synced: (timeoutMs = 15_000) =>
      waitFor(() => provider.synced, `sync of ${docName}`, timeoutMs).then(() => undefined),
    closed: async (timeoutMs = 15_000) => {
      const first = await waitFor(() => closes[0], `a close of ${docName}`, timeoutMs);
      return first.code;
    },
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Text of the Y.Text `t` of a document. */
export function text(doc: Y.Doc): string {
  return doc.getText('t').toJSON();
}
