import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Schema } from '@tiptap/pm/model';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { Checkpointer } from './checkpointer';
import { Committer } from './committer';
import { Connection } from './connection';
import type { CollabAccess } from './contracts/authorize';
import { CollabCloseCode, collabCloseInfo } from './contracts/close-codes';
import type { CollabCloseCodeValue } from './contracts/close-codes';
import { parseDocName } from './contracts/doc-names';
import { COLLAB_PATH_PREFIX } from './contracts/protocol';
import { createDocumentService } from './documents';
import type { DocumentService } from './documents';
import { resolveLimits } from './limits';
import type { CollabLimitsInput } from './limits';
import type { CollabPersistence } from './persistence';
import { defaultProseMirrorSchema } from './prosemirror';
import { encodeAuth, encodeAwarenessEntries } from './protocol';
import { RedisFanout } from './redis-fanout';
import type { Room, RoomHost } from './room';
import { RoomRegistry } from './room-registry';
import { CollabAuthError, DEFAULT_STORAGE_OPTIONS, silentLogger } from './types';
import type {
  AuthenticateFn,
  AuthorizeFn,
  CollabAuthContext,
  CollabLogger,
  CollabStorageOptions,
  CollabUser,
} from './types';

/** Options of {@link createCollabServer}. */
export interface CollabServerOptions {
  authenticate: AuthenticateFn;
  authorize: AuthorizeFn;
  persistence: CollabPersistence;
  limits?: CollabLimitsInput;
  logger?: CollabLogger;
  /** Set to fan out through Redis to other collab processes serving the same documents. */
  redis?: { url: string; prefix?: string } | null;
  storage?: Partial<CollabStorageOptions>;
  /** Schema for server-side ProseMirror reads and writes (default: StarterKit's). */
  schema?: Schema;
  /** Path prefix of document URLs (default `/collab/`). */
  pathPrefix?: string;
  /**
   * Called after edits are stored, with the names of the documents they changed (edits of this
   * process only: another node reports its own). For the host to derive records from documents,
   * e.g. the agenda; errors thrown here are logged and ignored.
   */
  onCommitted?: (docNames: readonly string[]) => void;
}

/** Live figures for `GET /api/health` and tests. */
export interface CollabHealth {
  status: 'ok' | 'degraded';
  documents: number;
  connections: number;
  pendingHandshakes: number;
  redis: 'off' | 'ok' | 'down';
  loads: number;
  loadFailures: number;
  commits: number;
  commitFailures: number;
  lastStoreError: string | null;
  journalRowsPending: number;
}

/** The co-editing server. */
export interface CollabServer {
  /**
   * Takes over an HTTP upgrade whose path is under the prefix; returns false (and leaves the
   * socket alone) for any other path.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Handles upgrades of an http.Server under the prefix (others are left to other listeners). */
  attach(server: Server): void;
  /** Server-side document access and named versions. */
  readonly documents: DocumentService;
  /** Live figures; `status` is degraded while Redis is down or stores fail. */
  health(): CollabHealth;
  /** Like {@link health} but first checks the database; throws when it does not answer. */
  probe(): Promise<CollabHealth>;
  /**
   * Asks `authorize` again for every connection of the documents (all when omitted): a
   * connection downgraded to read-only stops being able to write; one refused is closed (4403).
   */
  refreshAccess(docNames?: readonly string[]): Promise<void>;
  /**
   * Stores a snapshot of every changed document and retires this process's journal rows, then
   * adopts rows left by dead processes (older than `orphanAgeMs`).
   */
  checkpoint(): Promise<void>;
  /**
   * Stops accepting, stores what is queued, closes every connection with 1012, takes a final
   * snapshot, and closes Redis. The Mongoose connection stays open (the caller owns it).
   */
  close(): Promise<void>;
}

const PING_INTERVAL_MS = 30_000;
const AWARENESS_SWEEP_MS = 5_000;

