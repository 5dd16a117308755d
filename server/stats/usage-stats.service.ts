import { Types } from 'mongoose';
import { AttendanceMarkModel, RemoteIntervalModel } from '../attendance/attendance.model';
import { hasRole } from '../auth/auth-user';
import type { AuthUser } from '../auth/auth-user';
import { isPresent } from '../contracts/attendance';
import type { AttendanceStatus } from '../contracts/attendance';
import { HELD_MEETING_STATES, MINUTES_ON_TIME_DAYS } from '../contracts/stats';
import type { UsageFigures, UsageStats, UsageStatsQuery } from '../contracts/stats';
import { forbidden, notFound } from '../errors';
import { MeetingModel } from '../meetings/meeting.model';
import { ParticipantModel } from '../meetings/participant.model';
import { SiteModel } from '../meetings/site.model';
import { MinutesVersionModel } from '../minutes/minutes.model';
import { UnitModel } from '../units/unit.model';
import { csvDocument } from '../csv-export';

// Read-only figures across several domains. FerretDB v1 has no $lookup or $facet and only
// $sum/$count accumulators, so each collection is read once with an $in on the meetings in
// scope and the figures are put together here.

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** The month (YYYY-MM, Vietnam time) of an instant. */
export function vnMonth(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 7);
}

/** The first instant of a Vietnam-time month. */
function monthStart(month: string): Date {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1) - VN_OFFSET_MS);
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

/** Running sums of one bucket; {@link figures} turns them into the answer. */
interface Tally {
  meetingsHeld: number;
  sitesInvited: number;
  sitesConnected: number;
  joinDelayMinutesSum: number;
  reconnections: number;
  peopleInvited: number;
  peoplePresent: number;
  minutesPublished: number;
  minutesOnTime: number;
}

function emptyTally(): Tally {
  return {
    meetingsHeld: 0,
    sitesInvited: 0,
    sitesConnected: 0,
    joinDelayMinutesSum: 0,
    reconnections: 0,
    peopleInvited: 0,
    peoplePresent: 0,
    minutesPublished: 0,
    minutesOnTime: 0,
  };
}

