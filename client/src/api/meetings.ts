import type { Agenda } from '../../../server/contracts/agenda';
import type { Draft, DocVersion } from '../../../server/contracts/collab';
import type { Page } from '../../../server/contracts/common';
import type { MeetingDocument } from '../../../server/contracts/documents';
import type {
  CreateMeetingInput,
  InviteInput,
  InviteResult,
  ListMeetingsQuery,
  Meeting,
  MeetingAccessInfo,
  MeetingState,
  Participant,
  Site,
  UpdateMeetingInput,
} from '../../../server/contracts/meetings';
import { http } from './http';

/** Meetings: the record, its lifecycle, who takes part and which sites join. */
export const meetingsApi = {
  list: (query: Partial<ListMeetingsQuery>) => http.get<Page<Meeting>>('/api/meetings', query),
  get: (id: string) => http.get<Meeting>(`/api/meetings/${id}`),
  access: (id: string) => http.get<MeetingAccessInfo>(`/api/meetings/${id}/access`),
  create: (input: Partial<CreateMeetingInput>) => http.post<Meeting>('/api/meetings', input),
  update: (id: string, input: UpdateMeetingInput) =>
    http.patch<Meeting>(`/api/meetings/${id}`, input),
  transition: (id: string, to: MeetingState, reason?: string) =>
    http.post<Meeting>(`/api/meetings/${id}/transitions`, reason ? { to, reason } : { to }),
  participants: (id: string) => http.get<Participant[]>(`/api/meetings/${id}/participants`),
  sites: (id: string) => http.get<Site[]>(`/api/meetings/${id}/sites`),
  invite: (id: string, input: InviteInput) =>
    http.post<InviteResult>(`/api/meetings/${id}/invitations`, input),
  removeParticipant: (id: string, userId: string) =>
    http.delete<undefined>(`/api/meetings/${id}/participants/${userId}`),
  removeSite: (id: string, siteId: string) =>
    http.delete<undefined>(`/api/meetings/${id}/sites/${siteId}`),
  agenda: (id: string) => http.get<Agenda>(`/api/meetings/${id}/agenda`),
};

/** Meeting documents (files in GridFS, with versions). Uploads go through `uploadFile`. */
export const documentsApi = {
  list: (meetingId: string) => http.get<MeetingDocument[]>(`/api/meetings/${meetingId}/documents`),
  remove: (meetingId: string, documentId: string) =>
    http.delete<undefined>(`/api/meetings/${meetingId}/documents/${documentId}`),
  uploadPath: (meetingId: string) => `/api/meetings/${meetingId}/documents`,
  versionPath: (meetingId: string, documentId: string) =>
    `/api/meetings/${meetingId}/documents/${documentId}/versions`,
  /** A plain download link (no credential): follow it with `followWithTicket`. */
  contentUrl: (meetingId: string, documentId: string, version?: number) => {
    const q = new URLSearchParams({ disposition: 'attachment' });
    if (version) q.set('version', String(version));
    return `/api/meetings/${meetingId}/documents/${documentId}/content?${q.toString()}`;
  },
};

/** Draft resolutions: each is a co-edited document `meeting/<id>/draft/<draftId>`. */
export const draftsApi = {
  list: async (meetingId: string) =>
    (await http.get<{ items: Draft[] }>(`/api/meetings/${meetingId}/drafts`)).items,
  create: (meetingId: string, title: string) =>
    http.post<Draft>(`/api/meetings/${meetingId}/drafts`, { title }),
  rename: (meetingId: string, draftId: string, title: string) =>
    http.patch<Draft>(`/api/meetings/${meetingId}/drafts/${draftId}`, { title }),
};

/** A named version with its content. */
export interface VersionContent {
  version: DocVersion;
  prosemirror: Record<string, unknown>;
  text: string;
}

/** Named versions of co-edited documents (drafts, minutes, notice). */
export const versionsApi = {
  list: (doc: string) => http.get<{ items: DocVersion[] }>('/api/collab/versions', { doc }),
  save: (doc: string, label: string) =>
    http.post<DocVersion>('/api/collab/versions', { doc, label }),
  view: (doc: string, versionId: string) =>
    http.get<VersionContent>(`/api/collab/versions/${encodeURIComponent(versionId)}`, { doc }),
  restore: (doc: string, versionId: string) =>
    http.post<{ backup: DocVersion }>(
      `/api/collab/versions/${encodeURIComponent(versionId)}/restore`,
      { doc },
    ),
};
