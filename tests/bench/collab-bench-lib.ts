import * as encoding from 'lib0/encoding';

/** Wire framing of a server under test: y-websocket, or Hocuspocus (document name prefix). */
export type Proto = 'yws' | 'hocuspocus';

/** A server under test. */
export type ServerKind = 'ours' | 'hocuspocus' | 'reference';

/** Framing each server speaks. */
export const PROTO: Record<ServerKind, Proto> = {
  ours: 'yws',
  hocuspocus: 'hocuspocus',
  reference: 'yws',
};

/** Encodes one message, prefixed with the document name for Hocuspocus. */
export function frame(
  proto: Proto,
  docName: string,
  body: (e: encoding.Encoder) => void,
): Uint8Array {
  const e = encoding.createEncoder();
  if (proto === 'hocuspocus') encoding.writeVarString(e, docName);
  body(e);
  return encoding.toUint8Array(e);
}

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Edits carry their send time and sender in the inserted text: `@<ms with 3 decimals>:<id>#`.
 * Receivers find the stamps in the raw update bytes, so they never decode Yjs.
 */
export const PLACEHOLDER = '@0000000000000.000:0000#';
export const STAMP_RE = /@(\d{13}\.\d{3}):(\d{4})#/g;

/** Writes a stamp over the placeholder at `offset` (latin1, same length). */
export function stamp(buf: Buffer, offset: number, id: number, at = nowMs()): number {
  buf.write(`@${at.toFixed(3)}:${String(id).padStart(4, '0')}#`, offset, 'latin1');
  return at;
}

const BUCKET_MS = 0.1;
const BUCKETS = 20_000;

/** A latency histogram with 0.1 ms buckets up to 2 s (longer latencies land in the last one). */
export class Histogram {
  readonly counts: number[] = new Array<number>(BUCKETS).fill(0);
  total = 0;

  add(ms: number): void {
    const i = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total++;
  }

  merge(counts: readonly number[]): void {
    counts.forEach((c, i) => {
      this.counts[i] = (this.counts[i] ?? 0) + c;
      this.total += c;
    });
  }

  /** The p-th percentile in ms (upper edge of its bucket); NaN when empty. */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return (i + 1) * BUCKET_MS;
    }
    return BUCKETS * BUCKET_MS;
  }
}

/** Server-side figures the bench server reports. */
export interface ServerStats {
  heapUsed: number;
  rss: number;
  cpuMs: number;
  bytesWritten: number;
  docs: number;
  loadMs: number[];
  /** Commits stored so far (ours only). */
  commits: number;
  /** Durations of the commits since the previous stats call (ours only). */
  commitMs: number[];
}

/** Commands to a load worker, and their answers. */
export type WorkerCommand =
  | { cmd: 'connect'; url: string; proto: Proto; clients: { id: number; docName: string }[] }
  | { cmd: 'prepare'; perClient: number; text?: string }
  | { cmd: 'run'; rate: number; warmupMs: number; measureMs: number }
  | { cmd: 'content'; edits: number; chars: number }
  | { cmd: 'close' };

export interface RunResult {
  sent: number;
  measuredSent: number;
  received: number;
  counts: number[];
  bytesReceived: number;
}
