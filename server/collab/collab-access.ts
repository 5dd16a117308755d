import type { CollabAccess } from '../../collab/contracts/authorize';
import type { DocName } from '../../collab/contracts/doc-names';
import type { MeetingState } from '../contracts/meetings';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { canManage, canReadDocuments, canView, takesPart } from '../meetings/meeting.policy';

/** States in which the agenda and drafts are still prepared and changed. */
const PREPARING: readonly MeetingState[] = ['draft', 'scheduled', 'live'];
/** States in which the minutes and the notice are written (after publishing: the notice, corrections; the minutes lock decides). */
const WRITING_MINUTES: readonly MeetingState[] = ['live', 'ended', 'minutes_published'];

/**
 * Extra facts the minutes module knows: while the minutes (or notice) wait for the chair's
 * approval or are published, nobody edits them.
 */
export interface MinutesLock {
  /** True when the document of this kind is locked for editing for this meeting. */
  locked: boolean;
}

/**
 * What a user may do with a co-edited document, from their meeting access and the meeting's
 * state. Pure: the single rule book of the collab authorize callback and the versions API.
 *  - agenda: the meeting's managers write while it is prepared or live; those who see it read.
 *  - drafts (draft resolutions): managers, presenters and delegates write while prepared or
 *    live; those who may read the documents read.
 *  - minutes and notice: the secretary and the chair write while the meeting is live or ended
 *    and the text is not locked (submitted for approval or published); readers of documents read.
 *  - private notes: only their owner, who must take part; nobody else, not even the chair.
 */
export function collabAccessFor(
  a: MeetingAccess,
  doc: DocName,
  minutes: MinutesLock = { locked: false },
): CollabAccess {
  if (!canView(a)) return 'none';
  if (a.state === 'cancelled' && doc.kind !== 'agenda') {
    return canReadDocuments(a) ? 'read' : 'none';
  }
  switch (doc.kind) {
    case 'agenda':
      if (canManage(a) && PREPARING.includes(a.state)) return 'write';
      return 'read';
    case 'draft':
      if (!canReadDocuments(a)) return 'none';
      if (
        PREPARING.includes(a.state) &&
        (canManage(a) || a.role === 'presenter' || a.role === 'delegate')
      ) {
        return 'write';
      }
      return 'read';
    case 'minutes':
    case 'notice':
      if (!canReadDocuments(a)) return 'none';
      if (
        (a.role === 'secretary' || a.role === 'chair') &&
        WRITING_MINUTES.includes(a.state) &&
        !minutes.locked
      ) {
        return 'write';
      }
      return 'read';
    case 'notes':
      return doc.userId === a.userId && takesPart(a) ? 'write' : 'none';
  }
}
