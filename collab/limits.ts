import type { DocName } from './contracts/doc-names';

/** The kinds of co-edited documents (the first segment after the meeting in a document name). */
export type DocKind = DocName['kind'];

/** How large one kind of document and one client update to it may be. */
export interface DocumentSizeLimit {
  /** One update (or sync answer) from a client; larger closes the connection with 4413. */
  maxUpdateBytes: number;
  /** The whole document (its Yjs encoding); an update that would pass it closes with 4413. */
  maxDocumentBytes: number;
}

/** Limits that protect the collab server from one client or one flood of clients. */
export interface CollabLimits {
  /**
   * Size limits per kind of document. An update over them is refused with 4413 (too large)
   * before it is applied or stored.
   */
  documentSizes: Record<DocKind, DocumentSizeLimit>;
  /** Largest frame accepted; larger frames close the connection with 1009 (default 16 MiB). */
  maxMessageBytes: number;
  /** Sustained messages per second per connection (default 200). */
  messagesPerSecond: number;
  /** Burst of messages per connection above the sustained rate (default 1000). */
  messageBurst: number;
  /** Sustained bytes per second per connection (default 1 MiB). */
  bytesPerSecond: number;
  /** Burst of bytes per connection (default 2 × maxMessageBytes, so a big paste or sync fits). */
  byteBurst: number;
  /** Output queued for a client that does not read; beyond it the connection closes (default 8 MiB). */
  maxBufferedBytes: number;
  /** Handshakes (token check, authorization, document load) in progress at once (default 1000). */
  maxPendingHandshakes: number;
  /** Handshakes in progress at once from one address (default 300). */
  maxPendingHandshakesPerAddress: number;
  /** A handshake not finished within this time is refused with 4503 (default 15 s). */
  handshakeTimeoutMs: number;
  /** Connections on one document in this process (default 2000). */
  maxConnectionsPerDocument: number;
  /** Entries in one awareness update; more closes the connection with 4400 (default 100). */
  maxAwarenessEntries: number;
  /** Client ids one connection may publish awareness for (default 4). */
  maxAwarenessClientsPerConnection: number;
  /** Size of one awareness state (JSON) in bytes (default 64 KiB). */
  maxAwarenessStateBytes: number;
}

const MiB = 1024 * 1024;

/**
 * Default size limits. An agenda is a list of items and a personal note is short; drafts,
 * minutes and notices are long texts (a 100-page resolution is about 1 MiB of Yjs data), and a
 * paste of a whole document still fits one update.
 */
export const DEFAULT_DOCUMENT_SIZES: Record<DocKind, DocumentSizeLimit> = {
  agenda: { maxUpdateBytes: 1 * MiB, maxDocumentBytes: 8 * MiB },
  draft: { maxUpdateBytes: 4 * MiB, maxDocumentBytes: 32 * MiB },
  minutes: { maxUpdateBytes: 4 * MiB, maxDocumentBytes: 32 * MiB },
  notice: { maxUpdateBytes: 4 * MiB, maxDocumentBytes: 32 * MiB },
  notes: { maxUpdateBytes: 1 * MiB, maxDocumentBytes: 8 * MiB },
};

/** The defaults of {@link CollabLimits}. */
export const DEFAULT_COLLAB_LIMITS: CollabLimits = {
  documentSizes: DEFAULT_DOCUMENT_SIZES,
  maxMessageBytes: 16 * 1024 * 1024,
  messagesPerSecond: 200,
  messageBurst: 1000,
  bytesPerSecond: 1024 * 1024,
  byteBurst: 32 * 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxPendingHandshakes: 1000,
  maxPendingHandshakesPerAddress: 300,
  handshakeTimeoutMs: 15_000,
  maxConnectionsPerDocument: 2000,
  maxAwarenessEntries: 100,
  maxAwarenessClientsPerConnection: 4,
  maxAwarenessStateBytes: 64 * 1024,
};

/** Limits as given to the server: any subset, document sizes per kind and per field. */
export type CollabLimitsInput = Partial<Omit<CollabLimits, 'documentSizes'>> & {
  documentSizes?: Partial<Record<DocKind, Partial<DocumentSizeLimit>>>;
};

/** Fills unset limits with the defaults; byteBurst follows maxMessageBytes when unset. */
export function resolveLimits(partial: CollabLimitsInput = {}): CollabLimits {
  const maxMessageBytes = partial.maxMessageBytes ?? DEFAULT_COLLAB_LIMITS.maxMessageBytes;
  const { documentSizes, ...rest } = partial;
  const sizes = { ...DEFAULT_DOCUMENT_SIZES };
  for (const kind of Object.keys(sizes) as DocKind[]) {
    sizes[kind] = { ...DEFAULT_DOCUMENT_SIZES[kind], ...documentSizes?.[kind] };
  }
  return {
    ...DEFAULT_COLLAB_LIMITS,
    byteBurst: Math.max(2 * maxMessageBytes, DEFAULT_COLLAB_LIMITS.bytesPerSecond),
    ...rest,
    documentSizes: sizes,
  };
}

/**
 * A token bucket: `take(n)` succeeds while the bucket holds n tokens; it refills at `rate` per
 * second up to `burst`.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = performance.now();
  }

  /** Takes n tokens; false (and nothing taken) when the bucket holds fewer. */
  take(n: number): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}
