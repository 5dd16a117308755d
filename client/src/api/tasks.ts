import type { MinutesNode } from '../../../server/contracts/minutes';
import type {
  ListTasksQuery,
  Notification,
  OverdueAgendaResult,
  PutTaskMarksInput,
  Task,
  TaskExtensionDecisionInput,
  TaskExtensionRequestInput,
  TaskList,
  TaskMarks,
  TaskReminderSettings,
  TaskReminderSettingsInput,
  TaskReportInput,
  TaskReviewInput,
  TaskSummary,
  TaskSummaryQuery,
} from '../../../server/contracts/tasks';
import { http } from './http';
import { uploadFile } from './upload';

/** A query string of the non-empty values. */
function queryString(query: Partial<Record<string, string | undefined>>): string {
  const q = new URLSearchParams(
    Object.entries(query).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
    ),
  );
  const qs = q.toString();
  return qs ? `?${qs}` : '';
}

/** Tasks from notices of conclusions: lists, reports, decisions, marks in the notice. */
export const tasksApi = {
  /** The dashboards' counts by lead unit, meeting and month. */
  summary: (query: Partial<TaskSummaryQuery>) => http.get<TaskSummary>('/api/tasks/summary', query),
  /** The plain download link; a click follows it with a single-use ticket (followWithTicket). */
  summaryCsvUrl: (query: Partial<TaskSummaryQuery>) =>
    `/api/tasks/summary.csv${queryString(query)}`,
  reminderSettings: (unitId: string) =>
    http.get<TaskReminderSettings>(`/api/units/${unitId}/task-reminders`),
  putReminderSettings: (unitId: string, input: TaskReminderSettingsInput) =>
    http.put<TaskReminderSettings>(`/api/units/${unitId}/task-reminders`, input),
  list: (query: Partial<ListTasksQuery>) => http.get<TaskList>('/api/tasks', query),
  /** The plain download link; a click follows it with a single-use ticket (followWithTicket). */
  csvUrl: (query: Partial<ListTasksQuery>) => `/api/tasks/export.csv${queryString(query)}`,
  get: (id: string) => http.get<Task>(`/api/tasks/${id}`),
  /** Sends one file as multipart/form-data. @throws ApiError. */
  attach: (id: string, file: File) => uploadFile<Task>(`/api/tasks/${id}/attachments`, file),
  /** The plain download link; a click follows it with a single-use ticket (followWithTicket). */
  fileUrl: (url: string) => url,
  report: (id: string, input: TaskReportInput) =>
    http.post<Task>(`/api/tasks/${id}/reports`, input),
  review: (id: string, input: TaskReviewInput) => http.post<Task>(`/api/tasks/${id}/review`, input),
  requestExtension: (id: string, input: TaskExtensionRequestInput) =>
    http.post<Task>(`/api/tasks/${id}/extension`, input),
  decideExtension: (id: string, input: TaskExtensionDecisionInput) =>
    http.post<Task>(`/api/tasks/${id}/extension/decision`, input),
  marks: (meetingId: string) => http.get<TaskMarks>(`/api/meetings/${meetingId}/task-marks`),
  putMarks: (meetingId: string, input: PutTaskMarksInput) =>
    http.put<TaskMarks>(`/api/meetings/${meetingId}/task-marks`, input),
  noticeContent: (meetingId: string) =>
    http.get<{ content: MinutesNode; text: string }>(
      `/api/meetings/${meetingId}/minutes/notice/content`,
    ),
  addOverdueToAgenda: (meetingId: string) =>
    http.post<OverdueAgendaResult>(`/api/meetings/${meetingId}/agenda/overdue-tasks`),
  notifications: () => http.get<Notification[]>('/api/notifications'),
};
