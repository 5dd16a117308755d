import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { AUDIT_GENESIS_HASH } from '../contracts/audit';
import type { AuditActor, AuditEntry, AuditVerification, ListAuditQuery } from '../contracts/audit';
import type { Page } from '../contracts/common';
import { SequencedAppender } from '../write-serialization';
import { canonicalJson, ChainVerifier, linkHash } from './audit-chain';
import type { AuditLink, StoredLink } from './audit-chain';
import { AuditEntryModel } from './audit.model';
import type { AuditEntryRecord } from './audit.model';

/** What a module hands to {@link auditService.append}. */
export interface AuditInput {
  meetingId: string;
  /** The user who acted, or null for the system (webhooks, timers, the seed). */
  actor: AuthUser | AuditActor | null;
  /** Dotted verb: `meeting.transition`, `poll.closed`, `media.recording_started`, ... */
  action: string;
  target?: { kind: string; id: string } | null;
  /** Short summaries of the state before and after (JSON values; keep them small). */
  before?: unknown;
  after?: unknown;
  at?: Date;
}

/** The system as an actor. */
export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null, name: 'Hệ thống' };

function toActor(actor: AuditInput['actor']): AuditActor {
  if (!actor) return SYSTEM_ACTOR;
  if ('kind' in actor) return actor;
  return { kind: 'user', id: actor.id, name: actor.fullName };
}

type Head = { seq: number; hash: string };

function storedLink(r: AuditEntryRecord): StoredLink {
  return {
    meetingId: r.meetingId.toHexString(),
    seq: r.seq,
    at: r.at.toISOString(),
    actor: { kind: r.actor.kind, id: r.actor.id ?? null, name: r.actor.name },
    action: r.action,
    target: r.target ? { kind: r.target.kind, id: r.target.id } : null,
    before: r.before ?? null,
    after: r.after ?? null,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

function parseSummary(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toDto(link: StoredLink): AuditEntry {
  return { ...link, before: parseSummary(link.before), after: parseSummary(link.after) };
}

const appender = new SequencedAppender<Head>({
  loadHead: async (meetingId) => {
    const last = await AuditEntryModel.findOne(
      { meetingId: new Types.ObjectId(meetingId) },
      { seq: 1, hash: 1 },
    )
      .sort({ seq: -1 })
      .lean();
    return last ? { seq: last.seq, hash: last.hash } : null;
  },
});

/**
 * The audit log: every state change of a meeting (who, what, when, before/after), appended
 * to a SHA-256 hash chain per meeting. Entries are never updated or deleted by the app.
 */
export const auditService = {
  /**
   * Appends an entry to the meeting's chain and returns it. Safe to call concurrently from
   * several processes: the chain never forks.
   * @throws AppError 409 only if the chain stays contended for a long time.
   */
  async append(input: AuditInput): Promise<AuditEntry> {
    const actor = toActor(input.actor);
    const at = input.at ?? new Date();
    const before = input.before === undefined ? null : canonicalJson(input.before);
    const after = input.after === undefined ? null : canonicalJson(input.after);
    const link = await appender.append(input.meetingId, async (head) => {
      const content: AuditLink = {
        meetingId: input.meetingId,
        seq: (head?.seq ?? 0) + 1,
        at: at.toISOString(),
        actor,
        action: input.action,
        target: input.target ?? null,
        before,
        after,
        prevHash: head?.hash ?? AUDIT_GENESIS_HASH,
      };
      const hash = linkHash(content);
      await AuditEntryModel.create({
        ...content,
        meetingId: new Types.ObjectId(input.meetingId),
        at,
        hash,
      });
      return { ...content, hash };
    });
    return toDto(link);
  },

  /** When each entry of one action was appended and its `after` summary, oldest first. */
  async entriesOf(meetingId: string, action: string): Promise<{ at: Date; after: unknown }[]> {
    const rows = await AuditEntryModel.find(
      { meetingId: new Types.ObjectId(meetingId), action },
      { at: 1, after: 1, seq: 1 },
    )
      .sort({ seq: 1 })
      .lean();
    return rows.map((r) => ({
      at: r.at,
      after: r.after ? (JSON.parse(r.after) as unknown) : null,
    }));
  },

  /** A page of a meeting's entries, oldest first. */
  async list(meetingId: string, query: ListAuditQuery): Promise<Page<AuditEntry>> {
    const filter = { meetingId: new Types.ObjectId(meetingId) };
    const [rows, total] = await Promise.all([
      AuditEntryModel.find(filter)
        .sort({ seq: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      AuditEntryModel.countDocuments(filter),
    ]);
    return {
      items: rows.map((r) => toDto(storedLink(r))),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  },

  /** Recomputes the meeting's chain from the stored entries and names the first broken link. */
  async verify(meetingId: string): Promise<AuditVerification> {
    const verifier = new ChainVerifier();
    const cursor = AuditEntryModel.find({ meetingId: new Types.ObjectId(meetingId) })
      .sort({ seq: 1 })
      .lean()
      .cursor({ batchSize: 500 });
    for await (const row of cursor) {
      if (!verifier.push(storedLink(row))) {
        await cursor.close();
        break;
      }
    }
    return verifier.result();
  },
};
