import { z } from 'zod';
import { isoDateTimeSchema, objectIdSchema, textSchema } from './common';
import { quorumRuleSchema } from './meetings';

/** Where a participant or site stands for the roll call. */
export const attendanceStatuses = [
  'present_in_room',
  'present_remote',
  'absent',
  'unmarked',
] as const;
/** One of {@link attendanceStatuses}. */
export type AttendanceStatus = (typeof attendanceStatuses)[number];

/** Whether a status counts as present. */
export function isPresent(status: AttendanceStatus): boolean {
  return status === 'present_in_room' || status === 'present_remote';
}

/** The roll-call line of one person or site. */
export const attendanceEntrySchema = z.object({
  subject: z.object({ kind: z.enum(['user', 'site']), id: objectIdSchema, name: z.string() }),
  status: z.enum(attendanceStatuses),
  /** Why absent. */
  reason: z.string().nullable(),
  /** Who set the status last (null: nobody yet, or the video link). */
  markedBy: objectIdSchema.nullable(),
  markedAt: isoDateTimeSchema.nullable(),
  /** Connected by video right now. */
  connected: z.boolean(),
  /** Total time connected by video so far. */
  remoteSeconds: z.number(),
  /** Counts towards the quorum (people only). */
  voting: z.boolean(),
  /** For a substitute: whose seat they fill. */
  substituteFor: objectIdSchema.nullable(),
});
/** The roll-call line of one person or site. */
export type AttendanceEntry = z.infer<typeof attendanceEntrySchema>;

/** Whether enough voting members are present, by the meeting's rule. */
export const quorumStatusSchema = z.object({
  rule: quorumRuleSchema,
  /** Seats of voting members (a substitute fills the seat of the member they replace). */
  votingMembers: z.number().int(),
  /** Seats whose member or substitute is present. */
  present: z.number().int(),
  /** The fewest present seats that meet the rule. */
  required: z.number().int(),
  met: z.boolean(),
});
/** Whether enough voting members are present. */
export type QuorumStatus = z.infer<typeof quorumStatusSchema>;

/** Answer of `GET /api/meetings/:id/attendance`. */
export const attendanceSchema = z.object({
  meetingId: objectIdSchema,
  people: z.array(attendanceEntrySchema),
  sites: z.array(attendanceEntrySchema),
  quorum: quorumStatusSchema,
});
/** Answer of `GET /api/meetings/:id/attendance`. */
export type Attendance = z.infer<typeof attendanceSchema>;

/** Body of `PUT /api/meetings/:id/attendance/{participants/:userId|sites/:siteId}`. */
export const markAttendanceSchema = z
  .object({
    status: z.enum(attendanceStatuses),
    reason: textSchema(1, 500).optional(),
  })
  .refine((v) => v.status !== 'absent' || v.reason !== undefined, {
    message: 'say why (required for an absence)',
    path: ['reason'],
  });
/** Body of a roll-call mark. */
export type MarkAttendanceInput = z.infer<typeof markAttendanceSchema>;

/**
 * Body of `POST /api/meetings/:id/participants/:userId/absence`: excused absence, optionally
 * with a substitute who attends in this person's place (người dự thay).
 */
export const absenceSchema = z.object({
  reason: textSchema(1, 500),
  substituteUserId: objectIdSchema.optional(),
});
/** Body of `POST /api/meetings/:id/participants/:userId/absence`. */
export type AbsenceInput = z.infer<typeof absenceSchema>;
