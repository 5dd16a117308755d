import type { AuthUser } from '../auth/auth-user';
import { hasRole } from '../auth/auth-user';
import type { TaskAbilities, TaskStatus } from '../contracts/tasks';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { canView } from '../meetings/meeting.policy';

/** What the task policies read of a task. */
export interface TaskFacts {
  visibility: string;
  leadUnitId: string;
  coordinatingUnitIds: string[];
  /** The involved units and the units above them. */
  visibleToUnitIds: string[];
  phase: 'open' | 'awaiting' | 'done';
  hasExtensionRequest: boolean;
}

/**
 * The issuing office of a meeting's tasks: its chair, its secretary and the administrators of
 * the host unit (or a unit above it). Only they accept or return a report.
 */
export function isIssuingOffice(a: MeetingAccess | null): boolean {
  return a !== null && (a.role === 'chair' || a.role === 'secretary' || a.hostAdmin);
}

/** Who marks conclusions of the notice as tasks: the meeting's secretary and chair. */
export function canMarkTasks(a: MeetingAccess): boolean {
  return a.role === 'chair' || a.role === 'secretary';
}

/**
 * Who sees a task: a unit sees its own tasks and those of the units below it; the issuing office
 * and system administrators see all of a meeting's. SECURITY: a confidential meeting's tasks are
 * seen only by those who may see the meeting and by members of the involved units themselves
 * (not the units above them).
 */
export function canSeeTask(user: AuthUser, t: TaskFacts, a: MeetingAccess | null): boolean {
  const involved = [t.leadUnitId, ...t.coordinatingUnitIds].includes(user.unitId);
  if (t.visibility === 'confidential') return (a !== null && canView(a)) || involved;
  return (
    hasRole(user, 'system_admin') || isIssuingOffice(a) || t.visibleToUnitIds.includes(user.unitId)
  );
}

/** The lead unit acts on its task: its members report, propose completion, ask for more time. */
export function isLeadUnitMember(user: AuthUser, t: TaskFacts): boolean {
  return user.unitId === t.leadUnitId;
}

/** What the caller may do with a task now. */
export function taskAbilities(
  user: AuthUser,
  t: TaskFacts,
  a: MeetingAccess | null,
  status: TaskStatus,
): TaskAbilities {
  const lead = isLeadUnitMember(user, t);
  const open = t.phase === 'open';
  return {
    report: lead && open,
    proposeCompletion: lead && open,
    review: isIssuingOffice(a) && t.phase === 'awaiting',
    requestExtension: lead && open && !t.hasExtensionRequest && status !== 'done_on_time',
    decideExtension: a?.role === 'chair' && t.hasExtensionRequest && t.phase !== 'done',
  };
}
