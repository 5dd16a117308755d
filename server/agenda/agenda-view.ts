import { Types } from 'mongoose';
import type { Agenda, AgendaItem, AgendaItemStatus } from '../contracts/agenda';
import { MeetingModel } from '../meetings/meeting.model';
import { notFound } from '../errors';
import { userService } from '../users/user.service';
import { AgendaItemModel } from './agenda-item.model';

/** An item of the record (removed ones included), as the planner compares it. */
export interface RecordItem {
  id: string;
  order: number;
  title: string;
  presenterId: string | null;
  durationMinutes: number;
  documentIds: string[];
  notes: string;
  removed: boolean;
}

/** The record's items of a meeting (removed ones included), in order. */
export async function recordItems(meetingId: string): Promise<RecordItem[]> {
  const rows = await AgendaItemModel.find({ meetingId: new Types.ObjectId(meetingId) })
    .sort({ order: 1, _id: 1 })
    .lean();
  return rows.map((r) => ({
    id: r._id.toHexString(),
    order: r.order,
    title: r.title,
    presenterId: r.presenterId?.toHexString() ?? null,
    durationMinutes: r.durationMinutes,
    documentIds: r.documentIds.map((d) => d.toHexString()),
    notes: r.notes,
    removed: r.removed,
  }));
}

/** An item's status from the meeting's current item and the items already dealt with. */
export function statusOf(
  itemId: string,
  currentItemId: string | null,
  doneItemIds: ReadonlySet<string>,
): AgendaItemStatus {
  if (itemId === currentItemId) return 'current';
  return doneItemIds.has(itemId) ? 'done' : 'pending';
}

/**
 * The materialized agenda of a meeting as the API returns it: items on the agenda in order,
 * with presenter names and statuses.
 * @throws AppError 404 when the meeting does not exist.
 */
export async function buildAgenda(meetingId: string): Promise<Agenda> {
  const meeting = await MeetingModel.findById(new Types.ObjectId(meetingId), {
    currentItemId: 1,
    doneItemIds: 1,
  }).lean();
  if (!meeting) throw notFound(`Meeting ${meetingId}`);
  const items = (await recordItems(meetingId)).filter((i) => !i.removed);
  const presenters = new Map(
    (await userService.getMany(items.flatMap((i) => (i.presenterId ? [i.presenterId] : [])))).map(
      (u) => [u.id, u.fullName],
    ),
  );
  const current = meeting.currentItemId?.toHexString() ?? null;
  const done = new Set(meeting.doneItemIds.map((d) => d.toHexString()));
  const dto: AgendaItem[] = items.map((i, order) => ({
    id: i.id,
    meetingId,
    order,
    title: i.title,
    presenterId: i.presenterId,
    presenterName: i.presenterId ? (presenters.get(i.presenterId) ?? null) : null,
    durationMinutes: i.durationMinutes,
    documentIds: i.documentIds,
    notes: i.notes,
    status: statusOf(i.id, current, done),
  }));
  return { meetingId, currentItemId: current, items: dto };
}
