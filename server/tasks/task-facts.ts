// Shared pieces of the tasks: the clock, the computed status, the facts the policy reads, and
// how a change is written to the task's history and to the meeting's audit chain.
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { daysBetween } from '../contracts/task-deadline';
import type { TaskHistoryEntry, TaskStatus } from '../contracts/tasks';
import type { TaskRow } from './task.model';
import type { TaskFacts } from './task.policy';

/** A clock: the reminder job and the statuses read the time through it (tests move it). */
export type Clock = () => Date;

/** The computed status of a stored task on `today` (a day in Asia/Ho_Chi_Minh). */
export function taskStatus(
  t: Pick<TaskRow, 'phase' | 'deadline' | 'completedOn'>,
  today: string,
): TaskStatus {
  if (t.phase === 'done') {
    return daysBetween(t.deadline, t.completedOn ?? today) > 0 ? 'done_late' : 'done_on_time';
  }
  if (t.phase === 'awaiting') return 'awaiting_acceptance';
  return daysBetween(t.deadline, today) > 0 ? 'overdue' : 'in_progress';
}

/** The facts the policy reads. */
export function factsOf(t: TaskRow): TaskFacts {
  return {
    visibility: t.visibility,
    leadUnitId: t.leadUnitId.toHexString(),
    coordinatingUnitIds: t.coordinatingUnitIds.map((u) => u.toHexString()),
    visibleToUnitIds: t.visibleToUnitIds.map((u) => u.toHexString()),
    phase: t.phase,
    hasExtensionRequest: t.extensionDeadline !== null,
  };
}

/** A history line to push. */
export function historyLine(
  actor: AuthUser | null,
  action: TaskHistoryEntry['action'],
  at: Date,
  comment: string | null = null,
  details: Record<string, unknown> | null = null,
) {
  return {
    at,
    actor: actor ? { id: actor.id, name: actor.fullName } : { id: null, name: 'Hệ thống' },
    action,
    comment,
    detailsJson: details ? JSON.stringify(details) : null,
  };
}

/** Appends a task event to the meeting's audit chain. */
export function auditTask(
  actor: AuthUser | null,
  t: Pick<TaskRow, '_id' | 'meetingId'>,
  action: string,
  after?: unknown,
  before?: unknown,
) {
  return auditService.append({
    meetingId: t.meetingId.toHexString(),
    actor,
    action: `task.${action}`,
    target: { kind: 'task', id: t._id.toHexString() },
    ...(after === undefined ? {} : { after }),
    ...(before === undefined ? {} : { before }),
  });
}
