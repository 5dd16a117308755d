import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Connection } from '../../collab/connection';
import { formatDocName } from '../../collab/contracts/doc-names';
import { DEFAULT_COLLAB_LIMITS } from '../../collab/limits';
import { parseClientMessage } from '../../collab/protocol';
import { Room } from '../../collab/room';
import type { RoomHost } from '../../collab/room';

// What a commit broadcasts: a client whose own update is the only client update of a commit is
// not sent the commit back, but when the same commit also applies updates from no connection
// (another node's, queued while the room had pending structs), it must receive the commit, or it
// misses those structs and stalls on everything that later depends on them. Found by
// collab-redis.test.ts, which failed about 1 in 15 runs after a Redis restart.

const oid = (): string =>
  Array.from({ length: 24 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** A connection that records the frames sent to it. */
function fakeConnection(): { conn: Connection; frames: Uint8Array[]; failures: Error[] } {
  const frames: Uint8Array[] = [];
  const failures: Error[] = [];
  const conn = {
    awarenessIds: new Set<number>(),
    closed: false,
    canWrite: true,
    send: (frame: Uint8Array) => frames.push(frame),
    sendDeniedOnce: () => undefined,
    fail: (err: Error) => failures.push(err),
  } as unknown as Connection;
  return { conn, frames, failures };
}

function room(): Room {
  const host: RoomHost = {
    limits: DEFAULT_COLLAB_LIMITS,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
    requestCommit: () => undefined,
    publishUpdate: () => undefined,
    publishAwareness: () => undefined,
    connectionClosed: () => undefined,
  };
  const r = new Room(formatDocName({ kind: 'draft', meetingId: oid(), draftId: oid() }), host);
  r.applyLoaded([]);
  r.state = 'ready';
  return r;
}

/** Commits what the room queued, as the committer does once it is stored. */
function commit(r: Room): void {
  const sealed = r.seal();
  if (sealed) r.afterStored(sealed);
}

/** Applies to `doc` every sync update among `frames`. */
function applyFrames(doc: Y.Doc, frames: readonly Uint8Array[]): void {
  for (const f of frames) {
    const msg = parseClientMessage(f);
    if (msg.kind === 'sync-update') Y.applyUpdate(doc, msg.update);
  }
}

describe('collab room broadcast', () => {
  it("sends a client the commit of its own update when the commit also holds another node's updates", () => {
    const r = room();
    // Another node's two updates, the second depending on the first.
    const other = new Y.Doc();
    const u1 = captureUpdate(other, () => other.getText('t').insert(0, 'abc'));
    const u2 = captureUpdate(other, () => other.getText('t').insert(3, 'def'));
    // The second arrives first (Redis delivers it before a reload fills the gap): pending.
    r.applyRemote(u2);
    expect(text(r.doc)).toBe('');

    const a = fakeConnection();
    const b = fakeConnection();
    r.conns.add(a.conn);
    r.conns.add(b.conn);
    // Client A types; then the missing update arrives while structs are pending, so it is queued
    // for the same commit without a connection.
    const aDoc = new Y.Doc();
    const uA = captureUpdate(aDoc, () => aDoc.getText('t').insert(0, 'X'));
    r.onMessage(a.conn, { kind: 'sync-update', update: uA, step2: false });
    r.applyRemote(u1);
    commit(r);

    expect(text(r.doc)).toContain('abcdef');
    // A receives the commit: it lacked abc and def.
    applyFrames(aDoc, a.frames);
    expect(text(aDoc)).toBe(text(r.doc));
    const bDoc = new Y.Doc();
    applyFrames(bDoc, b.frames);
    expect(text(bDoc)).toBe(text(r.doc));
  });

  it("refuses a client's update that waits for content the server never had: nothing stays pending for new clients", () => {
    const r = room();
    const a = fakeConnection();
    const b = fakeConnection();
    r.conns.add(a.conn);
    r.conns.add(b.conn);
    const other = new Y.Doc();
    captureUpdate(other, () => other.getText('t').insert(0, 'abc'));
    const dependent = captureUpdate(other, () => other.getText('t').insert(3, 'def'));
    // A sends only the second half: it depends on structs this server does not have.
    r.onMessage(a.conn, { kind: 'sync-update', update: dependent, step2: false });
    commit(r);
    expect(a.failures.map((e) => e.message)).toEqual([
      'update depends on content this server does not have',
    ]);
    expect(r.doc.store.pendingStructs).toBeNull();
    // A new client's sync answer holds what the connected clients hold, nothing more.
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(r.doc));
    expect(text(fresh)).toBe('');
    expect(fresh.store.pendingStructs).toBeNull();
    // An honest update afterwards is served as before.
    const bDoc = new Y.Doc();
    r.onMessage(b.conn, {
      kind: 'sync-update',
      update: captureUpdate(bDoc, () => bDoc.getText('t').insert(0, 'Kết luận')),
      step2: false,
    });
    const c = fakeConnection();
    r.conns.add(c.conn);
    commit(r);
    expect(b.failures).toEqual([]);
    const cDoc = new Y.Doc();
    applyFrames(cDoc, c.frames);
    expect(text(cDoc)).toBe('Kết luận');
  });

  it('does not echo a commit to the one client that sent all of it', () => {
    const r = room();
    const a = fakeConnection();
    const b = fakeConnection();
    r.conns.add(a.conn);
    r.conns.add(b.conn);
    const aDoc = new Y.Doc();
    const uA = captureUpdate(aDoc, () => aDoc.getText('t').insert(0, 'Biên bản'));
    r.onMessage(a.conn, { kind: 'sync-update', update: uA, step2: false });
    commit(r);
    expect(a.frames).toHaveLength(0);
    const bDoc = new Y.Doc();
    applyFrames(bDoc, b.frames);
    expect(text(bDoc)).toBe('Biên bản');
  });
});

/** The update `change` makes to `doc`. */
function captureUpdate(doc: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  change();
  return Y.encodeStateAsUpdate(doc, before);
}

function text(doc: Y.Doc): string {
  return doc.getText('t').toJSON();
}
