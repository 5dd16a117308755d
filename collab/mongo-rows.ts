import { Binary, MongoBulkWriteError, MongoServerError, ObjectId } from 'mongodb';
import type { Collection, Document, OptionalUnlessRequiredId, WriteError } from 'mongodb';

// Row-level helpers of mongo-persistence.ts: binary payloads, idempotent inserts, parts.

/** One row to insert, with the rows of a multi-part payload already split. */
export interface PlannedRow<T> {
  doc: T;
  bytes: number;
}

/** Largest payload per row by default; bigger payloads are split into parts. */
export const DEFAULT_PART_BYTES = 4 * 1024 * 1024;
/**
 * Ids per delete: FerretDB's SQLite backend binds one variable per id, so stay well below its
 * limit.
 */
export const DELETE_CHUNK = 2000;

/** The bytes of a stored binary (no copy). */
export function toBytes(b: Binary): Uint8Array {
  return b.buffer;
}

/** A binary for storing (no copy). */
export function binary(u: Uint8Array): Binary {
  return new Binary(Buffer.from(u.buffer, u.byteOffset, u.byteLength));
}

/** Joins parts (no copy for one part). */
export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  return Buffer.concat(parts);
}

/** Whether an insert failed only because the rows already exist (a retried write that landed). */
export function isDuplicateOnly(err: unknown): boolean {
  if (err instanceof MongoServerError && !(err instanceof MongoBulkWriteError)) {
    return err.code === 11000;
  }
  if (!(err instanceof MongoBulkWriteError)) return false;
  const we: WriteError | readonly WriteError[] = err.writeErrors;
  const errors: readonly WriteError[] = Array.isArray(we) ? we : [we as WriteError];
  return errors.length > 0 && errors.every((e) => e.code === 11000);
}

/** Inserts rows, ignoring rows that already exist (a retry of a write that did land). */
export async function insertIdempotent<T extends Document>(
  col: Collection<T>,
  rows: readonly PlannedRow<T>[],
): Promise<void> {
  if (rows.length === 0) return;
  const docs = rows.map((r) => r.doc) as OptionalUnlessRequiredId<T>[];
  try {
    // insertOne for the common single-row commit: the driver's bulk path costs more CPU.
    if (docs.length === 1) await col.insertOne(docs[0] as OptionalUnlessRequiredId<T>);
    else await col.insertMany(docs, { ordered: false });
  } catch (err) {
    if (!isDuplicateOnly(err)) throw err;
  }
}

/** Groups part rows and returns the complete payloads in row order; incomplete groups are skipped. */
export function assemble<R extends { _id: ObjectId; g?: ObjectId; i?: number; n?: number }>(
  rows: R[],
  payload: (row: R) => Uint8Array,
): { parts: Uint8Array[]; rowIds: string[] }[] {
  const out: { parts: Uint8Array[]; rowIds: string[] }[] = [];
  const groups = new Map<string, { n: number; rows: R[] }>();
  for (const row of rows) {
    if (!row.g || !row.n || row.n <= 1) {
      out.push({ parts: [payload(row)], rowIds: [row._id.toHexString()] });
      continue;
    }
    const key = row.g.toHexString();
    let group = groups.get(key);
    if (!group) {
      group = { n: row.n, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  for (const group of groups.values()) {
    const sorted = group.rows.sort((a, b) => (a.i ?? 0) - (b.i ?? 0));
    const complete = sorted.length === group.n && sorted.every((r, index) => (r.i ?? 0) === index);
    // A group with a part missing was never acknowledged (its write failed): the client that
    // sent it still holds the edit and sends it again on reconnect.
    if (!complete) continue;
    out.push({ parts: sorted.map(payload), rowIds: sorted.map((r) => r._id.toHexString()) });
  }
  return out;
}

/** Splits a payload into parts of at most `partBytes`. */
export function split(u: Uint8Array, partBytes: number): Uint8Array[] {
  if (u.byteLength <= partBytes) return [u];
  const parts: Uint8Array[] = [];
  for (let off = 0; off < u.byteLength; off += partBytes)
    parts.push(u.subarray(off, off + partBytes));
  return parts;
}

/** Valid object ids among hex strings. */
export function objectIds(ids: readonly string[]): ObjectId[] {
  return ids.filter((id) => ObjectId.isValid(id) && id.length === 24).map((id) => new ObjectId(id));
}
