import type { CollabPersistence } from './persistence';
import { Room } from './room';
import type { RoomHost } from './room';
import type { CollabLogger } from './types';

/** What the registry needs around it. */
export interface RegistryDeps {
  persistence: CollabPersistence;
  host: RoomHost;
  logger: CollabLogger;
  loadTimeoutMs: number;
  unloadAfterMs: number;
  /** Stores a snapshot of a room that is about to be unloaded. @throws when it cannot. */
  snapshotBeforeUnload(room: Room): Promise<void>;
  /** A room starts (subscribe to other nodes) or ends (unsubscribe). */
  opened(room: Room): void;
  closed(room: Room): void;
}

/** Counters for health and tests. */
export interface RegistryStats {
  loads: number;
  loadFailures: number;
  unloads: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The loaded documents of this process. A document is loaded once however many clients arrive
 * together (they share the load); it is unloaded, after a snapshot when it changed, once nobody
 * has used it for a while. A client arriving while a document unloads waits for the unload to
 * finish and then loads it again, so nothing stored in between is missed.
 */
export class RoomRegistry {
  readonly stats: RegistryStats = { loads: 0, loadFailures: 0, unloads: 0 };
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly unloadTimers = new Map<Room, NodeJS.Timeout>();
  private closing = false;

  constructor(private readonly deps: RegistryDeps) {}

  /** A loaded room (ready or unloading), if any. */
  get(docName: string): Room | undefined {
    const room = this.rooms.get(docName);
    return room && (room.state === 'ready' || room.state === 'unloading') ? room : undefined;
  }

  /** A room in any state but closed (a loading room takes updates from other nodes too). */
  getAny(docName: string): Room | undefined {
    const room = this.rooms.get(docName);
    return room && room.state !== 'closed' ? room : undefined;
  }

  /** Every room that is loaded and serving. */
  all(): Room[] {
    return [...this.rooms.values()].filter((r) => r.state === 'ready' || r.state === 'unloading');
  }

  get size(): number {
    return this.rooms.size;
  }

  /**
   * Loads (or joins the load of) a document and pins it until {@link release}.
   * @throws when the document cannot be loaded.
   */
  async acquire(docName: string): Promise<Room> {
    for (;;) {
      if (this.closing) throw new Error('the collab server is shutting down');
      const unloading = this.unloading.get(docName);
      if (unloading) {
        await unloading;
        continue;
      }
      const existing = this.rooms.get(docName);
      if (existing?.state === 'ready') return this.pin(existing);
      let pending = this.loading.get(docName);
      if (!pending) {
        pending = this.load(docName);
        this.loading.set(docName, pending);
        const started = pending;
        void started.then(
          () => this.loading.delete(docName),
          () => this.loading.delete(docName),
        );
      }
      const room = await pending;
      if (room.state === 'ready') return this.pin(room);
    }
  }

  private pin(room: Room): Room {
    room.refs++;
    const timer = this.unloadTimers.get(room);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(room);
    }
    return room;
  }

  /** Unpins a room; the last release schedules the unload. */
  release(room: Room): void {
    room.refs = Math.max(0, room.refs - 1);
    if (room.refs > 0 || room.state !== 'ready' || this.closing) return;
    const timer = setTimeout(() => void this.unload(room), this.deps.unloadAfterMs);
    timer.unref();
    this.unloadTimers.set(room, timer);
  }

  private async load(docName: string): Promise<Room> {
    const room = new Room(docName, this.deps.host);
    this.rooms.set(docName, room);
    // Subscribe before reading, so that no update stored by another node falls in between.
    this.deps.opened(room);
    try {
      const loaded = await withTimeout(
        this.deps.persistence.load(docName),
        this.deps.loadTimeoutMs,
        `loading ${docName}`,
      );
      room.applyLoaded(loaded.updates);
      room.snapshotRowIds = loaded.snapshotRowIds;
      // Several snapshots (a crash between storing one and deleting the old) are worth merging.
      if (loaded.snapshots > 1) room.snapshotVersion = -1;
      room.state = 'ready';
      this.stats.loads++;
      return room;
    } catch (err) {
      this.stats.loadFailures++;
      this.deps.logger.error({ err, docName }, 'could not load a document');
      this.rooms.delete(docName);
      this.deps.closed(room);
      room.destroy();
      throw err;
    }
  }

  private async unload(room: Room): Promise<void> {
    this.unloadTimers.delete(room);
    if (room.refs > 0 || room.state !== 'ready') return;
    room.state = 'unloading';
    let done: () => void = () => undefined;
    this.unloading.set(
      room.name,
      new Promise<void>((resolve) => {
        done = resolve;
      }),
    );
    try {
      await room.whenIdle();
      if (room.dirty) await this.deps.snapshotBeforeUnload(room);
      this.drop(room);
      this.stats.unloads++;
    } catch (err) {
      this.deps.logger.warn({ err, docName: room.name }, 'could not unload a document; retrying');
      if ((room.state as Room['state']) === 'unloading') {
        room.state = 'ready';
        if (room.refs === 0) room.refs = 1;
        this.release(room);
      }
    } finally {
      this.unloading.delete(room.name);
      done();
    }
  }

  /** Removes a room whose edits could not be stored (its clients were closed). */
  discard(room: Room): void {
    if (this.rooms.get(room.name) === room) this.drop(room);
  }

  private drop(room: Room): void {
    const timer = this.unloadTimers.get(room);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(room);
    this.rooms.delete(room.name);
    this.deps.closed(room);
    room.destroy();
  }

  /** New acquisitions fail from now on. */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Stops unloading on timers and drops every room (after the caller stored what it needs). */
  closeAll(): void {
    this.closing = true;
    for (const room of [...this.rooms.values()]) this.drop(room);
  }
}
