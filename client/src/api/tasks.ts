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
  TaskReportInput,
  TaskReviewInput,
} from '../../../server/contracts/tasks';
import { http } from './http';
import { uploadFile } from './upload';

/** Tasks from notices of conclusions: lists, reports, decisions, marks in the notice. */
export const tasksApi = {
  list: (query: Partial<ListTasksQuery>) => http.get<TaskList>('/api/tasks', query),
  /** The plain download link; a click follows it with a single-use ticket (followWithTicket). */
  csvUrl: (query: Partial<ListTasksQuery>) => {
    const q = new URLSearchParams(
      Object.entries(query).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
      ),
    );
    const qs = q.toString();
    return qs ? `/api/tasks/export.csv?${qs}` : '/api/tasks/export.csv';
  },
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
