import { Types } from 'mongoose';
import { agendaService } from '../agenda/agenda.service';
import type { AuthUser } from '../auth/auth-user';
import { vietnameseDate } from '../contracts/task-deadline';
import type { OverdueAgendaResult } from '../contracts/tasks';
import { conflict, notFound } from '../errors';
import { requireAccess } from '../meetings/meeting-access.service';
import { canManage } from '../meetings/meeting.policy';
import { MeetingModel } from '../meetings/meeting.model';
import { unitService } from '../units/unit.service';
import { OverdueAgendaItemModel } from './task.model';
import type { TaskService } from './task.service';

/** The agenda item's title (the next meeting looks at what is overdue). */
export const OVERDUE_ITEM_TITLE = 'Tình hình thực hiện các nhiệm vụ quá hạn';

/**
 * "Add overdue tasks": puts the overdue tasks of earlier meetings of the same host unit on a
 * meeting in preparation as one agenda item listing them (through the agenda service, so the
 * co-edited agenda shows it at once). Nothing overdue adds nothing. @throws 403/404/409.
 */
export async function addOverdueTasksToAgenda(
  tasks: TaskService,
  user: AuthUser,
  meetingId: string,
): Promise<OverdueAgendaResult> {
  const a = await requireAccess(
    user,
    meetingId,
    canManage,
    'Only the chair, the secretary or an administrator of the host unit may edit the agenda.',
  );
  if (a.state !== 'draft' && a.state !== 'scheduled') {
    throw conflict('Overdue tasks are added while the meeting is prepared (draft or scheduled).');
  }
  const meeting = await MeetingModel.findById(meetingId, { hostUnitId: 1 }).lean();
  if (!meeting) throw notFound(`Meeting ${meetingId}`);
  const overdue = await tasks.overdueOfHost(meeting.hostUnitId, meetingId);
  if (overdue.length === 0) return { added: false, taskCount: 0, itemId: null };
  const names = await unitService.namesByIds(overdue.map((t) => t.leadUnitId.toHexString()));
  const lines = overdue.map(
    (t) =>
      `${t.title} — chủ trì: ${names.get(t.leadUnitId.toHexString()) ?? ''}; hạn ${vietnameseDate(t.deadline)} (cuộc họp: ${t.meetingTitle})`,
  );
  let notes = lines.map((l, i) => `${String(i + 1)}. ${l}`).join('\n');
  if (notes.length > 4900) notes = `${notes.slice(0, 4900)}\n…`;
  const agenda = await agendaService.add(user, meetingId, {
    title: OVERDUE_ITEM_TITLE,
    presenterId: null,
    durationMinutes: 15,
    documentIds: [],
    notes,
  });
  const item = agenda.items.at(-1);
  if (item) {
    await OverdueAgendaItemModel.create({
      meetingId: meeting._id,
      itemId: item.id,
      taskIds: overdue.map((t) => t._id),
      lines,
    });
  }
  return { added: true, taskCount: overdue.length, itemId: item?.id ?? null };
}

/**
 * The overdue tasks each "add overdue tasks" item of a meeting lists, by agenda item id: the
 * minutes of that meeting write them under the item, before what was said about them.
 */
export async function overdueListings(meetingId: string): Promise<Map<string, string[]>> {
  if (!Types.ObjectId.isValid(meetingId)) return new Map();
  const rows = await OverdueAgendaItemModel.find(
    { meetingId: new Types.ObjectId(meetingId) },
    { itemId: 1, lines: 1 },
  ).lean();
  return new Map(rows.map((r) => [r.itemId, r.lines]));
}
