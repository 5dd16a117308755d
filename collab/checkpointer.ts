import { setTimeout as delay } from 'node:timers/promises';
import * as Y from 'yjs';
import type { CollabPersistence } from './persistence';
import type { Room } from './room';
import type { RoomRegistry } from './room-registry';
import type { CollabLogger, CollabStorageOptions } from './types';

interface OwnRow {
  id: string;
  docs: readonly string[];
  at: number;
  bytes: number;
}

interface Deletion {
  kind: 'journal' | 'snapshot';
  ids: readonly string[];
  due: number;
}

/** Counters for health and benchmarks. */
export interface CheckpointStats {
  checkpoints: number;
  snapshots: number;
  journalRowsRetired: number;
  orphanRowsAdopted: number;
  lastError: string | null;
}

const SNAPSHOT_BATCH = 50;

/**
 * Log compaction. Tracks the journal rows this process wrote; a checkpoint stores a snapshot of
 * every document those rows touch (encoded once from the loaded Y.Doc) and then retires the rows.
 * Snapshot rows a Y.Doc was loaded from are deleted once a newer snapshot of that Y.Doc is stored.
 * Deletion waits a grace period and only ever removes rows whose content is in a row stored
 * before. Journal rows left by a process that died are adopted after `orphanAgeMs`.
 */
