import type { CollabAccess } from './contracts/authorize';
import type { DocName } from './contracts/doc-names';

/** The user behind a connection, as the host's `authenticate` callback answers. */
export interface CollabUser {
  userId: string;
  displayName: string;
  /** When the token expires; the connection is closed with 4408 at that moment. */
  expiresAt: Date;
}

/** What the host tells the library about the connection being authorized. */
export interface CollabAuthContext {
  /** The raw document name from the URL. */
  docName: string;
  /** The parsed document name. */
  doc: DocName;
  /** The bearer token the client presented. */
  token: string;
}

/**
 * Verifies a token. Throw {@link CollabAuthError} (or any error with `status: 401`; with
 * `code: 'token_expired'` for an expired token) to refuse; any other error is treated as the
 * authentication service being unavailable (4503, the client retries).
 */
export type AuthenticateFn = (token: string, ctx: CollabAuthContext) => Promise<CollabUser>;

/** Decides what a user may do with a document. Errors are treated like `authenticate`'s. */
export type AuthorizeFn = (
  user: CollabUser,
  doc: DocName,
  ctx: CollabAuthContext,
) => Promise<CollabAccess> | CollabAccess;

/** A refusal from `authenticate` or `authorize`, mapped to its close code. */
export class CollabAuthError extends Error {
  constructor(
    readonly kind: 'unauthenticated' | 'token_expired' | 'forbidden' | 'unknown_document',
    message: string = kind,
  ) {
    super(message);
    this.name = 'CollabAuthError';
  }
}

/** The subset of a pino logger the library uses. */
export interface CollabLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything. */
export const silentLogger: CollabLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Tunables of storage timing; the defaults suit production. */
export interface CollabStorageOptions {
  /** Extra wait before a commit starts, to gather more updates (default 0: as soon as idle). */
  commitDelayMs: number;
  /** How long a failing commit is retried before the document's connections are closed (default 10 s). */
  commitRetryMs: number;
  /** A document stays loaded this long after its last client leaves (default 5 s). */
  unloadAfterMs: number;
  /** Snapshots of changed documents are taken at least this often (default 30 s); 0 disables. */
  checkpointIntervalMs: number;
  /** ...or as soon as this process's journal holds this many rows (default 2000). */
  checkpointAfterRows: number;
  /** ...or this many bytes (default 16 MiB). */
  checkpointAfterBytes: number;
  /** Rows covered by a snapshot are deleted after this delay (default 5 s). */
  deleteGraceMs: number;
  /** Journal rows of other processes older than this are adopted (default 10 min). */
  orphanAgeMs: number;
  /** How often to look for orphaned journal rows (default 5 min); 0 disables. */
  orphanCheckIntervalMs: number;
  /** A document load taking longer fails (default 30 s). */
  loadTimeoutMs: number;
}

/** The defaults of {@link CollabStorageOptions}. */
export const DEFAULT_STORAGE_OPTIONS: CollabStorageOptions = {
  commitDelayMs: 0,
  commitRetryMs: 10_000,
  unloadAfterMs: 5_000,
  checkpointIntervalMs: 30_000,
  checkpointAfterRows: 2000,
  checkpointAfterBytes: 16 * 1024 * 1024,
  deleteGraceMs: 5_000,
  orphanAgeMs: 10 * 60_000,
  orphanCheckIntervalMs: 5 * 60_000,
  loadTimeoutMs: 30_000,
};
