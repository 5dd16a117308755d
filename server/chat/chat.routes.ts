import { z } from 'zod';
import {
  chatListQuerySchema,
  chatListSchema,
  chatMessageParamsSchema,
  chatMessageSchema,
  postChatMessageSchema,
} from '../contracts/chat';
import { objectIdSchema } from '../contracts/common';
import type { ApiRouter } from '../http/api-router';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { takesPart } from '../meetings/meeting.policy';
import type { ChatService } from './chat.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['chat'];

/** `/api/meetings/:id/chat`: read, send, hide, and copy into the minutes. */
export function chatRoutes(service: ChatService): (api: ApiRouter) => void {
  return (api) => {
    api.route({
      method: 'get',
      path: '/meetings/:id/chat',
      summary:
        'The chat messages the caller may read (private ones: own, or all for the chair and secretary)',
      tags,
      params: idParams,
      query: chatListQuerySchema,
      response: chatListSchema,
      errors: [403, 404],
      handler: ({ user, params, query }) => service.list(user, params.id, query.limit),
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/chat',
      summary:
        'Send a message to everyone or privately to the chair and secretary (1–2,000 characters; at most 5 per 10 s)',
      tags,
      authorize: meetingPolicy(
        takesPart,
        'Only those taking part in the meeting write in its chat.',
      ),
      params: idParams,
      body: postChatMessageSchema,
      response: chatMessageSchema,
      status: 201,
      errors: [400, 403, 404, 409, 429],
      handler: ({ user, params, body }) => service.post(user, params.id, body),
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/chat/:messageId/hide',
      summary: 'The chair hides a message (the audit keeps its text)',
      tags,
      params: chatMessageParamsSchema,
      response: chatMessageSchema,
      errors: [403, 404, 409],
      handler: ({ user, params }) => service.hide(user, params.id, params.messageId),
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/chat/:messageId/minutes',
      summary: 'The secretary appends a message to the minutes draft',
      tags,
      params: chatMessageParamsSchema,
      response: chatMessageSchema,
      errors: [403, 404, 409],
      handler: ({ user, params }) => service.insertIntoMinutes(user, params.id, params.messageId),
    });
  };
}
