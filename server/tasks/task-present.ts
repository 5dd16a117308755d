import type { AuthUser } from '../auth/auth-user';
import type { Task, TaskHistoryEntry } from '../contracts/tasks';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { unitService } from '../units/unit.service';
import { factsOf, taskStatus } from './task-facts';
import type { TaskRow } from './task.model';
import { taskAbilities } from './task.policy';
import type { Types } from 'mongoose';

/** A stored task as the API presents it, with what `user` may do with it on `today`. */
export async function presentTask(
  user: AuthUser,
  t: TaskRow,
  a: MeetingAccess | null,
  today: string,
): Promise<Task> {
  const unitIds = [
    t.hostUnitId.toHexString(),
    t.leadUnitId.toHexString(),
    ...t.coordinatingUnitIds.map((u) => u.toHexString()),
  ];
  const names = await unitService.namesByIds(unitIds);
  const ref = (id: Types.ObjectId) => ({
    id: id.toHexString(),
    name: names.get(id.toHexString()) ?? '',
  });
  const status = taskStatus(t, today);
  return {
    id: t._id.toHexString(),
    meeting: {
      id: t.meetingId.toHexString(),
      title: t.meetingTitle,
      hostUnit: ref(t.hostUnitId),
    },
    notice: { versionId: t.noticeVersionId.toHexString(), version: t.noticeVersion },
    paragraph: { index: t.paragraphIndex, text: t.paragraphText },
    title: t.title,
    leadUnit: ref(t.leadUnitId),
    coordinatingUnits: t.coordinatingUnitIds.map(ref),
    deadline: t.deadline,
    status,
    completedOn: t.completedOn ?? null,
    extensionRequest:
      t.extensionDeadline && t.extensionRequestedAt
        ? {
            deadline: t.extensionDeadline,
            reason: t.extensionReason ?? '',
            requestedAt: t.extensionRequestedAt.toISOString(),
          }
        : null,
    lastReport: t.lastReport ?? null,
    attachments: t.attachments.map((f) => ({
      id: f.fileId.toHexString(),
      filename: f.filename,
      size: f.size,
      sha256: f.sha256,
      uploadedAt: f.uploadedAt.toISOString(),
      uploadedBy: f.uploadedBy.name,
      url: `/api/tasks/${t._id.toHexString()}/attachments/${f.fileId.toHexString()}`,
    })),
    createdAt: t.createdAt.toISOString(),
    history: t.history.map((h) => ({
      at: h.at.toISOString(),
      actor: { id: h.actor.id ?? null, name: h.actor.name },
      action: h.action as TaskHistoryEntry['action'],
      comment: h.comment ?? null,
      details: h.detailsJson ? (JSON.parse(h.detailsJson) as Record<string, unknown>) : null,
    })),
    can: taskAbilities(user, factsOf(t), a, status),
  };
}
