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
