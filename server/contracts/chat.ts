import { z } from 'zod';
import { isoDateTimeSchema, objectIdSchema, textSchema } from './common';

/** The longest chat message, in characters (after trimming). */
export const CHAT_MAX_LENGTH = 2000;

/**
 * Who sees a message: `everyone` taking part, or `chair` (private to the chair and the
 * secretary; the sender sees it too).
 */
export const chatAudiences = ['everyone', 'chair'] as const;
/** One of {@link chatAudiences}. */
export type ChatAudience = (typeof chatAudiences)[number];

/** Body of `POST /api/meetings/:id/chat`. */
export const postChatMessageSchema = z.object({
  text: textSchema(1, CHAT_MAX_LENGTH),
  to: z.enum(chatAudiences).default('everyone'),
});
/** Body of `POST /api/meetings/:id/chat`. */
export type PostChatMessageInput = z.infer<typeof postChatMessageSchema>;

/** One chat message as a reader sees it. A hidden message keeps its text only for the chair and secretary. */
export const chatMessageSchema = z.object({
  id: objectIdSchema,
  meetingId: objectIdSchema,
  sender: z.object({ id: objectIdSchema, fullName: z.string() }),
  to: z.enum(chatAudiences),
  /** Empty when hidden and the reader is neither the chair nor the secretary. */
  text: z.string(),
  at: isoDateTimeSchema,
  hidden: z.boolean(),
  hiddenAt: isoDateTimeSchema.nullable(),
  /** When the secretary copied it into the minutes draft, if ever. */
  insertedIntoMinutesAt: isoDateTimeSchema.nullable(),
});
/** One chat message. */
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** Answer of `GET /api/meetings/:id/chat`: the messages the caller may read, oldest first. */
export const chatListSchema = z.object({
  items: z.array(chatMessageSchema),
  /** What the caller may do, so the screen shows only the controls that will work. */
  can: z.object({ post: z.boolean(), hide: z.boolean(), insertIntoMinutes: z.boolean() }),
});
/** Answer of `GET /api/meetings/:id/chat`. */
export type ChatList = z.infer<typeof chatListSchema>;

/** Query of `GET /api/meetings/:id/chat`. */
export const chatListQuerySchema = z.object({
  /** At most this many of the latest messages. */
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** Path of one message. */
export const chatMessageParamsSchema = z.object({
  id: objectIdSchema,
  messageId: objectIdSchema,
});
