/**
 * Storage of co-edited documents, as the collab server needs it. The model is a journal plus
 * snapshots, both insert-only:
 *
 * - A **commit** is what one process stores in one round trip: the merged update of every
 *   document that changed since the previous commit. Journal rows belong to the process that
 *   wrote them (its `writerId`); it retires them after it has stored a snapshot of every
 *   document they touch.
 * - A **snapshot** is the whole state of one document, encoded once from a Y.Doc. Whoever
 *   stores a snapshot may later delete the snapshot rows the Y.Doc was loaded from.
 *
 * Nothing is ever overwritten, and a row is deleted only by a process that holds its content in a
 * row stored earlier. That is what makes two processes writing the same document safe without
 * transactions.
 */
export interface CollabPersistence {
  /** Identifies this process's journal rows; unique per process start. */
  readonly writerId: string;

  /**
   * Reads everything stored for a document: its journal entries first, then its snapshot rows
   * (in that order, so that a concurrent compaction cannot hide content from the load).
   * @throws when the database cannot be read; the caller must then not serve the document.
   */
  load(docName: string): Promise<LoadedDocument>;

  /** Prepares a commit (assigns row ids) so that {@link writeCommit} can be retried safely. */
  prepareCommit(entries: readonly JournalEntry[]): PreparedWrite;

  /**
   * Stores a prepared commit; idempotent (rows already stored are skipped).
   * @throws when the database rejects or cannot be reached.
   */
  writeCommit(prepared: PreparedWrite): Promise<void>;

  /** Prepares snapshot rows (assigns row ids) so that {@link writeSnapshots} can be retried. */
  prepareSnapshots(snapshots: readonly SnapshotInput[]): PreparedSnapshots;

  /** Stores prepared snapshots; idempotent. @throws on database errors. */
  writeSnapshots(prepared: PreparedSnapshots): Promise<void>;

  /** Deletes snapshot rows by id (ids that no longer exist are ignored). @throws on database errors. */
  deleteSnapshotRows(rowIds: readonly string[]): Promise<void>;

  /** Deletes journal rows by id (ids that no longer exist are ignored). @throws on database errors. */
  deleteJournalRows(rowIds: readonly string[]): Promise<void>;

  /** Journal rows stored before `before` by any writer other than this one: orphans of dead processes. */
  findStaleJournalRows(before: Date): Promise<StaleJournalRow[]>;

  /** Stores a named version of a document. @throws on database errors. */
  saveVersion(input: VersionInput): Promise<StoredVersion>;

  /** Named versions of a document, newest first. */
  listVersions(docName: string): Promise<StoredVersion[]>;

  /** A named version with its content; null when it does not exist for this document. */
  getVersion(
    docName: string,
    versionId: string,
  ): Promise<{
    version: StoredVersion;
    state: Uint8Array;
  } | null>;

  /** Round trip to the database, for health checks. @throws when it does not answer. */
  ping(): Promise<void>;
}

/** One document's merged update within a commit. */
export interface JournalEntry {
  docName: string;
  update: Uint8Array;
}

/** Everything stored for one document, ready to be applied to a Y.Doc. */
export interface LoadedDocument {
  /** Snapshot states first, then journal updates; apply them all in one transaction. */
  updates: Uint8Array[];
  /** Ids of the snapshot rows read (every part); a later snapshot may delete them. */
  snapshotRowIds: string[];
  /** How many snapshots (not parts) were read; more than one is worth compacting. */
  snapshots: number;
  /** How many journal rows held entries of this document. */
  journalRows: number;
  /** Total bytes read. */
  bytes: number;
}

/** A commit or snapshot batch with ids assigned, safe to write again after a failure. */
export interface PreparedWrite {
  /** Ids of every row the write stores. */
  readonly rowIds: readonly string[];
  /** Total payload bytes. */
  readonly bytes: number;
}

/** Prepared snapshots; `rowIdsByDoc[i]` are the rows of `snapshots[i]` (every part). */
export interface PreparedSnapshots extends PreparedWrite {
  readonly rowIdsByDoc: readonly (readonly string[])[];
}

/** The state of one document to store as a snapshot. */
export interface SnapshotInput {
  docName: string;
  state: Uint8Array;
}

/** A journal row written by another process before a given time. */
export interface StaleJournalRow {
  id: string;
  writerId: string;
  docNames: string[];
}

/** Input of {@link CollabPersistence.saveVersion}. */
export interface VersionInput {
  docName: string;
  label: string;
  state: Uint8Array;
  createdBy: string | null;
}

/** A stored named version (without its content). */
export interface StoredVersion {
  id: string;
  docName: string;
  label: string;
  createdBy: string | null;
  createdAt: Date;
  bytes: number;
}