/** Maps an error thrown by `authenticate` or `authorize` to a close code. */
function authCloseCode(err: unknown): CollabCloseCodeValue {
  if (err instanceof CollabAuthError) {
    return {
      unauthenticated: CollabCloseCode.UNAUTHENTICATED,
      token_expired: CollabCloseCode.TOKEN_EXPIRED,
      forbidden: CollabCloseCode.FORBIDDEN,
      unknown_document: CollabCloseCode.UNKNOWN_DOCUMENT,
    }[err.kind];
  }
  const e = err as { status?: unknown; code?: unknown } | null;
  if (e && typeof e === 'object') {
    if (e.code === 'token_expired') return CollabCloseCode.TOKEN_EXPIRED;
    if (e.status === 401) return CollabCloseCode.UNAUTHENTICATED;
    if (e.status === 403) return CollabCloseCode.FORBIDDEN;
    if (e.status === 404) return CollabCloseCode.UNKNOWN_DOCUMENT;
  }
  return CollabCloseCode.UNAVAILABLE;
}

function rejectHttp(socket: Duplex, status: number, text: string): void {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}

/**
 * Builds the co-editing server: the y-websocket protocol at `<prefix><docName>?token=...` with
 * authentication and authorization at upgrade, storage through `persistence` (every update is
 * stored before any other client sees it), optional Redis fan-out, limits, and server-side
 * document access. Start it with {@link CollabServer.attach} or by routing upgrades to
 * {@link CollabServer.handleUpgrade}.
 */
