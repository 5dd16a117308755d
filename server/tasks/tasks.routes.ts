import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import {
  listTasksQuerySchema,
  notificationSchema,
  overdueAgendaResultSchema,
  putTaskMarksSchema,
  taskExtensionDecisionSchema,
  taskExtensionRequestSchema,
  taskListSchema,
  taskMarksSchema,
  taskReportSchema,
  taskReminderSettingsInputSchema,
  taskReminderSettingsSchema,
  taskReviewSchema,
  taskSchema,
  taskStatuses,
  taskSummaryQuerySchema,
  taskSummarySchema,
} from '../contracts/tasks';
import type { Task, TaskCounts, TaskSummary } from '../contracts/tasks';
import { notFound } from '../errors';
import type { ApiRouter } from '../http/api-router';
import { addOverdueTasksToAgenda } from './overdue-agenda';
import type { TaskMarksService } from './task-marks.service';
import { listNotifications, markNotificationRead } from './task-reminders';
import type { ReminderSettings } from './task-reminder-settings';
import type { TaskService } from './task.service';
import { csvDocument } from '../csv-export';

const idParams = z.object({ id: objectIdSchema });

const STATUS_VI: Record<Task['status'], string> = {
  in_progress: 'Đang thực hiện',
  awaiting_acceptance: 'Chờ nghiệm thu',
  overdue: 'Quá hạn',
  done_on_time: 'Hoàn thành đúng hạn',
  done_late: 'Hoàn thành quá hạn',
};

/** The tasks as CSV for spreadsheets: UTF-8 with a BOM (Excel reads Vietnamese right), CRLF. */
export function tasksCsv(items: Task[]): string {
  const header = [
    'Nhiệm vụ',
    'Đơn vị chủ trì',
    'Đơn vị phối hợp',
    'Hạn',
    'Trạng thái',
    'Ngày hoàn thành',
    'Cuộc họp',
    'Thông báo (phiên bản)',
  ];
  const rows = items.map((t) => [
    t.title,
    t.leadUnit.name,
    t.coordinatingUnits.map((u) => u.name).join('; '),
    t.deadline,
    STATUS_VI[t.status],
    t.completedOn ?? '',
    t.meeting.title,
    String(t.notice.version),
  ]);
  return csvDocument([header, ...rows]);
}

/**
 * The dashboard as CSV: one line per lead unit, meeting and month of deadline, with the counts
 * per status (UTF-8 with a BOM, CRLF: the one CSV writer).
 */
export function taskSummaryCsv(summary: TaskSummary): string {
  const counts = (c: TaskCounts) => [String(c.total), ...taskStatuses.map((s) => String(c[s]))];
  const header = ['Theo', 'Tên', 'Tổng số', ...taskStatuses.map((s) => STATUS_VI[s])];
  return csvDocument([
    header,
    ...summary.byUnit.map((r) => ['Đơn vị chủ trì', r.name, ...counts(r)]),
    ...summary.byMeeting.map((r) => ['Cuộc họp', r.name, ...counts(r)]),
    ...summary.byMonth.map((r) => ['Tháng (hạn)', r.month, ...counts(r)]),
    ['Tổng cộng', '', ...counts(summary.totals)],
  ]);
}

