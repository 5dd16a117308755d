import type { Attendance } from '../../../server/contracts/attendance';
import type { Page } from '../../../server/contracts/common';
import type {
  MeetingMinutes,
  MinutesKind,
  MinutesNode,
  MinutesRecord,
  MinutesVerifyResult,
  PublishedListQuery,
  PublishedMinutesVersion,
  UpdateMinutesMetaInput,
} from '../../../server/contracts/minutes';
import type { Poll } from '../../../server/contracts/votes';
import { ApiError, http } from './http';

const base = (id: string, kind: MinutesKind) => `/api/meetings/${id}/minutes/${kind}`;

/** The minutes workflow of one meeting: drafts, inserts, approval, publishing. */
export const minutesApi = {
  get: (id: string) => http.get<MeetingMinutes>(`/api/meetings/${id}/minutes`),
  recreate: (id: string, kind: MinutesKind, confirm: boolean) =>
    http.post<MinutesRecord>(`${base(id, kind)}/template`, { confirm }),
  /** Rebuilds the facts from the record; with keepEdited, edited sections stay. */
  rebuild: (id: string, kind: MinutesKind, keepEdited = false) =>
    http.post<MinutesRecord>(`${base(id, kind)}/rebuild`, { keepEdited }),
  updateMeta: (id: string, kind: MinutesKind, meta: UpdateMinutesMetaInput) =>
    http.put<MinutesRecord>(`${base(id, kind)}/meta`, meta),
  submit: (id: string, kind: MinutesKind) => http.post<MinutesRecord>(`${base(id, kind)}/submit`),
  approve: (id: string, kind: MinutesKind) => http.post<MinutesRecord>(`${base(id, kind)}/approve`),
  returnWith: (id: string, kind: MinutesKind, comment: string) =>
    http.post<MinutesRecord>(`${base(id, kind)}/return`, { comment }),
  publish: (id: string, kind: MinutesKind) =>
    http.post<PublishedMinutesVersion>(`${base(id, kind)}/publish`),
  correct: (id: string, kind: MinutesKind, reason: string) =>
    http.post<MinutesRecord>(`${base(id, kind)}/correct`, { reason }),
  attendanceSnippet: (id: string) =>
    http.get<{ content: MinutesNode[] }>(`/api/meetings/${id}/minutes/snippets/attendance`),
  speakersSnippet: (id: string, agendaItemId: string | null) =>
    http.get<{ content: MinutesNode[] }>(
      `/api/meetings/${id}/minutes/snippets/speakers`,
      agendaItemId ? { agendaItemId } : {},
    ),
  pollSnippet: (id: string, pollId: string) =>
    http.get<{ content: MinutesNode[] }>(`/api/meetings/${id}/minutes/snippets/polls/${pollId}`),
  attendance: (id: string) => http.get<Attendance>(`/api/meetings/${id}/attendance`),
  polls: (id: string) => http.get<Poll[]>(`/api/meetings/${id}/polls`),
};

/** Published records: the public search, downloads and the verification of a file. */
export const publishedApi = {
  list: (query: Partial<PublishedListQuery>) =>
    http.get<Page<PublishedMinutesVersion>>('/api/minutes/published', query),
  /** A plain download link (no credential): follow it with `followWithTicket`. */
  fileUrl: (url: string, inline = false) => {
    const q = new URLSearchParams();
    if (inline) q.set('inline', 'true');
    const qs = q.toString();
    return qs ? `${url}?${qs}` : url;
  },
  verifyHash: (sha256: string) => http.post<MinutesVerifyResult>('/api/minutes/verify', { sha256 }),
  /** Sends a file as multipart/form-data. @throws ApiError. */
  async verifyFile(file: File): Promise<MinutesVerifyResult> {
    const form = new FormData();
    form.append('file', file, file.name);
    let res: Response;
    try {
      res = await fetch('/api/minutes/verify', { method: 'POST', body: form });
    } catch {
      throw new ApiError('network', 0, 'network error');
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as {
        error?: { code?: string; message?: string };
      } | null;
      throw new ApiError(
        (body?.error?.code ?? 'bad_request') as ApiError['code'],
        res.status,
        body?.error?.message ?? res.statusText,
      );
    }
    return (await res.json()) as MinutesVerifyResult;
  },
};
