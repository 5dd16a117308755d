import type { Logger } from 'pino';
import { Types } from 'mongoose';
import { daysBetween, vietnamDay, vietnameseDate } from '../contracts/task-deadline';
import type { Notification } from '../contracts/tasks';
import type { Mailer } from '../mail/smtp-client';
import { UserModel } from '../users/user.model';
import { NotificationModel, TaskModel } from './task.model';
import type { NotificationRow, TaskRow } from './task.model';
import { auditTask, historyLine } from './task-facts';
import type { Clock } from './task-facts';
import { DEFAULT_RULE } from './task-reminder-settings';
import type { ReminderRule, ReminderSettings } from './task-reminder-settings';

/** Which reminder: `<n>d`, n days before the deadline, or past it. */
export type ReminderKind = `${number}d` | 'overdue';

/**
 * The reminder due for a deadline on `today` under a unit's rule (by default 7 and 1 days
 * before, and overdue), if any.
 */
export function reminderDue(
  deadline: string,
  today: string,
  rule: Pick<ReminderRule, 'daysBefore' | 'overdue'> = DEFAULT_RULE,
): ReminderKind | null {
  const left = daysBetween(today, deadline);
  if (left > 0 && rule.daysBefore.includes(left)) return `${left}d`;
  if (left < 0 && rule.overdue) return 'overdue';
  return null;
}

const daysLeft = (kind: ReminderKind): number => Number.parseInt(kind, 10);

/** The Vietnamese text of a reminder (subject and body). */
export function reminderText(
  t: Pick<TaskRow, 'title' | 'deadline' | 'meetingTitle'>,
  kind: ReminderKind,
  link: string,
): { subject: string; body: string } {
  const when = vietnameseDate(t.deadline);
  const subject =
    kind === 'overdue'
      ? `Nhiệm vụ quá hạn: ${t.title.slice(0, 120)}`
      : `Nhắc hạn nhiệm vụ (còn ${String(daysLeft(kind))} ngày): ${t.title.slice(0, 120)}`;
  const head =
    kind === 'overdue'
      ? `Nhiệm vụ sau đã quá hạn hoàn thành (hạn ${when}) và chưa được báo cáo hoàn thành:`
      : `Nhiệm vụ sau đến hạn hoàn thành vào ngày ${when}:`;
  const body = [
    'Kính gửi đơn vị chủ trì,',
    '',
    head,
    '',
    `  ${t.title}`,
    `  Theo thông báo kết luận cuộc họp: ${t.meetingTitle}`,
    '',
    `Đề nghị đơn vị báo cáo tiến độ tại: ${link}`,
    '',
    'Hệ thống Diên Hồng (thư tự động, vui lòng không trả lời).',
  ].join('\n');
  return { subject, body };
}

/** What the reminder job needs. */
export interface ReminderDeps {
  clock: Clock;
  mailer: Mailer;
  mailFrom: string;
  /** Where the app is reached (links in the e-mail). */
  publicUrl: () => string;
  logger: Logger;
  /** Each lead unit's rule: when it is reminded, and whether by e-mail too. */
  settings: ReminderSettings;
}

/**
 * Reminders of task deadlines, at the offsets the lead unit chose (by default 7 days and 1 day
 * before, and once overdue), to its members: in-app notification, and e-mail to those with an
 * address unless the unit turned e-mail off. Each reminder is sent once
 * per deadline (an extension reminds again), claimed by a conditional update so that two
 * processes never send it twice.
 */
export function createTaskReminders(deps: ReminderDeps) {
  async function remind(
    t: TaskRow,
    kind: ReminderKind,
    now: Date,
    email: boolean,
  ): Promise<boolean> {
    const key = `${kind}:${t.deadline}`;
    const claimed = await TaskModel.updateOne(
      { _id: t._id, remindersSent: { $ne: key } },
      {
        $push: { remindersSent: key, history: historyLine(null, 'reminded', now, null, { kind }) },
        $inc: { rev: 1 },
      },
    );
    if (claimed.modifiedCount !== 1) return false;
    const members = await UserModel.find(
      { unitId: t.leadUnitId, active: true },
      { email: 1, fullName: 1 },
    ).lean();
    const link = `${deps.publicUrl()}/tasks/${t._id.toHexString()}`;
    const text = reminderText(t, kind, link);
    if (members.length) {
      await NotificationModel.insertMany(
        members.map((u) => ({ userId: u._id, taskId: t._id, text: text.subject })),
      );
    }
    const to = members
      .filter((u) => email && u.email)
      .map((u) => `${u.fullName} <${u.email ?? ''}>`);
    let mailed = 0;
    if (to.length) {
      try {
        await deps.mailer.send({ from: deps.mailFrom, to, subject: text.subject, text: text.body });
        mailed = to.length;
      } catch (err) {
        deps.logger.warn({ err, taskId: t._id.toHexString() }, 'reminder e-mail not sent');
      }
    }
    await auditTask(null, t, 'reminded', { kind, notified: members.length, mailed });
    return true;
  }

  return {
    /** One pass over the open tasks at the clock's time. Answers how many reminders went out. */
    async runOnce(): Promise<number> {
      const now = deps.clock();
      const today = vietnamDay(now);
      const open = await TaskModel.find({ phase: 'open' }).lean<TaskRow[]>();
      const rules = await deps.settings.rulesOf([
        ...new Map(open.map((t) => [t.leadUnitId.toHexString(), t.leadUnitId])).values(),
      ]);
      let sent = 0;
      for (const t of open) {
        const rule = rules.get(t.leadUnitId.toHexString()) ?? DEFAULT_RULE;
        const kind = reminderDue(t.deadline, today, rule);
        if (kind && (await remind(t, kind, now, rule.email))) sent++;
      }
      return sent;
    },

    /** Runs {@link runOnce} every `intervalMs`; a failed pass is logged, the next one runs. */
    start(intervalMs: number): { stop(): void } {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        this.runOnce()
          .catch((err: unknown) => deps.logger.error({ err }, 'task reminders failed'))
          .finally(() => (running = false));
      }, intervalMs);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
  };
}

/** The reminder job. */
export type TaskReminders = ReturnType<typeof createTaskReminders>;

/** The caller's newest notifications. */
export async function listNotifications(userId: string): Promise<Notification[]> {
  const rows = await NotificationModel.find({ userId: new Types.ObjectId(userId) })
    .sort({ createdAt: -1, _id: -1 })
    .limit(50)
    .lean<NotificationRow[]>();
  return rows.map((n) => ({
    id: n._id.toHexString(),
    taskId: n.taskId?.toHexString() ?? null,
    text: n.text,
    createdAt: n.createdAt.toISOString(),
    read: n.readAt !== null,
  }));
}

/** Marks one of the caller's notifications read (another's answers false). */
export async function markNotificationRead(userId: string, id: string): Promise<boolean> {
  if (!Types.ObjectId.isValid(id)) return false;
  const res = await NotificationModel.updateOne(
    { _id: new Types.ObjectId(id), userId: new Types.ObjectId(userId) },
    { $set: { readAt: new Date() } },
  );
  return res.matchedCount === 1;
}
