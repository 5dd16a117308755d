import { z } from 'zod';
import { objectIdSchema } from './common';

/** Minutes count as published on time when their first version is published within this many days of the meeting's scheduled end. */
export const MINUTES_ON_TIME_DAYS = 7;

/** Meeting states that count as held (the meeting took place and is over). */
export const HELD_MEETING_STATES = ['ended', 'minutes_published'] as const;

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');

/** Query of `GET /api/stats/usage` (and `.csv`). Months are Vietnam time (UTC+7). */
export const usageStatsQuerySchema = z
  .object({
    /** First month (default: 11 months before `to`). */
    from: monthSchema.optional(),
    /** Last month, included (default: this month). */
    to: monthSchema.optional(),
    /** This unit and those below it (default: the caller's unit for a unit administrator, every unit for a system administrator). */
    unitId: objectIdSchema.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'must not be after `to`',
    path: ['from'],
  });
/** Query of the usage statistics. */
export type UsageStatsQuery = z.infer<typeof usageStatsQuerySchema>;

/** Figures of one unit in one month (or a total). */
export const usageFiguresSchema = z.object({
  /** Meetings held (ended, or with minutes published). */
  meetingsHeld: z.number().int(),
  /** Bridge points invited to those meetings. */
  sitesInvited: z.number().int(),
  /** Bridge points that connected by video at least once. */
  sitesConnected: z.number().int(),
  /** Mean minutes from the scheduled start to a site's first connection (early joins count 0); null without connections. */
  avgJoinDelayMinutes: z.number().nullable(),
  /** Connection quality as the records hold it: reconnections (a site's connections after its first). */
  reconnections: z.number().int(),
  /** People invited (participants of any role). */
  peopleInvited: z.number().int(),
  /** People marked present in the room or connected by video. */
  peoplePresent: z.number().int(),
  /** peoplePresent / peopleInvited, 0..1; null when nobody was invited. */
  attendanceRate: z.number().nullable(),
  /** Meetings whose minutes were published. */
  minutesPublished: z.number().int(),
  /** Of those, published within MINUTES_ON_TIME_DAYS days of the scheduled end. */
  minutesOnTime: z.number().int(),
});
/** Figures of one unit in one month (or a total). */
export type UsageFigures = z.infer<typeof usageFiguresSchema>;

/** Answer of `GET /api/stats/usage`. */
export const usageStatsSchema = z.object({
  from: monthSchema,
  to: monthSchema,
  unitId: objectIdSchema.nullable(),
  onTimeDays: z.number().int(),
  /** One row per host unit and month with meetings held, by month then unit name. */
  rows: z.array(
    usageFiguresSchema.extend({
      month: monthSchema,
      unitId: objectIdSchema,
      unitName: z.string(),
    }),
  ),
  /** Every month of the range, summed over units (months without meetings give zeros). */
  months: z.array(usageFiguresSchema.extend({ month: monthSchema })),
  totals: usageFiguresSchema,
});
/** Answer of `GET /api/stats/usage`. */
export type UsageStats = z.infer<typeof usageStatsSchema>;