/** `/api/tasks`, `/api/meetings/:id/task-marks`, `/api/notifications`: conclusions as tasks. */
export function taskRoutes(
  tasks: TaskService,
  marks: TaskMarksService,
  settings: ReminderSettings,
  uploadLimitBytes: number,
) {
  return (api: ApiRouter): void => {
    api.route({
      method: 'get',
      path: '/units/:id/task-reminders',
      summary: "When a unit's tasks are reminded (days before the deadline, overdue, e-mail)",
      tags: ['tasks'],
      params: idParams,
      response: taskReminderSettingsSchema,
      errors: [404],
      handler: ({ params }) => settings.get(params.id),
    });

    api.route({
      method: 'put',
      path: '/units/:id/task-reminders',
      summary: "Change a unit's task reminders (that unit's administrators, system administrators)",
      tags: ['tasks'],
      authorize: ({ user, params }) => settings.authorize(user, params.id),
      params: idParams,
      body: taskReminderSettingsInputSchema,
      response: taskReminderSettingsSchema,
      errors: [403, 404],
      handler: ({ user, params, body }) => settings.put(user, params.id, body),
    });

    api.route({
      method: 'post',
      path: '/tasks/:id/attachments',
      summary:
        'The lead unit attaches a file to its reports (multipart/form-data, part "file"; checked like meeting documents)',
      tags: ['tasks'],
      authorize: ({ user, params }) => tasks.authorize(user, params.id, 'report'),
      params: idParams,
      requestContentType: 'multipart/form-data',
      response: taskSchema,
      status: 201,
      errors: [403, 404, 409, 413, 415],
      handler: ({ user, params, req }) => tasks.attach(user, params.id, req, uploadLimitBytes),
    });

    api.route({
      method: 'get',
      path: '/tasks/:id/attachments/:fileId',
      summary: 'Download an attachment of a task',
      tags: ['tasks'],
      ticket: 'download',
      params: z.object({ id: objectIdSchema, fileId: objectIdSchema }),
      responseContentType: 'application/octet-stream',
      errors: [403, 404],
      handler: async ({ user, params, res }) => {
        const file = await tasks.openAttachment(user, params.id, params.fileId);
        res.status(200).set(file.headers);
        await new Promise<void>((resolve) => {
          file.stream.on('error', (err) => {
            res.destroy(err);
            resolve();
          });
          file.stream.on('end', () => resolve());
          res.on('close', () => {
            file.stream.destroy();
            resolve();
          });
          file.stream.pipe(res);
        });
        return undefined;
      },
    });

    api.route({
      method: 'get',
      path: '/tasks',
      summary: "Tasks the caller's unit and the units below it were assigned (filters)",
      tags: ['tasks'],
      query: listTasksQuerySchema,
      response: taskListSchema,
      handler: ({ user, query }) => tasks.list(user, query),
    });

    api.route({
      method: 'get',
      path: '/tasks/export.csv',
      summary: 'The same list as CSV (UTF-8 with BOM)',
      tags: ['tasks'],
      ticket: 'download',
      query: listTasksQuerySchema,
      responseContentType: 'text/csv',
      handler: async ({ user, query, res }) => {
        const list = await tasks.list(user, query);
        res
          .status(200)
          .set('Content-Type', 'text/csv; charset=utf-8')
          .set('Content-Disposition', 'attachment; filename="nhiem-vu.csv"')
          .send(tasksCsv(list.items));
        return undefined;
      },
    });

    api.route({
      method: 'get',
      path: '/tasks/summary',
      summary:
        'The visible tasks counted per status by lead unit, meeting and month of deadline (dashboards)',
      tags: ['tasks'],
      query: taskSummaryQuerySchema,
      response: taskSummarySchema,
      handler: ({ user, query }) => tasks.summary(user, query),
    });

    api.route({
      method: 'get',
      path: '/tasks/summary.csv',
      summary: 'The same counts as CSV (UTF-8 with BOM)',
      tags: ['tasks'],
      ticket: 'download',
      query: taskSummaryQuerySchema,
      responseContentType: 'text/csv',
      handler: async ({ user, query, res }) => {
        const summary = await tasks.summary(user, query);
        res
          .status(200)
          .set('Content-Type', 'text/csv; charset=utf-8')
          .set('Content-Disposition', 'attachment; filename="theo-doi-nhiem-vu.csv"')
          .send(taskSummaryCsv(summary));
        return undefined;
      },
    });

    api.route({
      method: 'get',
      path: '/tasks/:id',
      summary: 'One task with its history',
      tags: ['tasks'],
      params: idParams,
      response: taskSchema,
      errors: [403, 404],
      handler: ({ user, params }) => tasks.get(user, params.id),
    });

    api.route({
      method: 'post',
      path: '/tasks/:id/reports',
      summary: 'The lead unit reports progress (and may propose completion)',
      tags: ['tasks'],
      authorize: ({ user, params }) => tasks.authorize(user, params.id, 'report'),
      params: idParams,
      body: taskReportSchema,
      response: taskSchema,
      status: 201,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) => tasks.report(user, params.id, body),
    });

    api.route({
      method: 'post',
      path: '/tasks/:id/review',
      summary: 'The issuing office accepts or returns a proposed completion',
      tags: ['tasks'],
      authorize: ({ user, params }) => tasks.authorize(user, params.id, 'review'),
      params: idParams,
      body: taskReviewSchema,
      response: taskSchema,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) => tasks.review(user, params.id, body),
    });

    api.route({
      method: 'post',
      path: '/tasks/:id/extension',
      summary: 'The lead unit asks for a later deadline, with a reason',
      tags: ['tasks'],
      authorize: ({ user, params }) => tasks.authorize(user, params.id, 'report'),
      params: idParams,
      body: taskExtensionRequestSchema,
      response: taskSchema,
      status: 201,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) => tasks.requestExtension(user, params.id, body),
    });

    api.route({
      method: 'post',
      path: '/tasks/:id/extension/decision',
      summary: 'The chair grants or refuses the extension',
      tags: ['tasks'],
      authorize: ({ user, params }) => tasks.authorize(user, params.id, 'decideExtension'),
      params: idParams,
      body: taskExtensionDecisionSchema,
      response: taskSchema,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) => tasks.decideExtension(user, params.id, body),
    });

    api.route({
      method: 'get',
      path: '/meetings/:id/task-marks',
      summary: 'Conclusions of the notice marked as tasks (created when it is published)',
      tags: ['tasks'],
      params: idParams,
      response: taskMarksSchema,
      errors: [403, 404],
      handler: ({ user, params }) => marks.get(user, params.id),
    });

    api.route({
      method: 'put',
      path: '/meetings/:id/task-marks',
      summary: 'Replace the task marks of the notice (secretary, chair)',
      tags: ['tasks'],
      authorize: ({ user, params }) => marks.authorizeEdit(user, params.id),
      params: idParams,
      body: putTaskMarksSchema,
      response: taskMarksSchema,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) => marks.put(user, params.id, body),
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/agenda/overdue-tasks',
      summary: "Add one agenda item listing the host unit's overdue tasks",
      tags: ['tasks'],
      params: idParams,
      response: overdueAgendaResultSchema,
      errors: [403, 404, 409],
      handler: ({ user, params }) => addOverdueTasksToAgenda(tasks, user, params.id),
    });

    api.route({
      method: 'get',
      path: '/notifications',
      summary: "The caller's newest notifications (task reminders)",
      tags: ['tasks'],
      response: z.array(notificationSchema),
      handler: ({ user }) => listNotifications(user.id),
    });

    api.route({
      method: 'post',
      path: '/notifications/:id/read',
      summary: 'Mark one of the caller’s notifications read',
      tags: ['tasks'],
      params: idParams,
      errors: [404],
      handler: async ({ user, params }) => {
        if (!(await markNotificationRead(user.id, params.id))) {
          throw notFound(`Notification ${params.id}`);
        }
        return undefined;
      },
    });
  };
}
