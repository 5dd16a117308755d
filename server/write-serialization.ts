import { setTimeout as delay } from 'node:timers/promises';
import mongoose, { Schema } from 'mongoose';
import type { Types } from 'mongoose';
import type { Collection } from 'mongodb';
import { conflict, notFound } from './errors';
import { KeyedQueue } from './keyed-queue';

// FerretDB v1 on SQLite applies an update as read-modify-write of the whole document without a
// lock: two concurrent updates of one document can both "match" a condition and the later
// write wins, and $inc/$push lose increments. The one primitive that stays atomic on both
// FerretDB and MongoDB is an insert under a unique index. Everything below builds on it.

/** Whether an error is a duplicate-key (E11000) error from an insert under a unique index. */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; writeErrors?: { code?: unknown }[] };
  if (e.code === 11000) return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.some((w) => w.code === 11000);
}

function jitter(attempt: number): Promise<void> {
  return delay(1 + Math.random() * 4 * Math.min(attempt + 1, 8));
}

/**
 * Appends to per-key sequences (an audit chain, an event log) whose next element is computed
 * from the head. Appends of one key are queued within this process; across processes the
 * unique index on (key, seq) refuses all but one append of each seq, and the losers reload
 * the head and retry. So a sequence never forks and never has gaps.
 */
export class SequencedAppender<H> {
  private readonly heads = new Map<string, H>();
  private readonly queues = new KeyedQueue();

  constructor(
    private readonly opts: {
      /** The current head of a sequence from the database; null for an empty sequence. */
      loadHead: (key: string) => Promise<H | null>;
      maxAttempts?: number;
    },
  ) {}

  /**
   * Runs `insert` with the current head until an insert succeeds; returns what it returned.
   * `insert` must throw a duplicate-key error when another writer took the same position.
   * @throws AppError 409 when the position stays contended for `maxAttempts` attempts, or
   * whatever `insert` throws besides a duplicate key.
   */
  append<T extends H>(key: string, insert: (head: H | null) => Promise<T>): Promise<T> {
    return this.queues.run(key, () => this.attempt(key, insert));
  }

  /** Forgets the cached head of a key (after it was changed outside this appender). */
  forget(key: string): void {
    this.heads.delete(key);
  }

  private async attempt<T extends H>(key: string, insert: (head: H | null) => Promise<T>) {
    const max = this.opts.maxAttempts ?? 200;
    for (let attempt = 0; attempt < max; attempt++) {
      const head = this.heads.has(key) ? (this.heads.get(key) as H) : await this.opts.loadHead(key);
      try {
        const next = await insert(head);
        if (this.heads.size > 10_000) this.heads.clear();
        this.heads.set(key, next);
        return next;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        this.heads.delete(key);
        if (attempt > 0) await jitter(attempt);
      }
    }
    throw conflict('Too many concurrent changes; try again.');
  }
}

const revisionSchema = new Schema(
  {
    _id: { type: String, required: true },
    patch: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'revisions', versionKey: false, minimize: false },
);

/**
 * One record per write of a serialized document: `<collection>/<id>/<rev>`. Inserting it is
 * how a writer takes the next revision; it also lets a stalled write be completed by others.
 */
export const RevisionModel = mongoose.model('Revision', revisionSchema);

/** A stored document written only through {@link serializedUpdate}. */
export interface Revisioned {
  _id: Types.ObjectId;
  rev: number;
}

/** What {@link serializedUpdate} did. */
export interface SerializedUpdate<T> {
  before: T;
  after: T;
  changed: boolean;
}

type WriteListener = (id: Types.ObjectId) => Promise<void>;
const writeListeners = new Map<string, WriteListener[]>();

/**
 * Calls `listener` after every write {@link serializedUpdate} makes to a document of
 * `collection` (by its collection name), before the update returns: how an in-memory
 * projection of those documents stays current with its own process's writes. The listener
 * must not throw.
 */
export function onSerializedWrite(collection: string, listener: WriteListener): void {
  writeListeners.set(collection, [...(writeListeners.get(collection) ?? []), listener]);
}

async function written(collection: string, id: Types.ObjectId): Promise<void> {
  for (const listener of writeListeners.get(collection) ?? []) await listener(id);
}

const ROLL_FORWARD_AFTER_MS = 2000;
const WRITE_DEADLINE_MS = 5000;

/**
 * Changes one document so that concurrent writers (in any process) are serialized: each
 * writer reads the document at revision r, computes its change, and takes revision r+1 by
 * inserting a revision record under a unique id; only the winner writes, the others re-read
 * and recompute (so a lifecycle check sees the winner's state). A winner that died after
 * taking its revision is completed by the next writer from the stored patch.
 * `compute` returns the fields to set, or null for no change; it may throw (e.g. 409). It may
 * read other documents: a value derived from them is recomputed on every retry, so the last
 * writer always derives from what the others wrote before it.
 * @throws AppError 404 when the document does not exist, 409 when the document stays
 * contended past the deadline, and whatever `compute` throws.
 */
export function serializedUpdate<T extends Revisioned>(
  model: { collection: Collection },
  id: Types.ObjectId,
  compute: (current: T) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>,
  what: string,
): Promise<SerializedUpdate<T>> {
  // Writers of this process take turns per document, so they never contend with each other;
  // the revision records below serialize them against other processes.
  return localTurns.run(`${model.collection.collectionName}/${id.toHexString()}`, () =>
    serializedUpdateOnce(model, id, compute, what),
  );
}

/** Each document's queue of writers in this process. */
const localTurns = new KeyedQueue();

async function serializedUpdateOnce<T extends Revisioned>(
  model: { collection: Collection },
  id: Types.ObjectId,
  compute: (current: T) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>,
  what: string,
): Promise<SerializedUpdate<T>> {
  const deadline = Date.now() + WRITE_DEADLINE_MS;
  const collection = model.collection.collectionName;
  for (let attempt = 0; ; attempt++) {
    // The native collection: patches hold ready values (ObjectIds, Dates), and FerretDB's
    // findOneAnd* limits do not apply to plain finds.
    const current = (await model.collection.findOne({ _id: id })) as T | null;
    if (!current) throw notFound(what);
    const rev = current.rev;
    const patch = await compute(current);
    if (!patch) return { before: current, after: current, changed: false };
    const key = `${collection}/${id.toHexString()}/${rev + 1}`;
    try {
      await RevisionModel.create({ _id: key, patch, at: new Date() });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const holder = await RevisionModel.findById(key).lean();
      if (holder && Date.now() - holder.at.getTime() > ROLL_FORWARD_AFTER_MS) {
        await model.collection.updateOne(
          { _id: id, rev },
          { $set: { ...(holder.patch as object), rev: rev + 1 } },
        );
        await written(collection, id);
      }
      if (Date.now() > deadline) {
        throw conflict(`${what} is being changed by someone else right now; try again.`);
      }
      await jitter(attempt);
      continue;
    }
    await model.collection.updateOne(
      { _id: id },
      { $set: { ...patch, rev: rev + 1, updatedAt: new Date() } },
    );
    await written(collection, id);
    return { before: current, after: { ...current, ...patch, rev: rev + 1 }, changed: true };
  }
}
