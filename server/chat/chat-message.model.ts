import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';
import { chatAudiences } from '../contracts/chat';

const chatMessageSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    senderId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The sender's name when the message was sent (lists need no lookup). */
    senderName: { type: String, required: true },
    to: { type: String, enum: chatAudiences, required: true },
    text: { type: String, required: true },
    at: { type: Date, required: true },
    hiddenAt: { type: Date, default: null },
    hiddenBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    insertedIntoMinutesAt: { type: Date, default: null },
  },
  { collection: 'chat_messages', versionKey: false },
);
// A meeting's messages in order: the list and the rate limit read by meeting and time.
chatMessageSchema.index({ meetingId: 1, at: 1 });

/** A stored chat message. */
export type ChatMessageRecord = InferSchemaType<typeof chatMessageSchema>;
/** A stored chat message as read with lean(). */
export type ChatMessageLean = ChatMessageRecord & { _id: Types.ObjectId };
/** Chat messages of meetings; kept with the meeting's record. */
export const ChatMessageModel = mongoose.model('ChatMessage', chatMessageSchema);
