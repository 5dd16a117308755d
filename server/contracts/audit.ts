import { z } from 'zod';
import { isoDateTimeSchema, objectIdSchema, pageSchema, paginationQuerySchema } from './common';

/** Who did something: a user, or the system (webhooks, timers). */
export const auditActorSchema = z.object({
  kind: z.enum(['user', 'system']),
  id: z.string().nullable(),
  name: z.string(),
});
/** Who did something. */
export type AuditActor = z.infer<typeof auditActorSchema>;

/** One link of a meeting's audit chain. */
export const auditEntrySchema = z.object({
  meetingId: objectIdSchema,
  seq: z.number().int().min(1),
  at: isoDateTimeSchema,
  actor: auditActorSchema,
  /** Dotted verb, e.g. `meeting.transition`, `poll.closed`. */
  action: z.string(),
  /** What was changed: `{ kind, id }` (a meeting, poll, document, ...). */
  target: z.object({ kind: z.string(), id: z.string() }).nullable(),
  /** Summary of the state before and after (JSON values). */
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
/** One link of a meeting's audit chain. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Query of `GET /api/meetings/:id/audit`. */
export const listAuditQuerySchema = paginationQuerySchema.extend({
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});
/** Query of `GET /api/meetings/:id/audit`. */
export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;

/** A page of audit entries, oldest first. */
export const auditPageSchema = pageSchema(auditEntrySchema);

/** Why a link of the chain is broken. */
export const auditBreakReasons = [
  /** The entry's content no longer hashes to its stored hash (it was modified). */
  'hash_mismatch',
  /** The entry does not point at the previous entry's hash (an entry was replaced or reordered). */
  'prev_hash_mismatch',
  /** A sequence number is missing (an entry was deleted). */
  'missing_entry',
] as const;

/** Answer of `GET /api/meetings/:id/audit/verify`. */
export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  /** The hash of the last entry (the head of the chain), empty for an empty chain. */
  head: z.string(),
  /** The first broken link, when the chain does not verify. */
  firstBroken: z
    .object({
      seq: z.number().int(),
      reason: z.enum(auditBreakReasons),
      message: z.string(),
    })
    .nullable(),
});
/** Answer of `GET /api/meetings/:id/audit/verify`. */
export type AuditVerification = z.infer<typeof auditVerificationSchema>;

/** The hash every chain starts from (the `prevHash` of entry 1). */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);
