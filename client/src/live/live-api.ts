import type { Agenda } from '../../../server/contracts/agenda';
import type { Attendance } from '../../../server/contracts/attendance';
import type { MeetingDocument } from '../../../server/contracts/documents';
import type { LiveSnapshot } from '../../../server/contracts/live';
import type {
  Meeting,
  MeetingAccessInfo,
  MeetingState,
  Site,
} from '../../../server/contracts/meetings';
import type { FloorEntry, FloorState } from '../../../server/contracts/speakers';
import type { CreatePollInput, MyBallot, Poll, PollVoters } from '../../../server/contracts/votes';
import { http } from '../api/http';
import { ticketedUrl } from '../api/tickets';

const base = (id: string): string => `/api/meetings/${encodeURIComponent(id)}`;

/** The REST calls of the live screens (meeting room, chair console, bridge). Each throws ApiError. */
export const liveApi = {
  meeting: (id: string) => http.get<Meeting>(base(id)),
  access: (id: string) => http.get<MeetingAccessInfo>(`${base(id)}/access`),
  /**
   * The snapshot; with `ticket`, also a ticket for the stream that continues it; with
   * `include: 'minutes'`, also the minutes record (the minutes screen).
   */
  snapshot: (id: string, ticket = true, include?: 'minutes') => {
    const query = new URLSearchParams();
    if (!ticket) query.set('ticket', '0');
    if (include) query.set('include', include);
    const q = query.toString();
    return http.get<LiveSnapshot>(`${base(id)}/live/state${q ? `?${q}` : ''}`);
  },
  documents: (id: string) => http.get<MeetingDocument[]>(`${base(id)}/documents`),
  sites: (id: string) => http.get<Site[]>(`${base(id)}/sites`),
  transition: (id: string, to: MeetingState) =>
    http.post<Meeting>(`${base(id)}/transitions`, { to }),
  setCurrentItem: (id: string, itemId: string | null) =>
    http.put<Agenda>(`${base(id)}/agenda/current`, { itemId }),
  checkIn: (id: string) => http.post<Attendance>(`${base(id)}/attendance/check-in`),
  requestFloor: (id: string, siteId?: string) =>
    http.post<FloorEntry>(`${base(id)}/floor`, siteId ? { siteId } : {}),
  withdrawFloor: (id: string, entryId: string) =>
    http.post<FloorState>(`${base(id)}/floor/${entryId}/withdraw`),
  grantFloor: (id: string, entryId: string, endCurrent: boolean) =>
    http.post<FloorState>(`${base(id)}/floor/${entryId}/grant`, { endCurrent }),
  endFloor: (id: string, entryId: string) =>
    http.post<FloorState>(`${base(id)}/floor/${entryId}/end`),
  reorderFloor: (id: string, entryIds: string[]) =>
    http.put<FloorState>(`${base(id)}/floor/order`, { entryIds }),
  createPoll: (id: string, input: Partial<CreatePollInput> & { question: string }) =>
    http.post<Poll>(`${base(id)}/polls`, input),
  openPoll: (id: string, pollId: string) => http.post<Poll>(`${base(id)}/polls/${pollId}/open`),
  closePoll: (id: string, pollId: string) => http.post<Poll>(`${base(id)}/polls/${pollId}/close`),
  castBallot: (id: string, pollId: string, choice: number) =>
    http.post<MyBallot>(`${base(id)}/polls/${pollId}/ballots`, { choice }),
  myBallot: (id: string, pollId: string) =>
    http.get<MyBallot>(`${base(id)}/polls/${pollId}/ballots/mine`),
  voters: (id: string, pollId: string) =>
    http.get<PollVoters>(`${base(id)}/polls/${pollId}/voters`),
  markSite: (id: string, siteId: string, status: 'present_remote' | 'present_in_room') =>
    http.put<Attendance>(`${base(id)}/attendance/sites/${siteId}`, { status }),
};

/** Plain URL of a document's content (no credential: follow it with `followWithTicket`). */
export function documentContentPath(meetingId: string, documentId: string): string {
  return `${base(meetingId)}/documents/${documentId}/content`;
}

/** URL of a document's content for the in-app viewer, with a fresh single-use ticket. */
export function documentContentUrl(meetingId: string, documentId: string): Promise<string> {
  return ticketedUrl(documentContentPath(meetingId, documentId), 'download', {
    disposition: 'inline',
  });
}

/**
 * URL of a meeting's live event stream from `lastEventId`, with `ticket` (from the snapshot) or
 * else a fresh single-use ticket.
 */
export function liveStreamUrl(
  meetingId: string,
  lastEventId: number,
  ticket?: string,
): Promise<string> {
  const path = `${base(meetingId)}/live`;
  if (ticket) {
    const q = new URLSearchParams({ lastEventId: String(lastEventId), ticket });
    return Promise.resolve(`${path}?${q.toString()}`);
  }
  return ticketedUrl(path, 'live', { lastEventId: String(lastEventId) });
}
