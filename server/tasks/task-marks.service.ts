import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { AuthUser } from '../auth/auth-user';
import { auditService } from '../audit/audit.service';
import type { PutTaskMarksInput, TaskMark, TaskMarks } from '../contracts/tasks';
import { putTaskMarksSchema } from '../contracts/tasks';
import { badRequest, conflict } from '../errors';
import { requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { UnitModel } from '../units/unit.model';
import { TaskMarksModel, TaskModel } from './task.model';
import type { TaskMarksRow, TaskRow } from './task.model';
import { canMarkTasks } from './task.policy';
import { auditTask, historyLine } from './task-facts';
import type { Clock } from './task-facts';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

const MARK_REFUSAL = 'Only the secretary and the chair mark conclusions as tasks.';

/** Meeting states in which the notice is written, so tasks are marked in it. */
const MARKING_STATES = ['live', 'ended', 'minutes_published'];

/** What publishing a notice tells the tasks (see {@link TaskMarksService.createTasksFromPublishedNotice}). */
export interface PublishedNotice {
  actor: AuthUser;
  meetingId: string;
  kind: 'minutes' | 'notice';
  versionId: string;
  version: number;
}

interface StoredMark {
  id: string;
  title: string;
  leadUnitId: string;
  coordinatingUnitIds: string[];
  deadline: string;
  paragraphIndex: number;
  paragraphText: string;
}

function toMark(m: StoredMark): TaskMark {
  return {
    id: m.id,
    title: m.title,
    leadUnitId: m.leadUnitId,
    coordinatingUnitIds: [...m.coordinatingUnitIds],
    deadline: m.deadline,
    paragraph: { index: m.paragraphIndex, text: m.paragraphText },
  };
}

/**
 * The conclusions of a notice marked as tasks (kept beside the notice draft), and the tasks they
 * become when the notice is published.
 */
export function createTaskMarksService(deps: { clock: Clock; logger: Logger }) {
  async function marksOf(meetingId: string): Promise<TaskMark[]> {
    const row = await TaskMarksModel.findById(oid(meetingId)).lean<TaskMarksRow>();
    return (row?.marks ?? []).map(toMark);
  }

  return {
    /**
     * Whether the caller may change the marks (the secretary or the chair), without the input:
     * routes can run it before the body is validated. @throws 403/404.
     */
    async authorizeEdit(user: AuthUser, meetingId: string): Promise<void> {
      await requireAccess(user, meetingId, canMarkTasks, MARK_REFUSAL);
    },

    /** The marks of a meeting's notice (read by those who see the meeting). @throws 403/404. */
    async get(user: AuthUser, meetingId: string): Promise<TaskMarks> {
      const a = await requireAccess(user, meetingId);
      return {
        meetingId,
        marks: await marksOf(meetingId),
        canEdit: canMarkTasks(a) && MARKING_STATES.includes(a.state),
      };
    },

    /**
     * Replaces the marks (the secretary or the chair, while the notice is written). Units must
     * exist; the lead unit is not also a coordinating unit. @throws 400/403/404/409.
     */
    async put(user: AuthUser, meetingId: string, input: PutTaskMarksInput): Promise<TaskMarks> {
      const body = putTaskMarksSchema.parse(input);
      const a = await requireAccess(user, meetingId, canMarkTasks, MARK_REFUSAL);
      if (!MARKING_STATES.includes(a.state)) {
        throw conflict('Tasks are marked in the notice once the meeting is live.');
      }
      const unitIds = [
        ...new Set(body.marks.flatMap((m) => [m.leadUnitId, ...m.coordinatingUnitIds])),
      ];
      const found = await UnitModel.countDocuments({ _id: { $in: unitIds.map(oid) } });
      if (found !== unitIds.length) throw badRequest('A lead or coordinating unit does not exist.');
      if (body.marks.some((m) => m.coordinatingUnitIds.includes(m.leadUnitId))) {
        throw badRequest('The lead unit is not also a coordinating unit of the same task.');
      }
      const before = await marksOf(meetingId);
      const marks = body.marks.map((m) => ({
        id: m.id ?? randomUUID(),
        title: m.title,
        leadUnitId: m.leadUnitId,
        coordinatingUnitIds: [...new Set(m.coordinatingUnitIds)],
        deadline: m.deadline,
        paragraphIndex: m.paragraph.index,
        paragraphText: m.paragraph.text,
      }));
      await TaskMarksModel.updateOne(
        { _id: oid(meetingId) },
        { $set: { marks } },
        { upsert: true },
      );
      await auditService.append({
        meetingId,
        actor: user,
        action: 'notice.task_marks',
        target: { kind: 'notice', id: meetingId },
        before: { count: before.length },
        after: { count: marks.length, titles: marks.map((m) => m.title.slice(0, 80)) },
      });
      return { meetingId, marks: marks.map(toMark), canEdit: true };
    },

    /**
     * Creates the tasks of a published notice from its marks, linked to the published version.
     * A correction (a later version) updates the tasks of the same marks and says so in their
     * history; a task whose mark was removed stays (it was assigned). Minutes are ignored.
     * Idempotent: one task per mark (unique index).
     */
    async createTasksFromPublishedNotice(e: PublishedNotice): Promise<number> {
      if (e.kind !== 'notice') return 0;
      const marks = await marksOf(e.meetingId);
      if (marks.length === 0) return 0;
      const meeting = await MeetingModel.findById(oid(e.meetingId), {
        title: 1,
        hostUnitId: 1,
        hostUnitPath: 1,
        visibility: 1,
      }).lean();
      if (!meeting) return 0;
      const unitIds = [...new Set(marks.flatMap((m) => [m.leadUnitId, ...m.coordinatingUnitIds]))];
      const units = await UnitModel.find(
        { _id: { $in: unitIds.map(oid) } },
        { ancestorIds: 1 },
      ).lean();
      const chain = new Map(
        units.map((u) => [u._id.toHexString(), [...u.ancestorIds.map(String), String(u._id)]]),
      );
      const now = deps.clock();
      let count = 0;
      for (const m of marks) {
        const involved = [m.leadUnitId, ...m.coordinatingUnitIds];
        const visibleTo = [...new Set(involved.flatMap((u) => chain.get(u) ?? [u]))].map(oid);
        const fields = {
          title: m.title,
          leadUnitId: oid(m.leadUnitId),
          coordinatingUnitIds: m.coordinatingUnitIds.map(oid),
          visibleToUnitIds: visibleTo,
          deadline: m.deadline,
          paragraphIndex: m.paragraph.index,
          paragraphText: m.paragraph.text,
          noticeVersionId: oid(e.versionId),
          noticeVersion: e.version,
        };
        const existing = await TaskModel.findOne({
          meetingId: meeting._id,
          markId: m.id,
        }).lean<TaskRow>();
        if (existing) {
          const changed: string[] = (['title', 'deadline'] as const).filter(
            (k) => existing[k] !== fields[k],
          );
          if (existing.leadUnitId.toHexString() !== m.leadUnitId) changed.push('leadUnit');
          await TaskModel.updateOne(
            { _id: existing._id },
            {
              $set: fields,
              $push: {
                history: historyLine(e.actor, 'corrected', now, null, {
                  version: e.version,
                  changed,
                  deadline: { from: existing.deadline, to: m.deadline },
                }),
              },
              $inc: { rev: 1 },
            },
          );
          await auditTask(e.actor, existing, 'corrected', {
            version: e.version,
            deadline: m.deadline,
          });
          continue;
        }
        const created = await TaskModel.create({
          meetingId: meeting._id,
          meetingTitle: meeting.title,
          hostUnitId: meeting.hostUnitId,
          hostUnitPath: meeting.hostUnitPath,
          visibility: meeting.visibility,
          markId: m.id,
          ...fields,
          history: [historyLine(e.actor, 'created', now, null, { version: e.version })],
        });
        await auditTask(e.actor, created, 'created', {
          title: m.title.slice(0, 200),
          leadUnitId: m.leadUnitId,
          deadline: m.deadline,
          noticeVersionId: e.versionId,
        });
        count++;
      }
      deps.logger.info({ meetingId: e.meetingId, count }, 'tasks created from the notice');
      return count;
    },
  };
}

/** The marks service. */
export type TaskMarksService = ReturnType<typeof createTaskMarksService>;
