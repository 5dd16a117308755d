import type { Request } from 'express';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { hasRole } from '../auth/auth-user';
import { daysBetween, vietnamDay } from '../contracts/task-deadline';
import { auditTask, factsOf, historyLine, taskStatus } from './task-facts';
import { presentTask } from './task-present';
import type { Clock } from './task-facts';
import type {
  ListTasksQuery,
  Task,
  TaskExtensionDecisionInput,
  TaskExtensionRequestInput,
  TaskList,
  TaskReportInput,
  TaskReviewInput,
  TaskSummary,
  TaskSummaryQuery,
} from '../contracts/tasks';
import {
  taskExtensionDecisionSchema,
  taskExtensionRequestSchema,
  taskReportSchema,
  taskReviewSchema,
} from '../contracts/tasks';
import { documentTypes } from '../contracts/documents';
import { contentDisposition, safeFilename } from '../documents/content-disposition';
import { openFile, receiveUpload, removeFile } from '../documents/document-storage';
import { appError, conflict, forbidden, notFound } from '../errors';
import { accessOf } from '../meetings/meeting-access.service';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { ParticipantModel } from '../meetings/participant.model';
import { unitService } from '../units/unit.service';
import { summarizeTasks } from './task-summary';
import { TaskModel } from './task.model';
import type { TaskRow } from './task.model';
import { canSeeTask, isIssuingOffice, isLeadUnitMember } from './task.policy';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);
const LIST_LIMIT = 1000;

/** What a task route does, as far as authorization goes. */
export type TaskAction = 'report' | 'review' | 'decideExtension';

const REFUSALS: Record<TaskAction, string> = {
  report: 'Only members of the lead unit report on this task, ask for more time or attach files.',
  review: 'Only the issuing office (chair, secretary, host administrators) accepts or returns.',
  decideExtension: 'Only the chair of the meeting decides extensions.',
};

/** What the task service needs. */
export interface TaskServiceDeps {
  clock: Clock;
}

/**
 * Tasks assigned by published notices: listing by unit, reports, acceptance by the issuing
 * office, extensions decided by the chair. Every change goes to the task's history and to the
 * meeting's audit chain.
 */
