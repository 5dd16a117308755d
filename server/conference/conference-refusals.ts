import type { MeetingState } from '../contracts/meetings';
import { appError } from '../errors';
import type { AppError } from '../errors';

/**
 * Why the conference refuses someone, one error code per cause, so the bridge view says what is
 * really wrong (and what to do) instead of one catch-all "not open for you".
 */
export const conferenceRefusals = {
  /** The meeting is a draft or scheduled: the bridge opens when the chair starts it. */
  notStarted: (state: MeetingState): AppError =>
    appError(
      'meeting_not_started',
      409,
      `The meeting has not started yet (it is ${state}); its bridge opens when the chair starts it.`,
      { current: state, reason: 'not_live' },
    ),
  /** The meeting ended (or was cancelled): its bridge is closed for good. */
  meetingOver: (state: MeetingState): AppError =>
    appError('meeting_over', 409, `The meeting is over (it is ${state}); its bridge is closed.`, {
      current: state,
      reason: 'not_live',
    }),
  /** Neither invited nor an operator of any of the meeting's sites. */
  notSiteOperator: (): AppError =>
    appError(
      'not_site_operator',
      403,
      "You are not an operator of any site in this meeting, nor invited to it. Ask the meeting's chair or secretary to name you operator of your unit's site.",
    ),
  /** Asked to join as a site the caller does not operate. */
  notOperatorOfSite: (siteName: string): AppError =>
    appError(
      'not_site_operator',
      403,
      `You are not an operator of the site ${siteName}. Ask the meeting's chair or secretary to name you its operator.`,
    ),
  /** Only the chair puts the hub (the host unit's room) on air from the console. */
  hubForChairOnly: (): AppError =>
    appError('forbidden', 403, 'Only the chair puts the hub on air.'),
};

/**
 * The refusal for a meeting that is not live. @throws nothing; returns null while it is live.
 */
export function notLiveRefusal(state: MeetingState): AppError | null {
  if (state === 'live') return null;
  return state === 'draft' || state === 'scheduled'
    ? conferenceRefusals.notStarted(state)
    : conferenceRefusals.meetingOver(state);
}
