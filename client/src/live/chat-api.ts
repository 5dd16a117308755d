import type { ChatAudience, ChatList, ChatMessage } from '../../../server/contracts/chat';
import { http } from '../api/http';

const base = (id: string): string => `/api/meetings/${encodeURIComponent(id)}/chat`;

/** The REST calls of the meeting chat. Each throws ApiError. */
export const chatApi = {
  list: (meetingId: string) => http.get<ChatList>(base(meetingId)),
  post: (meetingId: string, text: string, to: ChatAudience) =>
    http.post<ChatMessage>(base(meetingId), { text, to }),
  hide: (meetingId: string, messageId: string) =>
    http.post<ChatMessage>(`${base(meetingId)}/${encodeURIComponent(messageId)}/hide`),
  insertIntoMinutes: (meetingId: string, messageId: string) =>
    http.post<ChatMessage>(`${base(meetingId)}/${encodeURIComponent(messageId)}/minutes`),
};
