import { z } from 'zod';
import { isoDateTimeSchema, objectIdSchema, textSchema } from './common';
import { quorumRuleSchema } from './meetings';

/** The options of a poll unless the chair gives others. */
export const DEFAULT_POLL_OPTIONS = ['Tán thành', 'Không tán thành', 'Không ý kiến'] as const;

/** Where a poll stands: prepared, open for ballots, closed (immutable). */
export const pollStatuses = ['draft', 'open', 'closed'] as const;
/** One of {@link pollStatuses}. */
export type PollStatus = (typeof pollStatuses)[number];

/**
 * Who may vote: the delegates present when the poll opens (default), every voting member
 * present, or named people. Fixed when the poll opens.
 */
export const pollElectorates = ['present_delegates', 'present_voting_members', 'listed'] as const;

/** Result of one option. */
export const optionResultSchema = z.object({
  index: z.number().int(),
  label: z.string(),
  count: z.number().int(),
  /** Share of the ballots cast, 0-100, two decimals. */
  percent: z.number(),
});

/**
 * Whether a poll's motion carried: the approvals (first option) against the poll's rule over
 * `base`, the meeting's voting seats when the poll opened.
 */
export const pollOutcomeSchema = z.object({
  passed: z.boolean(),
  approvals: z.number().int(),
  /** The fewest approvals that carry the motion. */
  required: z.number().int(),
  base: z.number().int(),
  rule: quorumRuleSchema,
});
/** Whether a poll's motion carried. */
export type PollOutcome = z.infer<typeof pollOutcomeSchema>;

/** Counts of a closed poll (or of an open named poll, for the chair). */
export const pollResultsSchema = z.object({
  ballots: z.number().int(),
  eligible: z.number().int(),
  options: z.array(optionResultSchema),
  /** Ballots needed for the quorum, and whether they were cast. */
  quorumRequired: z.number().int(),
  quorumMet: z.boolean(),
  /** Whether the motion carried; null when the options put no motion (a choice of variants). */
  outcome: pollOutcomeSchema.nullable().optional(),
});
/** Counts of a poll. */
export type PollResults = z.infer<typeof pollResultsSchema>;

/** A poll as the API returns it. */
export const pollSchema = z.object({
  id: objectIdSchema,
  meetingId: objectIdSchema,
  agendaItemId: objectIdSchema.nullable(),
  question: z.string(),
  options: z.array(z.string()),
  secret: z.boolean(),
  /** A second ballot replaces the first while the poll is open (named polls only). */
  allowChange: z.boolean(),
  electorate: z.enum(pollElectorates),
  quorum: quorumRuleSchema,
  status: z.enum(pollStatuses),
  /** Fixed when the poll opens. */
  eligibleCount: z.number().int(),
  ballotsCast: z.number().int(),
  openedAt: isoDateTimeSchema.nullable(),
  closedAt: isoDateTimeSchema.nullable(),
  createdBy: objectIdSchema,
  createdAt: isoDateTimeSchema,
  /** Present once closed. */
  results: pollResultsSchema.nullable(),
});
/** A poll. */
export type Poll = z.infer<typeof pollSchema>;

/** Body of `POST /api/meetings/:id/polls`. */
export const createPollSchema = z
  .object({
    agendaItemId: objectIdSchema.nullable().default(null),
    question: textSchema(3, 1000),
    options: z
      .array(textSchema(1, 200))
      .min(2)
      .max(20)
      .refine((o) => new Set(o).size === o.length, 'options must differ')
      .default([...DEFAULT_POLL_OPTIONS]),
    secret: z.boolean().default(false),
    allowChange: z.boolean().default(false),
    electorate: z.enum(pollElectorates).default('present_delegates'),
    /** For `listed`: who may vote. */
    voterIds: z.array(objectIdSchema).max(2000).optional(),
    /** Ballots needed, relative to the meeting's voting members (default: more than half). */
    quorum: quorumRuleSchema.optional(),
  })
  .refine((v) => !(v.secret && v.allowChange), {
    message:
      'a secret ballot cannot be changed: it is stored without any link to its voter, so there is nothing to replace',
    path: ['allowChange'],
  })
  .refine((v) => v.electorate !== 'listed' || (v.voterIds?.length ?? 0) > 0, {
    message: 'list the voters when the electorate is "listed"',
    path: ['voterIds'],
  });
/** Body of `POST /api/meetings/:id/polls`. */
export type CreatePollInput = z.infer<typeof createPollSchema>;

/** Body of `POST /api/meetings/:id/polls/:pollId/ballots`: the index of the chosen option. */
export const castBallotSchema = z.object({ choice: z.number().int().min(0).max(19) });
/** Body of `POST /api/meetings/:id/polls/:pollId/ballots`. */
export type CastBallotInput = z.infer<typeof castBallotSchema>;

/** Answer of a cast, and of `GET .../ballots/mine`. */
export const myBallotSchema = z.object({
  pollId: objectIdSchema,
  voted: z.boolean(),
  /** The caller's choice in a named poll; always null in a secret poll. */
  choice: z.number().int().nullable(),
  /** Whether this cast replaced an earlier ballot. */
  replaced: z.boolean(),
});
/** Answer of a cast. */
export type MyBallot = z.infer<typeof myBallotSchema>;

/** Answer of `GET /api/meetings/:id/polls/:pollId/voters`: who voted (and how, if named). */
export const pollVotersSchema = z.object({
  pollId: objectIdSchema,
  secret: z.boolean(),
  voters: z.array(
    z.object({
      userId: objectIdSchema,
      fullName: z.string(),
      /** Named polls only. */
      choice: z.number().int().nullable(),
    }),
  ),
});
/** Who voted. */
export type PollVoters = z.infer<typeof pollVotersSchema>;
