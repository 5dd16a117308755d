import { allowedTransitions } from '../contracts/meetings';
import type { InvalidTransitionDetails, MeetingState } from '../contracts/meetings';
import { appError } from '../errors';
import type { AppError } from '../errors';

/** Why a transition is not allowed, or null when it is. */
export function transitionProblem(
  current: MeetingState,
  requested: MeetingState,
): InvalidTransitionDetails | null {
  const allowed = allowedTransitions(current);
  if (allowed.includes(requested)) return null;
  return { current, requested, allowed: [...allowed] };
}

/** The 409 for an illegal transition, naming the current state and the allowed ones. */
export function invalidTransition(details: InvalidTransitionDetails): AppError {
  const allowed = details.allowed.length ? details.allowed.join(', ') : 'none (it is final)';
  return appError(
    'invalid_transition',
    409,
    `The meeting is ${details.current}; it cannot move to ${details.requested}. Allowed from ${details.current}: ${allowed}.`,
    details,
  );
}

/** States in which the meeting's details, participants and agenda may still change. */
export function isEditable(state: MeetingState): boolean {
  return state === 'draft' || state === 'scheduled' || state === 'live';
}

/** States in which documents may be added (until the minutes are published). */
export function acceptsDocuments(state: MeetingState): boolean {
  return isEditable(state) || state === 'ended';
}

/** The 409 for an action that the meeting's state does not allow. */
export function wrongState(state: MeetingState, action: string, needed: string): AppError {
  return appError(
    'conflict',
    409,
    `The meeting is ${state}; ${action} needs a meeting that is ${needed}.`,
    { current: state },
  );
}
