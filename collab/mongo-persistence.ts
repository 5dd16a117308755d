import { randomBytes } from 'node:crypto';
import { ObjectId } from 'mongodb';
import type { Binary, Collection, Db } from 'mongodb';
import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import {
  DEFAULT_PART_BYTES,
  DELETE_CHUNK,
  assemble,
  binary,
  concat,
  insertIdempotent,
  objectIds,
  split,
  toBytes,
} from './mongo-rows';
import type { PlannedRow } from './mongo-rows';
import type {
  CollabPersistence,
  JournalEntry,
  LoadedDocument,
  PreparedSnapshots,
  PreparedWrite,
  SnapshotInput,
  StaleJournalRow,
  StoredVersion,
  VersionInput,
} from './persistence';

/** Options of {@link createMongoPersistence}. */
export interface MongoPersistenceOptions {
  /** Prefix of the collection names (default `collab`). */
  collectionPrefix?: string;
  /** Largest payload per row; bigger updates are split into parts (default 4 MiB). */
  partBytes?: number;
  /** Called after each database load, e.g. to count loads in tests. */
  onLoad?: (docName: string) => void;
}

interface JournalRow {
  _id: ObjectId;
  /** Writer id. */
  w: string;
  /** Document names, parallel to `us`. */
  ds: string[];
  us: Binary[];
  at: Date;
  /** Multi-part entry: group id (the first part's id), part index, part count. */
  g?: ObjectId;
  i?: number;
  n?: number;
}

interface SnapshotRow {
  _id: ObjectId;
  d: string;
  s: Binary;
  at: Date;
  g?: ObjectId;
  i?: number;
  n?: number;
}

interface VersionRow {
  _id: ObjectId;
  d: string;
  label: string;
  by: string | null;
  at: Date;
  bytes: number;
  n: number;
}

interface VersionPartRow {
  _id: string;
  s: Binary;
}

interface PreparedCommit extends PreparedWrite {
  readonly rows: PlannedRow<JournalRow>[];
}

interface PreparedSnapshotRows extends PreparedSnapshots {
  readonly rows: PlannedRow<SnapshotRow>[];
}

/**
 * MongoDB storage for co-edited documents through the app's Mongoose connection (which the
 * caller opens and closes). Collections: `<prefix>_journal` (commits), `<prefix>_snapshots`,
 * `<prefix>_versions` and `<prefix>_version_parts`. Works on MongoDB and on FerretDB v1: no
 * transactions, no change streams, payloads stored as binary and split below the 16 MiB
 * document limit. See docs/collab.md for the storage model.
 */