export function createCollabServer(options: CollabServerOptions): CollabServer {
  const limits = resolveLimits(options.limits);
  const logger = options.logger ?? silentLogger;
  const storage: CollabStorageOptions = { ...DEFAULT_STORAGE_OPTIONS, ...options.storage };
  const prefix = options.pathPrefix ?? COLLAB_PATH_PREFIX;
  const { persistence } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  let closing = false;
  let connections = 0;
  let pending = 0;
  const pendingByAddress = new Map<string, number>();

  let fanout: RedisFanout | null = null;
  const host: RoomHost = {
    limits,
    logger,
    requestCommit: (room) => committer.request(room),
    publishUpdate: (room, update) => fanout?.publishUpdate(room.name, update),
    publishAwareness: (room, update) => fanout?.publishAwareness(room.name, update),
    connectionClosed: (room) => {
      connections--;
      registry.release(room);
    },
  };
  const registry: RoomRegistry = new RoomRegistry({
    persistence,
    host,
    logger,
    loadTimeoutMs: storage.loadTimeoutMs,
    unloadAfterMs: storage.unloadAfterMs,
    snapshotBeforeUnload: (room) => checkpointer.snapshotSoon(room),
    opened: (room) => {
      fanout?.subscribe(room.name);
      fanout?.queryAwareness(room.name);
    },
    closed: (room) => fanout?.unsubscribe(room.name),
  });
  const checkpointer = new Checkpointer(persistence, registry, storage, logger);
  const committer = new Committer(
    persistence,
    {
      committed: (rowIds, docNames, bytes) => {
        checkpointer.recordCommit(rowIds, docNames, bytes);
        if (!options.onCommitted) return;
        try {
          options.onCommitted([...new Set(docNames)]);
        } catch (err) {
          logger.warn({ err }, 'the onCommitted callback failed');
        }
      },
      failed: (rooms) => {
        for (const room of rooms) registry.discard(room);
      },
    },
    logger,
    { delayMs: storage.commitDelayMs, retryMs: storage.commitRetryMs },
  );
  const roomOf = (docName: string): Room | undefined => registry.getAny(docName);
  if (options.redis) {
    fanout = new RedisFanout(
      options.redis,
      {
        update: (docName, update) => roomOf(docName)?.applyRemote(update),
        awareness: (docName, update) => roomOf(docName)?.applyRemoteAwareness(update),
        awarenessQuery: (docName) => {
          const room = roomOf(docName);
          const states = room?.awareness.local() ?? [];
          if (states.length) fanout?.publishAwareness(docName, encodeAwarenessEntries(states));
        },
        resync: (docNames) => {
          for (const name of docNames) {
            const room = registry.get(name);
            if (!room) continue;
            checkpointer.reload(room).catch((err: unknown) => {
              logger.warn({ err, docName: name }, 'could not reload a document after a resync');
            });
          }
        },
      },
      logger,
    );
  }
  checkpointer.start();

  const timers = [
    setInterval(() => {
      for (const room of registry.all()) {
        for (const conn of room.conns) {
          if (!conn.alive) {
            conn.terminate();
            continue;
          }
          conn.alive = false;
          conn.ws.ping();
        }
      }
    }, PING_INTERVAL_MS),
    setInterval(() => {
      const now = Date.now();
      for (const room of registry.all()) room.sweepAwareness(now);
    }, AWARENESS_SWEEP_MS),
  ];
  for (const t of timers) t.unref();

  const onProtocolError = (conn: Connection, err: Error): void => {
    logger.debug({ err: err.message, user: conn.user.userId }, 'closing a connection: bad message');
  };

  const acceptThenClose = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    code: CollabCloseCodeValue,
  ): void => {
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      if (code === CollabCloseCode.FORBIDDEN || code === CollabCloseCode.UNAUTHENTICATED) {
        ws.send(encodeAuth('denied', collabCloseInfo[code].reason));
      }
      ws.close(code, collabCloseInfo[code].reason);
      setTimeout(() => ws.terminate(), 3000).unref();
    });
  };

  const handshake = async (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
  ): Promise<void> => {
    const state = { finished: false };
    const refuse = (code: CollabCloseCodeValue): void => {
      if (state.finished) return;
      state.finished = true;
      clearTimeout(timer);
      acceptThenClose(req, socket, head, code);
    };
    const timer = setTimeout(() => {
      refuse(CollabCloseCode.UNAVAILABLE);
    }, limits.handshakeTimeoutMs);
    let docName: string;
    try {
      docName = decodeURIComponent(url.pathname.slice(prefix.length));
    } catch {
      refuse(CollabCloseCode.UNKNOWN_DOCUMENT);
      return;
    }
    const doc = parseDocName(docName);
    if (!doc) {
      refuse(CollabCloseCode.UNKNOWN_DOCUMENT);
      return;
    }
    const token = url.searchParams.get('token');
    if (!token) {
      refuse(CollabCloseCode.UNAUTHENTICATED);
      return;
    }
    const ctx: CollabAuthContext = { docName, doc, token };
    let user: CollabUser;
    let access: CollabAccess;
    try {
      user = await options.authenticate(token, ctx);
      if (user.expiresAt.getTime() <= Date.now()) {
        refuse(CollabCloseCode.TOKEN_EXPIRED);
        return;
      }
      access = await options.authorize(user, doc, ctx);
    } catch (err) {
      const code = authCloseCode(err);
      if (code === CollabCloseCode.UNAVAILABLE)
        logger.warn({ err, docName }, 'authorization failed');
      refuse(code);
      return;
    }
    if (access === 'none') {
      refuse(CollabCloseCode.FORBIDDEN);
      return;
    }
    if (state.finished) return;
    let room: Room;
    try {
      room = await registry.acquire(docName);
    } catch {
      refuse(CollabCloseCode.LOAD_FAILED);
      return;
    }
    if ((state.finished as boolean) || socket.destroyed) {
      registry.release(room);
      return;
    }
    state.finished = true;
    clearTimeout(timer);
    const upgrade = { attached: false };
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      upgrade.attached = true;
      if (room.state !== 'ready' && room.state !== 'unloading') {
        registry.release(room);
        ws.close(
          CollabCloseCode.STORE_FAILED,
          collabCloseInfo[CollabCloseCode.STORE_FAILED].reason,
        );
        return;
      }
      if (room.conns.size >= limits.maxConnectionsPerDocument) {
        registry.release(room);
        ws.close(CollabCloseCode.UNAVAILABLE, collabCloseInfo[CollabCloseCode.UNAVAILABLE].reason);
        return;
      }
      connections++;
      const conn = new Connection(ws, token, user, access, room, limits, onProtocolError);
      room.addConnection(conn);
    });
    // ws completes an upgrade synchronously, or aborts it (bad headers, socket gone) without
    // calling back: then the document must not stay pinned.
    if (!upgrade.attached) registry.release(room);
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return false;
    }
    if (!url.pathname.startsWith(prefix)) return false;
    socket.on('error', () => socket.destroy());
    if (closing) {
      rejectHttp(socket, 503, 'Service Unavailable');
      return true;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const fromAddress = pendingByAddress.get(address) ?? 0;
    if (
      pending >= limits.maxPendingHandshakes ||
      fromAddress >= limits.maxPendingHandshakesPerAddress
    ) {
      // SECURITY: unauthenticated clients cannot pile up handshakes; refused before any work.
      rejectHttp(socket, 503, 'Service Unavailable');
      return true;
    }
    pending++;
    pendingByAddress.set(address, fromAddress + 1);
    void handshake(req, socket, head, url)
      .catch((err: unknown) => {
        logger.error({ err }, 'collab handshake failed');
        socket.destroy();
      })
      .finally(() => {
        pending--;
        const left = (pendingByAddress.get(address) ?? 1) - 1;
        if (left <= 0) pendingByAddress.delete(address);
        else pendingByAddress.set(address, left);
      });
    return true;
  };

  const health = (): CollabHealth => {
    const redis = fanout ? fanout.status : 'off';
    const storeFailing = committer.stats.lastError !== null;
    return {
      status: redis === 'down' || storeFailing ? 'degraded' : 'ok',
      documents: registry.size,
      connections,
      pendingHandshakes: pending,
      redis,
      loads: registry.stats.loads,
      loadFailures: registry.stats.loadFailures,
      commits: committer.stats.commits,
      commitFailures: committer.stats.failures,
      lastStoreError: committer.stats.lastError,
      journalRowsPending: checkpointer.pendingRows,
    };
  };

  return {
    handleUpgrade,
    attach(server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        handleUpgrade(req, socket, head);
      });
    },
    documents: createDocumentService(
      registry,
      persistence,
      options.schema ?? defaultProseMirrorSchema(),
    ),
    health,
    async probe() {
      await persistence.ping();
      return health();
    },
    async refreshAccess(docNames) {
      const rooms = docNames ? docNames.flatMap((d) => registry.get(d) ?? []) : registry.all();
      for (const room of rooms) {
        const doc = parseDocName(room.name);
        if (!doc) continue;
        for (const conn of [...room.conns]) {
          try {
            const access = await options.authorize(conn.user, doc, {
              docName: room.name,
              doc,
              token: conn.token,
            });
            if (access === 'none') conn.close(CollabCloseCode.FORBIDDEN);
            else conn.access = access;
          } catch (err) {
            const code = authCloseCode(err);
            if (code !== CollabCloseCode.UNAVAILABLE) conn.close(code);
          }
        }
      }
    },
    async checkpoint() {
      await checkpointer.checkpoint();
      await checkpointer.adoptOrphans();
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const t of timers) clearInterval(t);
      await committer.whenIdle();
      for (const room of registry.all()) room.closeAll(CollabCloseCode.SERVICE_RESTART);
      await committer.whenIdle();
      await checkpointer.close().catch((err: unknown) => {
        logger.warn({ err }, 'final checkpoint failed; the journal keeps the edits');
      });
      registry.stopAccepting();
      registry.closeAll();
      await fanout?.close();
      wss.close();
    },
  };
}
