import type { MeetingState } from '../contracts/meetings';
import type { MinutesAbilities, MinutesStatus } from '../contracts/minutes';
import type { MeetingAccess } from '../meetings/meeting.policy';

// The one source of truth of the minutes workflow: state × action → next state, who may take
// the action and in which states of the meeting. Abilities shown to the browser, the checks of
// every action and the 409/403 messages all come from this table. The meeting's state follows
// the minutes (publishing the minutes moves the meeting to minutes_published), never the reverse.

/** What someone does to a record. */
export type MinutesAction =
  'edit' | 'number' | 'submit' | 'approve' | 'return' | 'publish' | 'correct';
/** The two people who act on the minutes. One person may be both. */
export type MinutesRole = 'secretary' | 'chair';

/** Meeting states in which the minutes and the notice are written (and corrected). */
export const MINUTES_WRITING_STATES: readonly MeetingState[] = [
  'live',
  'ended',
  'minutes_published',
];
/** Meeting states in which a record may be published (the meeting is over). */
export const MINUTES_PUBLISHING_STATES: readonly MeetingState[] = ['ended', 'minutes_published'];

interface Step {
  to: MinutesStatus;
  by: readonly MinutesRole[];
  /** Meeting states in which the step is allowed (unset: any). */
  meeting?: readonly MeetingState[];
  /** What the step needs, for the 409 message. */
  needs: string;
}

/** The workflow: for each status, the actions allowed and where they lead. */
export const MINUTES_TRANSITIONS: Readonly<
  Record<MinutesStatus, Partial<Record<MinutesAction, Step>>>
> = {
  drafting: {
    edit: {
      to: 'drafting',
      by: ['secretary', 'chair'],
      meeting: MINUTES_WRITING_STATES,
      needs: 'drafting (and the meeting live or over)',
    },
    number: {
      to: 'drafting',
      by: ['secretary', 'chair'],
      meeting: MINUTES_WRITING_STATES,
      needs: 'drafting or approved',
    },
    submit: {
      to: 'submitted',
      by: ['secretary'],
      meeting: MINUTES_WRITING_STATES,
      needs: 'drafting (and the meeting live or over)',
    },
  },
  submitted: {
    approve: { to: 'approved', by: ['chair'], needs: 'submitted' },
    return: { to: 'drafting', by: ['chair'], needs: 'submitted' },
  },
  approved: {
    // The records office gives the number when the text is issued, after its approval.
    number: { to: 'approved', by: ['secretary', 'chair'], needs: 'drafting or approved' },
    publish: {
      to: 'published',
      by: ['secretary', 'chair'],
      meeting: MINUTES_PUBLISHING_STATES,
      needs: 'approved (and the meeting over)',
    },
  },
  published: {
    correct: { to: 'drafting', by: ['secretary'], needs: 'published' },
  },
};

/** Who may take each action, whatever the state (the 403 before the 409). */
export const ACTION_ROLES: Readonly<Record<MinutesAction, readonly MinutesRole[]>> = {
  edit: ['secretary', 'chair'],
  number: ['secretary', 'chair'],
  submit: ['secretary'],
  approve: ['chair'],
  return: ['chair'],
  publish: ['secretary', 'chair'],
  correct: ['secretary'],
};

/** The 403 message of each action. */
export const ACTION_REFUSALS: Readonly<Record<MinutesAction, string>> = {
  edit: 'Only the secretary and the chair write the minutes.',
  number: 'Only the secretary and the chair give the number and symbol.',
  submit: 'Only the secretary submits the minutes for approval.',
  approve: 'Only the chair approves or returns the minutes.',
  return: 'Only the chair approves or returns the minutes.',
  publish: 'Only the secretary and the chair publish the minutes.',
  correct: 'Only the secretary starts a correction.',
};

/** The caller as the workflow sees them: their roles for this meeting, and its state. */
export interface MinutesActor {
  roles: ReadonlySet<MinutesRole>;
  meetingState: MeetingState;
}

/**
 * The caller's workflow roles: chair and secretary by the meeting's own fields (one person may
 * hold both); with no secretary named, the chair keeps the minutes.
 */
export function minutesRoles(
  userId: string,
  meeting: { chairId: string; secretaryId: string | null },
): Set<MinutesRole> {
  const roles = new Set<MinutesRole>();
  if (meeting.chairId === userId) roles.add('chair');
  if (meeting.secretaryId === userId || (meeting.secretaryId === null && roles.has('chair'))) {
    roles.add('secretary');
  }
  return roles;
}

/** The actor for an access and the meeting's chair and secretary. */
export function actorOf(
  a: MeetingAccess | null,
  meeting: { chairId: string; secretaryId: string | null } | null,
): MinutesActor | null {
  if (!a || !meeting) return null;
  return { roles: minutesRoles(a.userId, meeting), meetingState: a.state };
}

/** Whether `actor` may take `action` on a record in `status` (the role and the state). */
export function mayTake(
  actor: MinutesActor | null,
  status: MinutesStatus,
  action: MinutesAction,
): boolean {
  const step = MINUTES_TRANSITIONS[status][action];
  if (!actor || !step) return false;
  if (!step.by.some((r) => actor.roles.has(r))) return false;
  return !step.meeting || step.meeting.includes(actor.meetingState);
}

/** Why an action is refused: 'role' (403), 'state' (409), or null when allowed. */
export function refusal(
  actor: MinutesActor,
  status: MinutesStatus,
  action: MinutesAction,
): { kind: 'role' | 'state'; message: string } | null {
  if (!ACTION_ROLES[action].some((r) => actor.roles.has(r))) {
    return { kind: 'role', message: ACTION_REFUSALS[action] };
  }
  if (mayTake(actor, status, action)) return null;
  const needed = Object.values(MINUTES_TRANSITIONS)
    .map((steps) => steps[action]?.needs)
    .find((n) => n !== undefined);
  return {
    kind: 'state',
    message: `The text is ${status}; ${action} needs it to be ${needed ?? 'in another state'}.`,
  };
}

/** The next status after `action` from `status`. @throws Error when the table has no such step. */
export function nextStatus(status: MinutesStatus, action: MinutesAction): MinutesStatus {
  const step = MINUTES_TRANSITIONS[status][action];
  if (!step) throw new Error(`no ${action} from ${status}`);
  return step.to;
}

/** What the caller may do with one record now (the buttons the screens show). */
export function minutesAbilities(
  actor: MinutesActor | null,
  status: MinutesStatus,
  hasMeta: boolean,
): MinutesAbilities {
  return {
    edit: mayTake(actor, status, 'edit'),
    number: mayTake(actor, status, 'number'),
    submit: hasMeta && mayTake(actor, status, 'submit'),
    review: mayTake(actor, status, 'approve'),
    publish: mayTake(actor, status, 'publish'),
    correct: mayTake(actor, status, 'correct'),
  };
}