function add(into: Tally, t: Tally): void {
  for (const k of Object.keys(into) as (keyof Tally)[]) into[k] += t[k];
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function figures(t: Tally): UsageFigures {
  return {
    meetingsHeld: t.meetingsHeld,
    sitesInvited: t.sitesInvited,
    sitesConnected: t.sitesConnected,
    avgJoinDelayMinutes:
      t.sitesConnected > 0 ? round(t.joinDelayMinutesSum / t.sitesConnected, 1) : null,
    reconnections: t.reconnections,
    peopleInvited: t.peopleInvited,
    peoplePresent: t.peoplePresent,
    attendanceRate: t.peopleInvited > 0 ? round(t.peoplePresent / t.peopleInvited, 4) : null,
    minutesPublished: t.minutesPublished,
    minutesOnTime: t.minutesOnTime,
  };
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** The unit whose subtree the caller asks about, checked against the caller's authority. */
async function scopeUnit(user: AuthUser, unitId: string | undefined): Promise<string | null> {
  if (hasRole(user, 'system_admin')) {
    if (unitId && !(await UnitModel.exists({ _id: new Types.ObjectId(unitId) })))
      throw notFound(`Unit ${unitId}`);
    return unitId ?? null;
  }
  if (!hasRole(user, 'unit_admin')) {
    throw forbidden('Only unit and system administrators read the usage statistics.');
  }
  if (!unitId || unitId === user.unitId) return user.unitId;
  const unit = await UnitModel.findById(unitId, { ancestorIds: 1 }).lean();
  if (!unit?.ancestorIds.some((a) => a.toHexString() === user.unitId)) {
    throw forbidden('A unit administrator reads the statistics of their unit and those below it.');
  }
  return unitId;
}

/**
 * Usage statistics for administrators: meetings held per host unit and month, sites invited
 * and connected with their mean delay after the scheduled start and their reconnections,
 * attendance of the people invited, and minutes published on time.
 * @throws AppError 403 (not an administrator, or a unit outside the caller's), 404 (no unit).
 */
export async function usageStats(user: AuthUser, query: UsageStatsQuery): Promise<UsageStats> {
  const unitId = await scopeUnit(user, query.unitId);
  const to = query.to ?? vnMonth(new Date());
  const from = query.from ?? addMonths(to, -11);
  const meetings = await MeetingModel.find(
    {
      state: { $in: [...HELD_MEETING_STATES] },
      startsAt: { $gte: monthStart(from), $lt: monthStart(addMonths(to, 1)) },
      ...(unitId ? { hostUnitPath: new Types.ObjectId(unitId) } : {}),
    },
    { hostUnitId: 1, hostUnitName: 1, startsAt: 1, endsAt: 1 },
  ).lean();
  const ids = meetings.map((m) => m._id);
  const inScope = { meetingId: { $in: ids } };
  const [sites, intervals, participants, marks, versions] = ids.length
    ? await Promise.all([
        SiteModel.find(inScope, { meetingId: 1 }).lean(),
        RemoteIntervalModel.find(inScope, {
          meetingId: 1,
          subjectKind: 1,
          subjectId: 1,
          joinedAt: 1,
        }).lean(),
        ParticipantModel.find(inScope, { meetingId: 1, userId: 1 }).lean(),
        AttendanceMarkModel.find(
          { ...inScope, subjectKind: 'user' },
          { meetingId: 1, subjectId: 1, status: 1, at: 1 },
        ).lean(),
        MinutesVersionModel.find(
          { ...inScope, kind: 'minutes', version: 1 },
          { meetingId: 1, publishedAt: 1 },
        ).lean(),
      ])
    : [[], [], [], [], []];
  const byMeeting = <T extends { meetingId: Types.ObjectId }>(rows: T[]) =>
    groupBy(rows, (r) => r.meetingId.toHexString());
  const sitesOf = byMeeting(sites);
  const intervalsOf = byMeeting(intervals);
  const participantsOf = byMeeting(participants);
  const marksOf = byMeeting(marks);
  const publishedOf = new Map(versions.map((v) => [v.meetingId.toHexString(), v.publishedAt]));

  const rows = new Map<string, { month: string; unitId: string; unitName: string; t: Tally }>();
  const months = new Map<string, Tally>();
  for (let m = from; m <= to; m = addMonths(m, 1)) months.set(m, emptyTally());
  const totals = emptyTally();

  for (const m of meetings) {
    const id = m._id.toHexString();
    const t = emptyTally();
    t.meetingsHeld = 1;
    t.sitesInvited = sitesOf.get(id)?.length ?? 0;
    const remote = intervalsOf.get(id) ?? [];
    const firstJoin = new Map<string, Date>();
    const connectionsOf = new Map<string, number>();
    for (const r of remote.filter((x) => x.subjectKind === 'site')) {
      const key = r.subjectId.toHexString();
      const first = firstJoin.get(key);
      if (!first || r.joinedAt < first) firstJoin.set(key, r.joinedAt);
      connectionsOf.set(key, (connectionsOf.get(key) ?? 0) + 1);
    }
    t.sitesConnected = firstJoin.size;
    for (const at of firstJoin.values()) {
      t.joinDelayMinutesSum += Math.max(0, at.getTime() - m.startsAt.getTime()) / 60_000;
    }
    for (const n of connectionsOf.values()) t.reconnections += n - 1;

    const invited = new Set((participantsOf.get(id) ?? []).map((p) => p.userId.toHexString()));
    t.peopleInvited = invited.size;
    const latest = new Map<string, { status: AttendanceStatus; at: Date }>();
    for (const mark of marksOf.get(id) ?? []) {
      const key = mark.subjectId.toHexString();
      const seen = latest.get(key);
      if (!seen || mark.at >= seen.at) latest.set(key, { status: mark.status, at: mark.at });
    }
    const present = new Set(
      [...latest].filter(([, v]) => isPresent(v.status)).map(([userId]) => userId),
    );
    for (const r of remote) if (r.subjectKind === 'user') present.add(r.subjectId.toHexString());
    t.peoplePresent = [...present].filter((u) => invited.has(u)).length;

    const published = publishedOf.get(id);
    if (published) {
      t.minutesPublished = 1;
      if (published.getTime() <= m.endsAt.getTime() + MINUTES_ON_TIME_DAYS * DAY_MS) {
        t.minutesOnTime = 1;
      }
    }

    const month = vnMonth(m.startsAt);
    const unit = m.hostUnitId.toHexString();
    const key = `${month}|${unit}`;
    const row = rows.get(key) ?? {
      month,
      unitId: unit,
      unitName: m.hostUnitName ?? '',
      t: emptyTally(),
    };
    rows.set(key, row);
    add(row.t, t);
    const monthTally = months.get(month);
    if (monthTally) add(monthTally, t);
    add(totals, t);
  }

  return {
    from,
    to,
    unitId,
    onTimeDays: MINUTES_ON_TIME_DAYS,
    rows: [...rows.values()]
      .sort((a, b) => a.month.localeCompare(b.month) || a.unitName.localeCompare(b.unitName, 'vi'))
      .map((r) => ({ month: r.month, unitId: r.unitId, unitName: r.unitName, ...figures(r.t) })),
    months: [...months].map(([month, t]) => ({ month, ...figures(t) })),
    totals: figures(totals),
  };
}

const CSV_COLUMNS: [string, (r: UsageStats['rows'][number]) => string | number | null][] = [
  ['Tháng / Month', (r) => r.month],
  ['Đơn vị chủ trì / Host unit', (r) => r.unitName],
  ['Số cuộc họp / Meetings held', (r) => r.meetingsHeld],
  ['Điểm cầu mời / Sites invited', (r) => r.sitesInvited],
  ['Điểm cầu kết nối / Sites connected', (r) => r.sitesConnected],
  ['Thời gian vào TB (phút) / Avg join delay (min)', (r) => r.avgJoinDelayMinutes],
  ['Số lần kết nối lại / Reconnections', (r) => r.reconnections],
  ['Đại biểu mời / People invited', (r) => r.peopleInvited],
  ['Đại biểu dự / People present', (r) => r.peoplePresent],
  [
    'Tỷ lệ dự (%) / Attendance (%)',
    (r) => (r.attendanceRate === null ? null : round(r.attendanceRate * 100, 1)),
  ],
  ['Biên bản đã ban hành / Minutes published', (r) => r.minutesPublished],
  ['Ban hành đúng hạn / Published on time', (r) => r.minutesOnTime],
];

/** The rows as CSV: UTF-8 with a byte-order mark so that Excel shows Vietnamese, CRLF lines. */
export function usageStatsCsv(stats: UsageStats): string {
  return csvDocument([
    CSV_COLUMNS.map(([h]) => h),
    ...stats.rows.map((r) => CSV_COLUMNS.map(([, f]) => f(r))),
  ]);
}
