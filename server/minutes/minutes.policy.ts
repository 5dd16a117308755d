import type { MeetingAccess } from '../meetings/meeting.policy';
import { canView, takesPart } from '../meetings/meeting.policy';

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

/**
 * The route-level guard of the minutes' write routes: the caller chairs the meeting or keeps
 * its minutes. It runs before the body is read; the workflow table (`minutes.workflow.ts`)
 * then decides the exact step (one person may chair and keep the minutes).
 */
export const takesMinutesRole = (a: MeetingAccess): boolean =>
  a.role === 'chair' || a.role === 'secretary';

/** The route-level guard of approving and returning: the meeting's chair. */
export const isChair = (a: MeetingAccess): boolean => a.role === 'chair';
