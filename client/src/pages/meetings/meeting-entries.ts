import type { Meeting, MyMeetingRole } from '../../../../server/contracts/meetings';

/** A live screen a person may go to from a meeting's row, its page or the home page. */
export type EntryKind = 'chair' | 'room' | 'bridge' | 'hall' | 'minutes';

/** The route each way in leads to. */
export const entryRoutes: Readonly<Record<EntryKind, string>> = {
  chair: 'meeting-chair',
  room: 'meeting-room',
  bridge: 'meeting-bridge',
  hall: 'meeting-hall',
  minutes: 'meeting-minutes',
};

const attends: readonly MyMeetingRole[] = ['delegate', 'presenter', 'observer', 'secretary'];

/**
 * The ways into a meeting's live screens for the caller, most important first, from the
 * caller's roles in it and its state: while it is live, the chair drives it from the console,
 * the secretary keeps the minutes, delegates sit in the room, site operators run their bridge,
 * and the chair or the host's administrator puts the hall screen up; before it starts the chair
 * opens the console (to start it there) and site operators check their devices on the bridge
 * view (it joins at the start); once it has ended everyone taking part reads the minutes.
 */
export function meetingEntries(m: Pick<Meeting, 'state' | 'myRoles'>): EntryKind[] {
  const roles = m.myRoles ?? [];
  const has = (r: MyMeetingRole): boolean => roles.includes(r);
  const out: EntryKind[] = [];
  const add = (k: EntryKind): void => {
    if (!out.includes(k)) out.push(k);
  };
  if (m.state === 'live') {
    if (has('chair')) add('chair');
    if (has('secretary')) add('minutes');
    if (roles.some((r) => attends.includes(r))) add('room');
    if (has('site_operator')) add('bridge');
    if (has('chair') || has('host_admin')) add('hall');
  } else if (m.state === 'scheduled') {
    if (has('chair')) add('chair');
    if (has('site_operator')) add('bridge');
  } else if (m.state === 'ended' || m.state === 'minutes_published') {
    if (roles.length) add('minutes');
  }
  return out;
}