export class Checkpointer {
  readonly stats: CheckpointStats = {
    checkpoints: 0,
    snapshots: 0,
    journalRowsRetired: 0,
    orphanRowsAdopted: 0,
    lastError: null,
  };
  private rows: OwnRow[] = [];
  private rowBytes = 0;
  private deletions: Deletion[] = [];
  /** When this process last stored a snapshot of a document (it covers rows stored before). */
  private readonly coveredAt = new Map<string, number>();
  private running: Promise<void> | null = null;
  private soon: { rooms: Set<Room>; done: Promise<void> } | null = null;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly persistence: CollabPersistence,
    private readonly registry: RoomRegistry,
    private readonly opts: CollabStorageOptions,
    private readonly logger: CollabLogger,
  ) {}

  /** Starts the periodic checkpoint, deletion and orphan timers. */
  start(): void {
    const every = (ms: number, fn: () => Promise<void>): void => {
      if (ms <= 0) return;
      const t = setInterval(() => void fn().catch(() => undefined), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.checkpointIntervalMs, () => this.checkpoint());
    every(Math.max(1000, Math.min(this.opts.deleteGraceMs, 5000)), () => this.flushDeletions());
    every(this.opts.orphanCheckIntervalMs, () => this.adoptOrphans());
  }

  /** Own journal rows not yet retired. */
  get pendingRows(): number {
    return this.rows.length;
  }

  /** Records a stored commit; starts a checkpoint when the journal tail passes a threshold. */
  recordCommit(rowIds: readonly string[], docNames: readonly string[], bytes: number): void {
    const at = Date.now();
    rowIds.forEach((id, i) =>
      this.rows.push({ id, docs: docNames, at, bytes: i === 0 ? bytes : 0 }),
    );
    this.rowBytes += bytes;
    const enabled = this.opts.checkpointIntervalMs > 0;
    if (
      enabled &&
      (this.rows.length >= this.opts.checkpointAfterRows ||
        this.rowBytes >= this.opts.checkpointAfterBytes)
    ) {
      void this.checkpoint();
    }
  }

  /**
   * Stores one snapshot per room (each encoded once from its Y.Doc), then schedules the deletion
   * of the snapshot rows each Y.Doc was loaded from.
   * @throws when the snapshots cannot be stored.
   */
  async snapshotRooms(rooms: readonly Room[]): Promise<void> {
    for (let i = 0; i < rooms.length; i += SNAPSHOT_BATCH) {
      const batch = rooms.slice(i, i + SNAPSHOT_BATCH).filter((r) => r.state !== 'closed');
      if (!batch.length) continue;
      const takenAt = Date.now();
      const versions = batch.map((r) => r.version);
      const claims = batch.map((r) => [...r.snapshotRowIds]);
      const prepared = this.persistence.prepareSnapshots(
        batch.map((r) => ({ docName: r.name, state: Y.encodeStateAsUpdate(r.doc) })),
      );
      await this.retry(() => this.persistence.writeSnapshots(prepared));
      batch.forEach((room, index) => {
        const claimed = new Set(claims[index]);
        room.snapshotRowIds = [
          ...(prepared.rowIdsByDoc[index] ?? []),
          ...room.snapshotRowIds.filter((id) => !claimed.has(id)),
        ];
        if (room.version === versions[index]) room.snapshotVersion = room.version;
        this.coveredAt.set(room.name, takenAt);
        this.scheduleDelete('snapshot', claims[index] ?? []);
      });
      this.stats.snapshots += batch.length;
    }
  }

  /**
   * Snapshots a room together with the others asked for in the same moment (documents unloading
   * together share one write).
   * @throws when the snapshot cannot be stored.
   */
  snapshotSoon(room: Room): Promise<void> {
    if (!this.soon) {
      const rooms = new Set<Room>();
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.soon = null;
        return this.snapshotRooms([...rooms]);
      });
      this.soon = { rooms, done };
    }
    this.soon.rooms.add(room);
    return this.soon.done;
  }

  /** Snapshots every document this process's journal rows touch, then retires the rows. */
  checkpoint(): Promise<void> {
    this.running ??= this.runCheckpoint().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runCheckpoint(): Promise<void> {
    const batch = this.rows.slice();
    if (!batch.length) return;
    const need = new Set<string>();
    for (const row of batch) {
      for (const d of row.docs) if ((this.coveredAt.get(d) ?? 0) < row.at) need.add(d);
    }
    try {
      await this.coverDocuments([...need]);
      this.rows = this.rows.slice(batch.length);
      for (const row of batch) this.rowBytes -= row.bytes;
      // Coverage only matters for rows not yet retired.
      const oldest = this.rows[0]?.at ?? Date.now();
      for (const [doc, at] of this.coveredAt) if (at < oldest) this.coveredAt.delete(doc);
      this.scheduleDelete(
        'journal',
        batch.map((r) => r.id),
      );
      this.stats.checkpoints++;
      this.stats.journalRowsRetired += batch.length;
    } catch (err) {
      this.stats.lastError = err instanceof Error ? err.message : String(err);
      this.logger.warn({ err }, 'checkpoint failed; the journal is kept and retried later');
    }
  }

  /** Stores a snapshot of each document, loading those that are not loaded. */
  private async coverDocuments(docNames: string[]): Promise<void> {
    const loaded: Room[] = [];
    const others: string[] = [];
    for (const d of docNames) {
      const room = this.registry.get(d);
      if (room) loaded.push(room);
      else others.push(d);
    }
    await this.snapshotRooms(loaded);
    for (const d of others) {
      const room = await this.registry.acquire(d);
      try {
        await this.snapshotRooms([room]);
      } finally {
        this.registry.release(room);
      }
    }
  }

  /**
   * Adopts journal rows that other processes stored long ago and never retired (they died):
   * loads each document they touch, snapshots it, and deletes the rows.
   */
  async adoptOrphans(): Promise<void> {
    const stale = await this.persistence.findStaleJournalRows(
      new Date(Date.now() - this.opts.orphanAgeMs),
    );
    if (!stale.length) return;
    const docs = new Set(stale.flatMap((r) => r.docNames));
    for (const d of docs) {
      const wasLoaded = this.registry.get(d) !== undefined;
      const room = await this.registry.acquire(d);
      try {
        if (wasLoaded) await this.reload(room);
        room.snapshotVersion = -1;
        await this.snapshotRooms([room]);
      } finally {
        this.registry.release(room);
      }
    }
    this.scheduleDelete(
      'journal',
      stale.map((r) => r.id),
    );
    this.stats.orphanRowsAdopted += stale.length;
    this.logger.info({ rows: stale.length, docs: docs.size }, 'adopted orphaned journal rows');
  }

  /**
   * Reads a loaded document again from the database and applies what it lacks (after Redis
   * lost messages, or before adopting orphans). Its clients receive the difference.
   */
  async reload(room: Room): Promise<void> {
    const fresh = await this.persistence.load(room.name);
    if (room.state === 'closed') return;
    room.applyLoaded(fresh.updates, 'remote');
    await room.whenIdle();
    const known = new Set(room.snapshotRowIds);
    for (const id of fresh.snapshotRowIds) if (!known.has(id)) room.snapshotRowIds.push(id);
  }

  private scheduleDelete(kind: Deletion['kind'], ids: readonly string[]): void {
    if (ids.length) this.deletions.push({ kind, ids, due: Date.now() + this.opts.deleteGraceMs });
  }

  /** Deletes what is due (or everything, at shutdown). */
  async flushDeletions(all = false): Promise<void> {
    const now = Date.now();
    const due = all ? this.deletions : this.deletions.filter((d) => d.due <= now);
    if (!due.length) return;
    this.deletions = all ? [] : this.deletions.filter((d) => d.due > now);
    const journal = due.filter((d) => d.kind === 'journal').flatMap((d) => d.ids);
    const snapshots = due.filter((d) => d.kind === 'snapshot').flatMap((d) => d.ids);
    try {
      if (journal.length) await this.persistence.deleteJournalRows(journal);
      if (snapshots.length) await this.persistence.deleteSnapshotRows(snapshots);
    } catch (err) {
      // Kept for the next round; rows left behind only cost space and load time.
      this.deletions.push(...due);
      this.logger.warn({ err }, 'deleting compacted rows failed; retrying later');
    }
  }

  private async retry(fn: () => Promise<void>): Promise<void> {
    let wait = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return;
      } catch (err) {
        if (attempt >= 4) throw err;
        await delay(wait);
        wait *= 3;
      }
    }
  }

  /** Final checkpoint and deletions at shutdown (best effort). */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.running;
    await this.checkpoint();
    await this.flushDeletions(true);
  }
}