export function createMongoPersistence(
  connection: Connection,
  opts: MongoPersistenceOptions = {},
): CollabPersistence {
  const prefix = opts.collectionPrefix ?? 'collab';
  const partBytes = opts.partBytes ?? DEFAULT_PART_BYTES;
  const writerId = `${process.pid.toString(36)}-${randomBytes(6).toString('hex')}`;
  let ready: Promise<Db> | undefined;

  const db = (): Promise<Db> => {
    ready ??= (async () => {
      if (connection.readyState !== mongoose.ConnectionStates.connected)
        await connection.asPromise();
      const database = connection.db;
      if (!database) throw new Error('the Mongoose connection has no database');
      await Promise.all([
        database.collection(`${prefix}_journal`).createIndex({ ds: 1 }, undefined, undefined),
        database.collection(`${prefix}_journal`).createIndex({ at: 1 }, undefined, undefined),
        database.collection(`${prefix}_snapshots`).createIndex({ d: 1 }, undefined, undefined),
        database
          .collection(`${prefix}_versions`)
          .createIndex({ d: 1, at: -1 }, undefined, undefined),
      ]);
      return database;
    })().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };
  const journal = async (): Promise<Collection<JournalRow>> =>
    (await db()).collection<JournalRow>(`${prefix}_journal`);
  const snapshots = async (): Promise<Collection<SnapshotRow>> =>
    (await db()).collection<SnapshotRow>(`${prefix}_snapshots`);
  const versions = async (): Promise<Collection<VersionRow>> =>
    (await db()).collection<VersionRow>(`${prefix}_versions`);
  const versionParts = async (): Promise<Collection<VersionPartRow>> =>
    (await db()).collection<VersionPartRow>(`${prefix}_version_parts`);

  const deleteByIds = async <T extends { _id: ObjectId }>(
    col: Collection<T>,
    ids: readonly string[],
  ): Promise<void> => {
    const oids = objectIds(ids);
    for (let i = 0; i < oids.length; i += DELETE_CHUNK) {
      const chunk = oids.slice(i, i + DELETE_CHUNK);
      const filter = chunk.length === 1 ? { _id: chunk[0] } : { _id: { $in: chunk } };
      await col.deleteMany(filter as Parameters<Collection<T>['deleteMany']>[0]);
    }
  };

  return {
    writerId,

    async load(docName): Promise<LoadedDocument> {
      const [jCol, sCol] = await Promise.all([journal(), snapshots()]);
      // Journal first, then snapshots: a compaction stores its snapshot before it deletes the
      // rows it covers (and deletes only after a grace period longer than any load).
      const jRows = await jCol.find({ ds: docName }, { batchSize: 10_000 }).toArray();
      const sRows = await sCol.find({ d: docName }, { batchSize: 1_000 }).toArray();
      opts.onLoad?.(docName);
      const updates: Uint8Array[] = [];
      const snapshotRowIds: string[] = [];
      let bytes = 0;
      let snapshotCount = 0;
      for (const group of assemble(sRows, (r) => toBytes(r.s))) {
        snapshotCount++;
        const state = concat(group.parts);
        bytes += state.byteLength;
        updates.push(state);
        snapshotRowIds.push(...group.rowIds);
      }
      // Journal rows come in insertion order; Yjs does not need any order within a transaction.
      const parts: JournalRow[] = [];
      for (const row of jRows) {
        if (row.g && row.n && row.n > 1) {
          parts.push(row);
          continue;
        }
        row.ds.forEach((d, index) => {
          const u = row.us[index];
          if (d !== docName || !u) return;
          const update = toBytes(u);
          bytes += update.byteLength;
          updates.push(update);
        });
      }
      for (const group of assemble(parts, (r) => toBytes(r.us[0] as Binary))) {
        const update = concat(group.parts);
        bytes += update.byteLength;
        updates.push(update);
      }
      return {
        updates,
        snapshotRowIds,
        snapshots: snapshotCount,
        journalRows: jRows.length,
        bytes,
      };
    },

    prepareCommit(entries: readonly JournalEntry[]): PreparedCommit {
      const rows: PlannedRow<JournalRow>[] = [];
      const at = new Date();
      let current: JournalRow | undefined;
      let currentBytes = 0;
      let bytes = 0;
      for (const entry of entries) {
        bytes += entry.update.byteLength;
        if (entry.update.byteLength > partBytes) {
          const parts = split(entry.update, partBytes);
          const g = new ObjectId();
          parts.forEach((part, i) => {
            rows.push({
              doc: {
                _id: i === 0 ? g : new ObjectId(),
                w: writerId,
                ds: [entry.docName],
                us: [binary(part)],
                at,
                g,
                i,
                n: parts.length,
              },
              bytes: part.byteLength,
            });
          });
          continue;
        }
        if (!current || currentBytes + entry.update.byteLength > partBytes) {
          current = { _id: new ObjectId(), w: writerId, ds: [], us: [], at };
          currentBytes = 0;
          rows.push({ doc: current, bytes: 0 });
        }
        current.ds.push(entry.docName);
        current.us.push(binary(entry.update));
        currentBytes += entry.update.byteLength;
      }
      return { rows, rowIds: rows.map((r) => r.doc._id.toHexString()), bytes };
    },

    async writeCommit(prepared) {
      await insertIdempotent(await journal(), (prepared as PreparedCommit).rows);
    },

    prepareSnapshots(list: readonly SnapshotInput[]): PreparedSnapshotRows {
      const rows: PlannedRow<SnapshotRow>[] = [];
      const rowIdsByDoc: string[][] = [];
      const at = new Date();
      let bytes = 0;
      for (const snap of list) {
        bytes += snap.state.byteLength;
        const parts = split(snap.state, partBytes);
        const g = new ObjectId();
        const ids: string[] = [];
        parts.forEach((part, i) => {
          const id = i === 0 ? g : new ObjectId();
          ids.push(id.toHexString());
          rows.push({
            doc: {
              _id: id,
              d: snap.docName,
              s: binary(part),
              at,
              ...(parts.length > 1 ? { g, i, n: parts.length } : {}),
            },
            bytes: part.byteLength,
          });
        });
        rowIdsByDoc.push(ids);
      }
      return { rows, rowIds: rowIdsByDoc.flat(), rowIdsByDoc, bytes };
    },

    async writeSnapshots(prepared) {
      await insertIdempotent(await snapshots(), (prepared as PreparedSnapshotRows).rows);
    },

    async deleteSnapshotRows(rowIds) {
      await deleteByIds(await snapshots(), rowIds);
    },

    async deleteJournalRows(rowIds) {
      await deleteByIds(await journal(), rowIds);
    },

    async findStaleJournalRows(before): Promise<StaleJournalRow[]> {
      const rows = await (
        await journal()
      )
        .find({ at: { $lt: before }, w: { $ne: writerId } }, { projection: { w: 1, ds: 1 } })
        .toArray();
      return rows.map((r) => ({ id: r._id.toHexString(), writerId: r.w, docNames: r.ds }));
    },

    async saveVersion(input: VersionInput): Promise<StoredVersion> {
      const parts = split(input.state, partBytes);
      const id = new ObjectId();
      await insertIdempotent(
        await versionParts(),
        parts.map((part, i) => ({
          doc: { _id: `${id.toHexString()}.${i}`, s: binary(part) },
          bytes: part.byteLength,
        })),
      );
      const row: VersionRow = {
        _id: id,
        d: input.docName,
        label: input.label,
        by: input.createdBy,
        at: new Date(),
        bytes: input.state.byteLength,
        n: parts.length,
      };
      await (await versions()).insertOne(row);
      return versionFromRow(row);
    },

    async listVersions(docName) {
      const rows = await (await versions()).find({ d: docName }).sort({ at: -1 }).toArray();
      return rows.map(versionFromRow);
    },

    async getVersion(docName, versionId) {
      if (!ObjectId.isValid(versionId) || versionId.length !== 24) return null;
      const row = await (await versions()).findOne({ _id: new ObjectId(versionId) });
      if (row?.d !== docName) return null;
      const pCol = await versionParts();
      const parts: Uint8Array[] = [];
      for (let i = 0; i < row.n; i++) {
        const part = await pCol.findOne({ _id: `${versionId}.${i}` });
        if (!part) throw new Error(`version ${versionId} of ${docName} is missing part ${i}`);
        parts.push(toBytes(part.s));
      }
      return { version: versionFromRow(row), state: concat(parts) };
    },

    async ping() {
      await (await db()).command({ ping: 1 });
    },
  };
}

function versionFromRow(row: VersionRow): StoredVersion {
  return {
    id: row._id.toHexString(),
    docName: row.d,
    label: row.label,
    createdBy: row.by,
    createdAt: row.at,
    bytes: row.bytes,
  };
}
