import { createHash } from 'node:crypto';
import { AUDIT_GENESIS_HASH } from '../contracts/audit';
import type { AuditActor, AuditVerification } from '../contracts/audit';

/**
 * JSON with object keys sorted at every depth, so that equal values always give the same
 * text (and the same hash). Dates become ISO strings; undefined object members are left out;
 * non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const maybe = value as { toJSON?: () => unknown };
    if (typeof maybe.toJSON === 'function') return canonicalJson(maybe.toJSON());
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return 'null';
}

/** The hashed content of one audit entry (everything but its own hash). */
export interface AuditLink {
  meetingId: string;
  seq: number;
  /** ISO 8601 with milliseconds. */
  at: string;
  actor: AuditActor;
  action: string;
  target: { kind: string; id: string } | null;
  /** Canonical JSON of the before/after summaries (null when absent). */
  before: string | null;
  after: string | null;
  prevHash: string;
}

/** SHA-256 (hex) over the canonical JSON of a link, which includes the previous hash. */
export function linkHash(link: AuditLink): string {
  return createHash('sha256').update(canonicalJson(link)).digest('hex');
}

/** A stored link with its hash. */
export type StoredLink = AuditLink & { hash: string };

/**
 * Checks a chain fed oldest first: sequence numbers from 1 without gaps, each entry pointing
 * at the previous entry's hash, each hash matching its content. Stops at the first broken link.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prev = AUDIT_GENESIS_HASH;
  private count = 0;
  private broken: AuditVerification['firstBroken'] = null;

  /** Feeds the next link; returns false once the chain is broken (stop feeding). */
  push(link: StoredLink): boolean {
    if (this.broken) return false;
    this.count++;
    this.broken = checkLink(link, this.expectedSeq, this.prev);
    if (this.broken) return false;
    this.prev = link.hash;
    this.expectedSeq = link.seq + 1;
    return true;
  }

  /** The verdict on what was fed. */
  result(): AuditVerification {
    if (this.broken) {
      return { ok: false, entries: this.count, head: this.prev, firstBroken: this.broken };
    }
    return { ok: true, entries: this.count, head: this.count ? this.prev : '', firstBroken: null };
  }
}

/** Checks a whole chain, oldest first (see {@link ChainVerifier}). */
export function verifyLinks(links: Iterable<StoredLink>): AuditVerification {
  const verifier = new ChainVerifier();
  for (const link of links) if (!verifier.push(link)) break;
  return verifier.result();
}

/** The problem with one link given what the chain expects there, or null when it holds. */
export function checkLink(
  link: StoredLink,
  expectedSeq: number,
  expectedPrev: string,
): AuditVerification['firstBroken'] {
  if (link.seq !== expectedSeq) {
    return {
      seq: expectedSeq,
      reason: 'missing_entry',
      message: `Entry ${expectedSeq} is missing (the next stored entry is ${link.seq}).`,
    };
  }
  const { hash, ...content } = link;
  if (linkHash(content) !== hash) {
    return {
      seq: link.seq,
      reason: 'hash_mismatch',
      message: `Entry ${link.seq} (${link.action}) was modified after it was written: its content no longer matches its hash.`,
    };
  }
  if (link.prevHash !== expectedPrev) {
    return {
      seq: link.seq,
      reason: 'prev_hash_mismatch',
      message: `Entry ${link.seq} does not follow entry ${link.seq - 1}: the chain was rewritten from here.`,
    };
  }
  return null;
}
