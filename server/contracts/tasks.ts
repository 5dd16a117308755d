import { z } from 'zod';
import { isoDateTimeSchema, objectIdSchema, textSchema } from './common';

/** A calendar day `YYYY-MM-DD` (deadlines are days in Asia/Ho_Chi_Minh). */
export const isoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day like 2027-01-31')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'expected an existing calendar day');

/** Computed status of a task, in the Asia/Ho_Chi_Minh day. */
export const taskStatuses = [
  'in_progress',
  'awaiting_acceptance',
  'overdue',
  'done_on_time',
  'done_late',
] as const;
/** Computed status of a task. */
export type TaskStatus = (typeof taskStatuses)[number];

/** A conclusion of the notice marked as a task, before the notice is published. */
export const taskMarkInputSchema = z.object({
  title: textSchema(3, 1000),
  leadUnitId: objectIdSchema,
  coordinatingUnitIds: z.array(objectIdSchema).max(30).default([]),
  deadline: isoDaySchema,
  /** The paragraph of the notice the task comes from: its position and its text. */
  paragraph: z.object({
    index: z.number().int().min(0).max(10_000),
    text: textSchema(0, 4000),
  }),
});
/** Body item of `PUT /api/meetings/:id/task-marks`. */
export type TaskMarkInput = z.input<typeof taskMarkInputSchema>;

/** Body of `PUT /api/meetings/:id/task-marks`: the whole list, replaced. */
export const putTaskMarksSchema = z.object({
  marks: z.array(taskMarkInputSchema.extend({ id: z.uuid().optional() })).max(200),
});
/** Body of `PUT /api/meetings/:id/task-marks`. */
export type PutTaskMarksInput = z.input<typeof putTaskMarksSchema>;

/** A stored mark. */
export const taskMarkSchema = taskMarkInputSchema.extend({ id: z.string() });
/** A stored mark. */
export type TaskMark = z.infer<typeof taskMarkSchema>;

/** The marks of a meeting's notice, and whether the caller may change them. */
export const taskMarksSchema = z.object({
  meetingId: objectIdSchema,
  marks: z.array(taskMarkSchema),
  canEdit: z.boolean(),
});
/** Answer of `GET /api/meetings/:id/task-marks`. */
export type TaskMarks = z.infer<typeof taskMarksSchema>;

const unitRef = z.object({ id: objectIdSchema, name: z.string() });

/** One line of a task's history. */
export const taskHistoryEntrySchema = z.object({
  at: isoDateTimeSchema,
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  action: z.enum([
    'created',
    'corrected',
    'reported',
    'completion_proposed',
    'accepted',
    'returned',
    'extension_requested',
    'extension_granted',
    'extension_refused',
    'reminded',
    'attachment_added',
  ]),
  comment: z.string().nullable(),
  /** Small summary of what changed (deadline before/after, ...). */
  details: z.record(z.string(), z.unknown()).nullable(),
});
/** One line of a task's history. */
export type TaskHistoryEntry = z.infer<typeof taskHistoryEntrySchema>;

/** What the caller may do with a task now. */
export const taskAbilitiesSchema = z.object({
  report: z.boolean(),
  proposeCompletion: z.boolean(),
  review: z.boolean(),
  requestExtension: z.boolean(),
  decideExtension: z.boolean(),
});
/** What the caller may do with a task now. */
export type TaskAbilities = z.infer<typeof taskAbilitiesSchema>;

/** A task as the API presents it. */
export const taskSchema = z.object({
  id: objectIdSchema,
  meeting: z.object({ id: objectIdSchema, title: z.string(), hostUnit: unitRef }),
  notice: z.object({ versionId: objectIdSchema, version: z.number().int() }),
  paragraph: z.object({ index: z.number().int(), text: z.string() }),
  title: z.string(),
  leadUnit: unitRef,
  coordinatingUnits: z.array(unitRef),
  deadline: isoDaySchema,
  status: z.enum(taskStatuses),
  completedOn: isoDaySchema.nullable(),
  extensionRequest: z
    .object({ deadline: isoDaySchema, reason: z.string(), requestedAt: isoDateTimeSchema })
    .nullable(),
  lastReport: z.string().nullable(),
  attachments: z.array(
    z.object({
      id: objectIdSchema,
      filename: z.string(),
      size: z.number().int(),
      sha256: z.string(),
      uploadedAt: isoDateTimeSchema,
      uploadedBy: z.string(),
      url: z.string(),
    }),
  ),
  createdAt: isoDateTimeSchema,
  history: z.array(taskHistoryEntrySchema),
  can: taskAbilitiesSchema,
});
/** A task as the API presents it. */
export type Task = z.infer<typeof taskSchema>;

/** Query of `GET /api/tasks`. */
export const listTasksQuerySchema = z.object({
  status: z.enum(taskStatuses).optional(),
  unitId: objectIdSchema.optional(),
  meetingId: objectIdSchema.optional(),
});
/** Query of `GET /api/tasks`. */
export type ListTasksQuery = z.infer<typeof listTasksQuerySchema>;

/** Answer of `GET /api/tasks` (newest deadline last; at most 1000). */
export const taskListSchema = z.object({ items: z.array(taskSchema), total: z.number().int() });
/** Answer of `GET /api/tasks`. */
export type TaskList = z.infer<typeof taskListSchema>;

