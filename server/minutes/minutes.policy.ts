import type { MeetingState } from '../contracts/meetings';
import type { MinutesAbilities, MinutesStatus } from '../contracts/minutes';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { canView, takesPart } from '../meetings/meeting.policy';

/** Meeting states in which the minutes and the notice are written (and corrected). */
export const MINUTES_WRITING_STATES: readonly MeetingState[] = [
  'live',
  'ended',
  'minutes_published',
];
/** Meeting states in which a record may be published (the meeting is over). */
export const MINUTES_PUBLISHING_STATES: readonly MeetingState[] = ['ended', 'minutes_published'];

/** The meeting's secretary (writes, submits, publishes, starts corrections). */
export const isSecretary = (a: MeetingAccess): boolean => a.role === 'secretary';
/** The meeting's chair (writes, approves or returns, publishes). */
export const isChair = (a: MeetingAccess): boolean => a.role === 'chair';

/**
 * What the caller may do with one record now. Only the secretary and the chair act: the
 * secretary submits and starts corrections, the chair approves or returns, both publish.
 */
export function minutesAbilities(
  a: MeetingAccess | null,
  status: MinutesStatus,
  hasMeta: boolean,
): MinutesAbilities {
  const none = { edit: false, submit: false, review: false, publish: false, correct: false };
  if (!a) return none;
  const writer = isSecretary(a) || isChair(a);
  const writing = MINUTES_WRITING_STATES.includes(a.state);
  return {
    edit: writer && writing && status === 'drafting',
    submit: isSecretary(a) && writing && status === 'drafting' && hasMeta,
    review: isChair(a) && status === 'submitted',
    publish: writer && status === 'approved' && MINUTES_PUBLISHING_STATES.includes(a.state),
    correct: isSecretary(a) && status === 'published',
  };
}

/**
 * Who may read a published version: anyone for a public meeting (no login), logged-in
 * members of the host unit (and units below it) and participants for an internal one, only
 * participants for a confidential one.
 */
export function mayReadPublished(visibility: string, a: MeetingAccess | null): boolean {
  if (visibility === 'public') return true;
  if (!a) return false;
  if (visibility === 'internal') return canView(a);
  return takesPart(a);
}
