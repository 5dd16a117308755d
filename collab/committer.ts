import { setTimeout as delay } from 'node:timers/promises';
import type { CollabPersistence, JournalEntry } from './persistence';
import type { Room, Sealed } from './room';
import type { CollabLogger } from './types';

/** What the committer reports to the server around it. */
export interface CommitterHooks {
  /** A commit was stored: its rows and the documents they touch. */
  committed(rowIds: readonly string[], docNames: readonly string[], bytes: number): void;
  /** A commit failed for good; the rooms in it must be discarded. */
  failed(rooms: readonly Room[], err: unknown): void;
}

/** Counters for health and benchmarks. */
export interface CommitStats {
  commits: number;
  updates: number;
  bytes: number;
  failures: number;
  lastError: string | null;
}

/**
 * Group commit across documents: one commit at a time per process. While a commit is being
 * written, rooms keep queueing; as soon as it is stored, every room with queued work is sealed
 * and written in the next single round trip. Under light load an update waits only for its own
 * write; under heavy load commits grow instead of queueing up, which is what keeps FerretDB (one
 * SQLite writer) and MongoDB efficient.
 */
export class Committer {
  readonly stats: CommitStats = { commits: 0, updates: 0, bytes: 0, failures: 0, lastError: null };
  private readonly dirty = new Set<Room>();
  private running = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly persistence: CollabPersistence,
    private readonly hooks: CommitterHooks,
    private readonly logger: CollabLogger,
    private readonly opts: { delayMs: number; retryMs: number },
  ) {}

  /** Marks a room as having queued work. */
  request(room: Room): void {
    this.dirty.add(room);
    this.schedule();
  }

  /** Resolves when no commit is running or waiting. */
  whenIdle(): Promise<void> {
    if (!this.running && !this.scheduled && this.dirty.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      void this.cycle();
    };
    if (this.opts.delayMs > 0) setTimeout(run, this.opts.delayMs);
    else setImmediate(run);
  }

  private async cycle(): Promise<void> {
    this.running = true;
    const rooms = [...this.dirty];
    this.dirty.clear();
    const toStore: Sealed[] = [];
    for (const room of rooms) {
      if (room.state === 'closed') continue;
      const sealed = room.seal();
      if (!sealed) continue;
      if (sealed.diff) toStore.push(sealed);
      else room.afterStored(sealed);
    }
    if (toStore.length) await this.store(toStore);
    this.running = false;
    if (this.dirty.size) this.schedule();
    else if (!this.scheduled) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async store(sealed: Sealed[]): Promise<void> {
    const entries: JournalEntry[] = sealed.map((s) => ({
      docName: s.room.name,
      update: s.diff as Uint8Array,
    }));
    const prepared = this.persistence.prepareCommit(entries);
    const deadline = Date.now() + this.opts.retryMs;
    let wait = 50;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.persistence.writeCommit(prepared);
        break;
      } catch (err) {
        this.stats.failures++;
        this.stats.lastError = err instanceof Error ? err.message : String(err);
        if (Date.now() + wait > deadline) {
          this.logger.error(
            { err, docs: entries.length, attempt },
            'could not store edits; closing the affected documents',
          );
          const failedRooms = sealed.map((s) => s.room);
          for (const s of sealed) s.room.storeFailed(s, err);
          this.hooks.failed(failedRooms, err);
          return;
        }
        this.logger.warn({ err, attempt, retryInMs: wait }, 'storing edits failed; retrying');
        await delay(wait);
        wait = Math.min(wait * 2, 1000);
      }
    }
    this.stats.commits++;
    this.stats.updates += entries.length;
    this.stats.bytes += prepared.bytes;
    this.stats.lastError = null;
    this.hooks.committed(
      prepared.rowIds,
      entries.map((e) => e.docName),
      prepared.bytes,
    );
    for (const s of sealed) s.room.afterStored(s);
  }
}