/** Body of `POST /api/tasks/:id/reports`. */
export const taskReportSchema = z.object({
  text: textSchema(1, 5000),
  /** The lead unit says the task is done and asks the issuing office to accept it. */
  proposeCompletion: z.boolean().default(false),
});
/** Body of `POST /api/tasks/:id/reports`. */
export type TaskReportInput = z.input<typeof taskReportSchema>;

/** Body of `POST /api/tasks/:id/review`. */
export const taskReviewSchema = z
  .object({ decision: z.enum(['accept', 'return']), comment: textSchema(0, 2000).default('') })
  .refine((v) => v.decision === 'accept' || v.comment.length > 0, {
    message: 'say why the report is returned',
    path: ['comment'],
  });
/** Body of `POST /api/tasks/:id/review`. */
export type TaskReviewInput = z.input<typeof taskReviewSchema>;

/** Body of `POST /api/tasks/:id/extension`. */
export const taskExtensionRequestSchema = z.object({
  deadline: isoDaySchema,
  reason: textSchema(3, 2000),
});
/** Body of `POST /api/tasks/:id/extension`. */
export type TaskExtensionRequestInput = z.input<typeof taskExtensionRequestSchema>;

/** Body of `POST /api/tasks/:id/extension/decision`. */
export const taskExtensionDecisionSchema = z.object({
  grant: z.boolean(),
  comment: textSchema(0, 2000).default(''),
});
/** Body of `POST /api/tasks/:id/extension/decision`. */
export type TaskExtensionDecisionInput = z.input<typeof taskExtensionDecisionSchema>;

/** An in-app notification. */
export const notificationSchema = z.object({
  id: objectIdSchema,
  taskId: objectIdSchema.nullable(),
  text: z.string(),
  createdAt: isoDateTimeSchema,
  read: z.boolean(),
});
/** An in-app notification. */
export type Notification = z.infer<typeof notificationSchema>;

/** Answer of `POST /api/meetings/:id/agenda/overdue-tasks`. */
export const overdueAgendaResultSchema = z.object({
  added: z.boolean(),
  taskCount: z.number().int(),
  itemId: objectIdSchema.nullable(),
});
/** Answer of `POST /api/meetings/:id/agenda/overdue-tasks`. */
export type OverdueAgendaResult = z.infer<typeof overdueAgendaResultSchema>;

/** The reminders a unit gets when nothing is configured: 7 and 1 days before, and overdue. */
export const DEFAULT_TASK_REMINDERS = { daysBefore: [7, 1], overdue: true, email: true } as const;

/** Body of `PUT /api/units/:id/task-reminders`: when a lead unit is reminded, and how. */
export const taskReminderSettingsInputSchema = z.object({
  /** Days before the deadline (1–90, at most 5 distinct values; empty: none before). */
  daysBefore: z
    .array(z.number().int().min(1).max(90))
    .max(5)
    .refine((a) => new Set(a).size === a.length, 'each number of days once'),
  /** Remind once the deadline has passed. */
  overdue: z.boolean(),
  /** Send e-mail besides the in-app notification. */
  email: z.boolean(),
});
/** Body of `PUT /api/units/:id/task-reminders`. */
export type TaskReminderSettingsInput = z.input<typeof taskReminderSettingsInputSchema>;

/** A unit's reminder settings, as the API presents them. */
export const taskReminderSettingsSchema = taskReminderSettingsInputSchema.extend({
  unitId: objectIdSchema,
  /** True while the unit uses the defaults (nothing stored). */
  isDefault: z.boolean(),
  updatedAt: isoDateTimeSchema.nullable(),
  updatedBy: z.string().nullable(),
});
/** Answer of `GET|PUT /api/units/:id/task-reminders`. */
export type TaskReminderSettings = z.infer<typeof taskReminderSettingsSchema>;

/** Query of `GET /api/tasks/summary`: the list's filters and a range of deadline months. */
export const taskSummaryQuerySchema = listTasksQuerySchema.extend({
  from: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month like 2027-01')
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month like 2027-01')
    .optional(),
});
/** Query of `GET /api/tasks/summary`. */
export type TaskSummaryQuery = z.infer<typeof taskSummaryQuerySchema>;

/** Counts of tasks per computed status. */
export const taskCountsSchema = z.object({
  total: z.number().int(),
  in_progress: z.number().int(),
  awaiting_acceptance: z.number().int(),
  overdue: z.number().int(),
  done_on_time: z.number().int(),
  done_late: z.number().int(),
});
/** Counts of tasks per computed status. */
export type TaskCounts = z.infer<typeof taskCountsSchema>;

/** Answer of `GET /api/tasks/summary`: the caller's visible tasks counted three ways. */
export const taskSummarySchema = z.object({
  totals: taskCountsSchema,
  /** By lead unit, most tasks first. */
  byUnit: z.array(taskCountsSchema.extend({ id: objectIdSchema, name: z.string() })),
  /** By meeting whose notice assigned them, most tasks first. */
  byMeeting: z.array(taskCountsSchema.extend({ id: objectIdSchema, name: z.string() })),
  /** By month of the deadline (`YYYY-MM`), in order. */
  byMonth: z.array(taskCountsSchema.extend({ month: z.string() })),
});
/** Answer of `GET /api/tasks/summary`. */
export type TaskSummary = z.infer<typeof taskSummarySchema>;
