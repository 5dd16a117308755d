import * as Y from 'yjs';
import { AwarenessStore } from './awareness-store';
import type { Connection, ConnectionSink } from './connection';
import { CollabCloseCode } from './contracts/close-codes';
import { parseDocName } from './contracts/doc-names';
import { CollabSyncType } from './contracts/protocol';
import type { CollabLimits, DocumentSizeLimit } from './limits';
import {
  CollabProtocolError,
  encodeAuth,
  encodeAwareness,
  encodeAwarenessEntries,
  encodeSync,
  parseAwarenessUpdate,
} from './protocol';
import type { AwarenessEntry, ClientMessage } from './protocol';
import type { CollabLogger } from './types';

/** Transaction origins on a room's Y.Doc. */
const COMMIT = Symbol('commit');
const REMOTE = Symbol('remote');
const LOAD = Symbol('load');

/** What a room needs from the server around it. */
export interface RoomHost {
  readonly limits: CollabLimits;
  readonly logger: CollabLogger;
  /** Asks for a commit soon: the room has queued work. */
  requestCommit(room: Room): void;
  /** A stored update, for the other nodes. */
  publishUpdate(room: Room, update: Uint8Array): void;
  /** An awareness change made by a local connection, for the other nodes. */
  publishAwareness(room: Room, update: Uint8Array): void;
  /** A connection of this room ended. */
  connectionClosed(room: Room, conn: Connection): void;
}

interface ServerChange {
  fn: (doc: Y.Doc) => void;
  resolve: () => void;
  reject: (err: unknown) => void;
  error?: unknown;
}

interface Queue {
  updates: { update: Uint8Array; conn: Connection | null }[];
  changes: ServerChange[];
  step1: { conn: Connection; stateVector: Uint8Array }[];
}

/** The result of {@link Room.seal}: what a commit must store and then deliver. */
export interface Sealed {
  room: Room;
  /** The merged update of everything applied; null when nothing changed. */
  diff: Uint8Array | null;
  replies: { conn: Connection; frame: Uint8Array }[];
  changes: ServerChange[];
  /** The connections whose updates the commit applied. */
  origins: Set<Connection>;
  /**
   * Whether the commit also applied updates that came from no connection (another node's, or
   * the database's on a reload, queued while structs were pending).
   */
  fromServer: boolean;
}

const EMPTY_UPDATE_MAX = 2;

/**
 * One loaded document: its Y.Doc, its connections and awareness, and the queue of updates that
 * wait for the next commit. Updates are applied when a commit seals the queue (all of them in
 * one transaction), stored, and only then broadcast; sync answers wait for the same commit, so no
 * client ever sees an update that is not stored.
 */
export class Room implements ConnectionSink {
  readonly doc = new Y.Doc({ gc: true });
  readonly conns = new Set<Connection>();
  readonly awareness = new AwarenessStore<Connection>();
  state: 'loading' | 'ready' | 'unloading' | 'closed' = 'loading';
  /** Pins: connections, handshakes in progress and server-side handles. */
  refs = 0;
  /** Snapshot rows whose content this Y.Doc holds (a later snapshot may delete them). */
  snapshotRowIds: string[] = [];
  /** Counts commits that changed the document; compared with {@link snapshotVersion}. */
  version = 0;
  /** {@link version} when the last snapshot was taken; differs when a snapshot is due. */
  snapshotVersion = 0;
  inFlight = false;
  private queue: Queue = { updates: [], changes: [], step1: [] };
  private captured: Uint8Array | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Size limits of this kind of document. */
  private readonly sizeLimit: DocumentSizeLimit;
  /**
   * An upper bound of the document's encoded size: what was loaded plus every update applied
   * since (re-measured exactly when it reaches the limit).
   */
  private sizeBound = 0;
  /** Bytes of client updates queued for the next commit. */
  private queuedBytes = 0;