export function createTaskService(deps: TaskServiceDeps) {
  const today = (): string => vietnamDay(deps.clock());

  async function loadVisible(
    user: AuthUser,
    id: string,
  ): Promise<{ t: TaskRow; a: MeetingAccess | null }> {
    const t = Types.ObjectId.isValid(id) ? await TaskModel.findById(oid(id)).lean<TaskRow>() : null;
    if (!t) throw notFound(`Task ${id}`);
    const a = await accessOf(user, t.meetingId.toHexString());
    if (!canSeeTask(user, factsOf(t), a)) {
      // SECURITY: a confidential meeting's task does not reveal that it exists.
      if (t.visibility === 'confidential') throw notFound(`Task ${id}`);
      throw forbidden('This task belongs to a unit outside yours.');
    }
    return { t, a };
  }

  /**
   * The task, if the caller sees it and holds the role an action needs (the lead unit reports,
   * asks for time and attaches; the issuing office reviews; the chair decides extensions).
   * Reads nothing of the request body, so routes can run it first. @throws 403/404.
   */
  async function authorized(
    user: AuthUser,
    id: string,
    action: TaskAction,
  ): Promise<{ t: TaskRow; a: MeetingAccess | null }> {
    const { t, a } = await loadVisible(user, id);
    const allowed =
      action === 'review'
        ? isIssuingOffice(a)
        : action === 'decideExtension'
          ? a?.role === 'chair'
          : isLeadUnitMember(user, factsOf(t));
    if (!allowed) throw forbidden(REFUSALS[action]);
    return { t, a };
  }

  const present = (user: AuthUser, t: TaskRow, a: MeetingAccess | null): Promise<Task> =>
    presentTask(user, t, a, today());

  /** One revision-checked write: a concurrent change answers 409 and changes nothing. */
  async function write(
    t: TaskRow,
    set: Record<string, unknown>,
    line: ReturnType<typeof historyLine>,
    push: Record<string, unknown> = {},
  ): Promise<TaskRow> {
    const res = await TaskModel.updateOne(
      { _id: t._id, rev: t.rev },
      {
        ...(Object.keys(set).length ? { $set: set } : {}),
        $push: { history: line, ...push },
        $inc: { rev: 1 },
      },
    );
    if (res.modifiedCount !== 1) {
      throw conflict('Someone else changed this task at the same moment; reload it.');
    }
    const fresh = await TaskModel.findById(t._id).lean<TaskRow>();
    if (!fresh) throw notFound(`Task ${t._id.toHexString()}`);
    return fresh;
  }

  async function candidates(user: AuthUser, query: ListTasksQuery): Promise<TaskRow[]> {
    const filter: Record<string, unknown> = {};
    if (query.meetingId) filter.meetingId = oid(query.meetingId);
    if (query.unitId) {
      const u = oid(query.unitId);
      filter.$and = [{ $or: [{ leadUnitId: u }, { coordinatingUnitIds: u }] }];
    }
    if (!hasRole(user, 'system_admin')) {
      const office = await ParticipantModel.find(
        { userId: oid(user.id), role: { $in: ['chair', 'secretary'] } },
        { meetingId: 1 },
      ).lean();
      const mine: Record<string, unknown>[] = [
        { visibleToUnitIds: oid(user.unitId) },
        { leadUnitId: oid(user.unitId) },
        { coordinatingUnitIds: oid(user.unitId) },
      ];
      if (office.length) mine.push({ meetingId: { $in: office.map((p) => p.meetingId) } });
      if (hasRole(user, 'unit_admin')) mine.push({ hostUnitPath: oid(user.unitId) });
      filter.$or = mine;
    }
    return TaskModel.find(filter).sort({ deadline: 1, _id: 1 }).limit(LIST_LIMIT).lean<TaskRow[]>();
  }

  /** The tasks the caller may see, with the caller's access to their meetings, filtered. */
  async function visible(
    user: AuthUser,
    query: ListTasksQuery,
  ): Promise<{ t: TaskRow; a: MeetingAccess | null }[]> {
    const rows = await candidates(user, query);
    const access = new Map<string, MeetingAccess | null>();
    const out: { t: TaskRow; a: MeetingAccess | null }[] = [];
    for (const t of rows) {
      const mid = t.meetingId.toHexString();
      if (!access.has(mid)) access.set(mid, await accessOf(user, mid));
      const a = access.get(mid) ?? null;
      if (!canSeeTask(user, factsOf(t), a)) continue;
      if (query.status && taskStatus(t, today()) !== query.status) continue;
      out.push({ t, a });
    }
    return out;
  }

  return {
    /**
     * Authorization of an action on a task, without its input: routes run it before the body
     * is validated. @throws 403/404.
     */
    async authorize(user: AuthUser, id: string, action: TaskAction): Promise<void> {
      await authorized(user, id, action);
    },

    /** Tasks the caller may see, filtered. */
    async list(user: AuthUser, query: ListTasksQuery): Promise<TaskList> {
      const items: Task[] = [];
      for (const { t, a } of await visible(user, query)) items.push(await present(user, t, a));
      return { items, total: items.length };
    },

    /**
     * The tasks the caller may see (as {@link list} filters them, and by month of deadline),
     * counted per status by lead unit, by meeting and by month: the dashboards.
     */
    async summary(user: AuthUser, query: TaskSummaryQuery): Promise<TaskSummary> {
      const day = today();
      const rows = (await visible(user, query))
        .map(({ t }) => t)
        .filter((t) => {
          const month = t.deadline.slice(0, 7);
          return (!query.from || month >= query.from) && (!query.to || month <= query.to);
        });
      const names = await unitService.namesByIds(rows.map((t) => t.leadUnitId.toHexString()));
      return summarizeTasks(
        rows.map((t) => ({
          status: taskStatus(t, day),
          deadline: t.deadline,
          unit: {
            id: t.leadUnitId.toHexString(),
            name: names.get(t.leadUnitId.toHexString()) ?? '',
          },
          meeting: { id: t.meetingId.toHexString(), name: t.meetingTitle },
        })),
      );
    },

    /** One task. @throws 403, 404. */
    async get(user: AuthUser, id: string): Promise<Task> {
      const { t, a } = await loadVisible(user, id);
      return present(user, t, a);
    },

    /** The lead unit reports progress, optionally proposing completion. @throws 403/404/409. */
    async report(user: AuthUser, id: string, input: TaskReportInput): Promise<Task> {
      const body = taskReportSchema.parse(input);
      const { t, a } = await authorized(user, id, 'report');
      if (t.phase !== 'open') {
        throw conflict(
          t.phase === 'done'
            ? 'This task is done; nothing more to report.'
            : 'The completion is awaiting the issuing office; wait for its decision.',
        );
      }
      const now = deps.clock();
      const action = body.proposeCompletion ? 'completion_proposed' : 'reported';
      const fresh = await write(
        t,
        {
          lastReport: body.text,
          ...(body.proposeCompletion ? { phase: 'awaiting', proposedOn: vietnamDay(now) } : {}),
        },
        historyLine(user, action, now, body.text),
      );
      await auditTask(user, t, action, { text: body.text.slice(0, 200) });
      return present(user, fresh, a);
    },

    /** The issuing office accepts or returns a proposed completion. @throws 403/404/409. */
    async review(user: AuthUser, id: string, input: TaskReviewInput): Promise<Task> {
      const body = taskReviewSchema.parse(input);
      const { t, a } = await authorized(user, id, 'review');
      if (t.phase !== 'awaiting') throw conflict('No completion is awaiting a decision.');
      const now = deps.clock();
      const accept = body.decision === 'accept';
      const fresh = await write(
        t,
        accept
          ? { phase: 'done', completedOn: t.proposedOn ?? vietnamDay(now) }
          : { phase: 'open', proposedOn: null },
        historyLine(user, accept ? 'accepted' : 'returned', now, body.comment || null),
      );
      await auditTask(user, t, accept ? 'accepted' : 'returned', {
        comment: body.comment,
        status: taskStatus(fresh, today()),
      });
      return present(user, fresh, a);
    },

    /** The lead unit asks for a later deadline, with a reason. @throws 403/404/409, 400. */
    async requestExtension(
      user: AuthUser,
      id: string,
      input: TaskExtensionRequestInput,
    ): Promise<Task> {
      const body = taskExtensionRequestSchema.parse(input);
      const { t, a } = await authorized(user, id, 'report');
      if (t.phase === 'done') throw conflict('This task is done.');
      if (t.extensionDeadline)
        throw conflict('An extension request is already awaiting the chair.');
      if (daysBetween(t.deadline, body.deadline) <= 0) {
        throw appError(
          'validation_failed',
          400,
          'The new deadline must be after the current one.',
          {
            issues: [{ path: 'body.deadline', message: `must be after ${t.deadline}` }],
          },
        );
      }
      const now = deps.clock();
      const fresh = await write(
        t,
        {
          extensionDeadline: body.deadline,
          extensionReason: body.reason,
          extensionRequestedAt: now,
        },
        historyLine(user, 'extension_requested', now, body.reason, { deadline: body.deadline }),
      );
      await auditTask(user, t, 'extension_requested', { deadline: body.deadline });
      return present(user, fresh, a);
    },

    /** The chair grants or refuses an extension. @throws 403/404/409. */
    async decideExtension(
      user: AuthUser,
      id: string,
      input: TaskExtensionDecisionInput,
    ): Promise<Task> {
      const body = taskExtensionDecisionSchema.parse(input);
      const { t, a } = await authorized(user, id, 'decideExtension');
      if (!t.extensionDeadline) throw conflict('No extension request is awaiting a decision.');
      const now = deps.clock();
      const action = body.grant ? 'extension_granted' : 'extension_refused';
      const fresh = await write(
        t,
        {
          ...(body.grant ? { deadline: t.extensionDeadline } : {}),
          extensionDeadline: null,
          extensionReason: null,
          extensionRequestedAt: null,
        },
        historyLine(user, action, now, body.comment || null, {
          from: t.deadline,
          to: body.grant ? t.extensionDeadline : t.deadline,
        }),
      );
      await auditTask(
        user,
        t,
        action,
        { deadline: fresh.deadline, comment: body.comment },
        { deadline: t.deadline },
      );
      return present(user, fresh, a);
    },

    /**
     * The lead unit attaches a file to its reports: received and checked exactly like a meeting
     * document (recognised by content: PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG; size limit).
     * @throws 400/403/404/409/413/415.
     */
    async attach(user: AuthUser, id: string, req: Request, limitBytes: number): Promise<Task> {
      const { t, a } = await authorized(user, id, 'report');
      if (t.phase === 'done') throw conflict('This task is done; nothing more to attach.');
      const { file } = await receiveUpload(req, limitBytes);
      const now = deps.clock();
      const filename = safeFilename(file.clientFilename, file.type, 'bao-cao');
      try {
        const fresh = await write(
          t,
          {},
          historyLine(user, 'attachment_added', now, filename, { sha256: file.sha256 }),
          {
            attachments: {
              fileId: file.fileId,
              filename,
              type: file.type,
              size: file.size,
              sha256: file.sha256,
              uploadedAt: now,
              uploadedBy: { id: user.id, name: user.fullName },
            },
          },
        );
        await auditTask(user, t, 'attachment_added', { filename, sha256: file.sha256 });
        return await present(user, fresh, a);
      } catch (err) {
        await removeFile(file.fileId);
        throw err;
      }
    },

    /** An attachment of a task the caller sees: the stream and its headers. @throws 403/404. */
    async openAttachment(user: AuthUser, id: string, fileId: string) {
      const { t } = await loadVisible(user, id);
      const f = t.attachments.find((x) => x.fileId.toHexString() === fileId);
      if (!f) throw notFound(`Attachment ${fileId}`);
      const type = documentTypes[f.type as keyof typeof documentTypes];
      return {
        stream: openFile(f.fileId),
        headers: {
          'Content-Type': type.contentType,
          'Content-Length': String(f.size),
          'Content-Disposition': contentDisposition('attachment', f.filename),
          'Cache-Control': 'private, no-cache',
          'X-Content-Type-Options': 'nosniff',
        },
      };
    },

    /** Overdue tasks of meetings hosted by `hostUnitId` (for the next meeting's agenda). */
    async overdueOfHost(hostUnitId: Types.ObjectId, exceptMeetingId: string): Promise<TaskRow[]> {
      const rows = await TaskModel.find({
        hostUnitId,
        phase: 'open',
        meetingId: { $ne: oid(exceptMeetingId) },
      })
        .sort({ deadline: 1, _id: 1 })
        .limit(LIST_LIMIT)
        .lean<TaskRow[]>();
      const now = today();
      return rows.filter((t) => taskStatus(t, now) === 'overdue');
    },

    today,
  };
}

/** The task service. */
export type TaskService = ReturnType<typeof createTaskService>;
