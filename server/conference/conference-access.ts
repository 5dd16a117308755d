import { Types } from 'mongoose';
import { appError } from '../errors';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { notLiveRefusal } from './conference-refusals';

/** An ObjectId from a string id already validated at the edge. */
export const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

/** @throws AppError 409 (`meeting_not_started` / `meeting_over`) unless the meeting is live. */
export function requireLive(access: MeetingAccess): void {
  const refusal = notLiveRefusal(access.state);
  if (refusal) throw refusal;
}

/** The refusal while the chair has ended the meeting's conference. */
export function conferenceEnded(endedAt: Date): Error {
  return appError(
    'conference_ended',
    409,
    'The chair ended the video conference of this meeting; only the chair can open it again.',
    { reason: 'conference_ended', endedAt: endedAt.toISOString() },
  );
}

/** Whether a MongoDB write failed on a unique index (the record already exists). */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}