  constructor(
    readonly name: string,
    private readonly host: RoomHost,
  ) {
    this.doc.on('update', this.onDocUpdate);
    const kind = parseDocName(name)?.kind;
    this.sizeLimit = kind
      ? host.limits.documentSizes[kind]
      : { maxUpdateBytes: host.limits.maxMessageBytes, maxDocumentBytes: Number.POSITIVE_INFINITY };
  }

  /**
   * Whether a client update of `bytes` keeps the document within its limits. The exact size is
   * measured only when the running bound says the limit may be reached.
   */
  private fits(bytes: number): boolean {
    const { maxUpdateBytes, maxDocumentBytes } = this.sizeLimit;
    if (bytes > maxUpdateBytes) return false;
    if (this.sizeBound + this.queuedBytes + bytes <= maxDocumentBytes) return true;
    this.sizeBound = Y.encodeStateAsUpdate(this.doc).byteLength;
    return this.sizeBound + this.queuedBytes + bytes <= maxDocumentBytes;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === COMMIT) this.captured = update;
    else if (origin === REMOTE) this.broadcast(encodeSync(CollabSyncType.UPDATE, update));
  };

  /**
   * Applies what the database holds, in one transaction.
   * @throws when a stored row cannot be applied; the document must then not be served.
   */
  applyLoaded(updates: readonly Uint8Array[], origin: 'load' | 'remote' = 'load'): void {
    if (origin === 'remote' && this.hasPending()) {
      for (const update of updates) this.queue.updates.push({ update, conn: null });
      this.host.requestCommit(this);
      return;
    }
    this.doc.transact(
      () => {
        for (const u of updates) Y.applyUpdate(this.doc, u);
      },
      origin === 'load' ? LOAD : REMOTE,
    );
    for (const u of updates) this.sizeBound += u.byteLength;
  }

  /** An update stored by another node: applied and broadcast at once. */
  applyRemote(update: Uint8Array): void {
    try {
      this.applyLoaded([update], 'remote');
    } catch (err) {
      this.host.logger.warn({ err, doc: this.name }, 'could not apply an update from another node');
    }
  }

  /** Forgets structs and deletions waiting for content (a refused client update's). */
  private dropPending(): void {
    this.doc.store.pendingStructs = null;
    this.doc.store.pendingDs = null;
  }

  /** Structs waiting for missing dependencies: whatever completes them must be stored too. */
  private hasPending(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  /** Starts serving a connection: server state vector, its access, everyone's awareness. */
  addConnection(conn: Connection): void {
    this.conns.add(conn);
    conn.send(encodeSync(CollabSyncType.STEP1, Y.encodeStateVector(this.doc)));
    conn.send(encodeAuth('access', conn.access));
    const states = this.awareness.all();
    if (states.length) conn.send(encodeAwareness(encodeAwarenessEntries(states)));
  }

  onClose(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    const removed = this.awareness.removeOwned(conn, conn.awarenessIds);
    if (removed.length) this.publishAwarenessEntries(removed, true);
    this.host.connectionClosed(this, conn);
  }

  onMessage(conn: Connection, msg: ClientMessage): void {
    switch (msg.kind) {
      case 'sync-step1':
        if (this.inFlight) {
          this.queue.step1.push({ conn, stateVector: msg.stateVector });
          this.host.requestCommit(this);
        } else {
          const frame = this.step2(conn, msg.stateVector);
          if (frame) conn.send(frame);
        }
        return;
      case 'sync-update':
        if (msg.update.byteLength <= EMPTY_UPDATE_MAX) return;
        if (!conn.canWrite) {
          // SECURITY: a read-only connection's updates are never applied, stored or broadcast.
          conn.sendDeniedOnce(encodeAuth('denied', 'read-only: edits are not saved'));
          return;
        }
        if (!this.fits(msg.update.byteLength)) {
          // Refused before it is queued: nothing of it is applied, stored or broadcast.
          conn.fail(
            new CollabProtocolError(
              `update of ${String(msg.update.byteLength)} bytes over the limits of ${this.name}`,
            ),
            CollabCloseCode.TOO_LARGE,
          );
          return;
        }
        this.queuedBytes += msg.update.byteLength;
        this.queue.updates.push({ update: msg.update, conn });
        this.host.requestCommit(this);
        return;
      case 'awareness':
        this.onAwareness(conn, msg.update);
        return;
      case 'query-awareness': {
        const states = this.awareness.all();
        conn.send(encodeAwareness(encodeAwarenessEntries(states)));
        return;
      }
      case 'auth':
        return;
    }
  }

  private onAwareness(conn: Connection, update: Uint8Array): void {
    const { maxAwarenessEntries, maxAwarenessStateBytes, maxAwarenessClientsPerConnection } =
      this.host.limits;
    let entries: AwarenessEntry[];
    try {
      entries = parseAwarenessUpdate(update, maxAwarenessEntries, maxAwarenessStateBytes);
    } catch (err) {
      conn.fail(err as Error);
      return;
    }
    const accepted = this.awareness.apply(
      entries,
      conn,
      conn.awarenessIds,
      maxAwarenessClientsPerConnection,
    );
    if (accepted.length) this.publishAwarenessEntries(accepted, true);
  }

  /** Awareness from another node: applied and broadcast locally. */
  applyRemoteAwareness(update: Uint8Array): void {
    let entries: AwarenessEntry[];
    try {
      entries = parseAwarenessUpdate(update, 10_000, this.host.limits.maxAwarenessStateBytes);
    } catch (err) {
      this.host.logger.warn({ err, doc: this.name }, 'bad awareness update from another node');
      return;
    }
    const accepted = this.awareness.apply(entries, null, null, 0);
    if (accepted.length) this.publishAwarenessEntries(accepted, false);
  }

  /** Removes outdated awareness states and tells everyone. */
  sweepAwareness(now: number): void {
    const removed = this.awareness.sweep(now);
    if (removed.length) this.publishAwarenessEntries(removed, false);
  }

  private publishAwarenessEntries(entries: AwarenessEntry[], toOtherNodes: boolean): void {
    const update = encodeAwarenessEntries(entries);
    // Sent to the publisher too: its own echo keeps the stock provider's idle watchdog quiet.
    this.broadcast(encodeAwareness(update));
    if (toOtherNodes) this.host.publishAwareness(this, update);
  }

  /** Queues a server-side change; resolves once it is stored and broadcast. */
  change(fn: (doc: Y.Doc) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.changes.push({ fn, resolve, reject });
      this.host.requestCommit(this);
    });
  }

  /** Whether the room has queued work for a commit. */
  hasQueued(): boolean {
    const q = this.queue;
    return q.updates.length > 0 || q.changes.length > 0 || q.step1.length > 0;
  }

  /**
   * Applies everything queued in one transaction and computes the sync answers from that state
   * (stored plus this commit). Updates that make Yjs throw close their connection.
   */
  seal(): Sealed | null {
    if (!this.hasQueued()) return null;
    const q = this.queue;
    this.queue = { updates: [], changes: [], step1: [] };
    this.queuedBytes = 0;
    const origins = new Set<Connection>();
    let fromServer = false;
    let diff: Uint8Array | null = null;
    if (q.updates.length || q.changes.length) {
      this.captured = null;
      this.doc.transact(() => {
        for (const op of q.updates) {
          // An honest client's update depends only on what its server has sent it.
          const clean = op.conn !== null && !this.hasPending();
          try {
            Y.applyUpdate(this.doc, op.update);
            if (op.conn && clean && this.hasPending()) {
              // SECURITY: an update that leaves structs waiting for content this server never
              // had is refused. Yjs would keep them pending and hand them to every new client
              // in its sync answer, where they integrate: new clients would see text the
              // connected ones never get. What of it did integrate stays, for everyone.
              this.dropPending();
              op.conn.fail(
                new CollabProtocolError('update depends on content this server does not have'),
                CollabCloseCode.BAD_MESSAGE,
              );
              continue;
            }
            if (op.conn) origins.add(op.conn);
            else fromServer = true;
          } catch (err) {
            // A malformed update may have left structs pending before it threw (see above).
            if (clean) this.dropPending();
            op.conn?.fail(err as Error, CollabCloseCode.BAD_MESSAGE);
          }
        }
        for (const ch of q.changes) {
          try {
            ch.fn(this.doc);
          } catch (err) {
            ch.error = err;
          }
        }
      }, COMMIT);
      diff = this.takeCaptured();
      this.sizeBound += diff?.byteLength ?? 0;
    }
    const replies: Sealed['replies'] = [];
    for (const s of q.step1) {
      if (s.conn.closed) continue;
      const frame = this.step2(s.conn, s.stateVector);
      if (frame) replies.push({ conn: s.conn, frame });
    }
    if (diff) {
      this.inFlight = true;
      this.version++;
    }
    return { room: this, diff, replies, changes: q.changes, origins, fromServer };
  }

  private takeCaptured(): Uint8Array | null {
    const update = this.captured;
    this.captured = null;
    return update;
  }

  private step2(conn: Connection, stateVector: Uint8Array): Uint8Array | null {
    try {
      return encodeSync(CollabSyncType.STEP2, Y.encodeStateAsUpdate(this.doc, stateVector));
    } catch (err) {
      conn.fail(err as Error);
      return null;
    }
  }

  /** Delivers a sealed commit once stored: broadcast, sync answers, server changes. */
  afterStored(sealed: Sealed): void {
    if (sealed.diff) {
      this.inFlight = false;
      const frame = encodeSync(CollabSyncType.UPDATE, sealed.diff);
      // The diff is skipped only for a connection that sent everything in it: a diff that also
      // holds another node's or the database's updates must reach every connection, or the one
      // skipped misses those structs and stalls on everything that depends on them.
      const only = sealed.origins.size === 1 && sealed.changes.length === 0 && !sealed.fromServer;
      const skip = only ? sealed.origins.values().next().value : undefined;
      for (const c of this.conns) if (c !== skip) c.send(frame);
      this.host.publishUpdate(this, sealed.diff);
    }
    for (const r of sealed.replies) r.conn.send(r.frame);
    for (const ch of sealed.changes) {
      if (ch.error === undefined) ch.resolve();
      else ch.reject(ch.error);
    }
    this.notifyIdle();
  }

  /**
   * A commit could not be stored: every client of the room is closed (they keep their edits and
   * send them again after reconnecting) and server changes fail. The caller discards the room.
   */
  storeFailed(sealed: Sealed, err: unknown): void {
    this.inFlight = false;
    for (const c of [...this.conns]) c.close(CollabCloseCode.STORE_FAILED);
    for (const ch of [...sealed.changes, ...this.queue.changes]) ch.reject(err);
    this.queue = { updates: [], changes: [], step1: [] };
    this.queuedBytes = 0;
    this.notifyIdle();
  }

  /** Resolves when nothing is queued or being stored. */
  whenIdle(): Promise<void> {
    if (this.state === 'closed' || (!this.inFlight && !this.hasQueued())) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Whether a snapshot would store something new. */
  get dirty(): boolean {
    return this.version !== this.snapshotVersion;
  }

  private notifyIdle(): void {
    const busy = this.state !== 'closed' && (this.inFlight || this.hasQueued());
    if (busy || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Sends a frame to every connection (except one). */
  broadcast(frame: Uint8Array, except?: Connection): void {
    for (const c of this.conns) if (c !== except) c.send(frame);
  }

  /** Closes every connection with a code. */
  closeAll(code: Parameters<Connection['close']>[0]): void {
    for (const c of [...this.conns]) c.close(code);
  }

  /** Frees the Y.Doc. */
  destroy(): void {
    this.state = 'closed';
    this.doc.off('update', this.onDocUpdate);
    this.doc.destroy();
    this.notifyIdle();
  }
}
