import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { DocumentService } from '../../collab/documents';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type { ChatList, ChatMessage, PostChatMessageInput } from '../contracts/chat';
import { minutesContentSchema } from '../contracts/minutes';
import type { MinutesNode } from '../contracts/minutes';
import { conflict, forbidden, notFound, tooManyRequests } from '../errors';
import { liveService } from '../live/live.service';
import { requireAccess } from '../meetings/meeting-access.service';
import { canChair, canView, takesPart } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { participantService } from '../meetings/participant.service';
import { operatorsOfSite } from '../meetings/site.model';
import { ChatMessageModel } from './chat-message.model';
import type { ChatMessageLean } from './chat-message.model';
import { SlidingWindowLimiter } from './chat-rate-limit';

/** How the chat reaches the minutes draft (wired by the composition root). */
export interface ChatMinutesPort {
  documents: Pick<DocumentService, 'open'>;
  /** The collab document name of the meeting's minutes. */
  docName(meetingId: string): string;
  /** Whether the minutes are read-only (submitted, approved or published). */
  isLocked(meetingId: string): Promise<boolean>;
}

/** What the chat needs. */
export interface ChatServiceDeps {
  minutes: ChatMinutesPort;
  logger: Logger;
  /** Flood limit per user and meeting (default 5 messages per 10 s). */
  rate?: { max: number; windowMs: number };
}

/** May read the chat: anyone who may follow the meeting, but only participants when confidential. */
export function canReadChat(a: MeetingAccess): boolean {
  return a.visibility === 'confidential' ? takesPart(a) : canView(a);
}

/** Reads private messages of everyone and hidden texts: the chair and the secretary. */
export function moderates(a: MeetingAccess): boolean {
  return a.role === 'chair' || a.role === 'secretary';
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}

/** A message as `reader` sees it (null: as stored, for the live event's audience). */
export function toDto(m: ChatMessageLean, reader: MeetingAccess | null): ChatMessage {
  const hidden = m.hiddenAt !== null && m.hiddenAt !== undefined;
  return {
    id: m._id.toHexString(),
    meetingId: m.meetingId.toHexString(),
    sender: { id: m.senderId.toHexString(), fullName: m.senderName },
    to: m.to,
    text: hidden && reader !== null && !moderates(reader) ? '' : m.text,
    at: m.at.toISOString(),
    hidden,
    hiddenAt: m.hiddenAt?.toISOString() ?? null,
    insertedIntoMinutesAt: m.insertedIntoMinutesAt?.toISOString() ?? null,
  };
}

const VN_TIME = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * The chat of a meeting: messages to everyone or privately to the chair and the secretary,
 * stored with the meeting and delivered on the live stream (private ones only to their
 * audience); the chair hides, the secretary copies into the minutes draft.
 */
export function createChatService(deps: ChatServiceDeps) {
  const { max, windowMs } = deps.rate ?? { max: 5, windowMs: 10_000 };
  const limiter = new SlidingWindowLimiter(max, windowMs);

  /** Who sees a message besides everyone: null for everyone who may read the chat. */
  async function audienceOf(
    meetingId: string,
    access: MeetingAccess,
    to: ChatMessage['to'],
    senderId: string,
  ): Promise<string[] | null> {
    const people = await participantService.participantsOf(meetingId);
    if (to === 'chair') {
      const moderators = people
        .filter((p) => p.role === 'chair' || p.role === 'secretary')
        .map((p) => p.userId.toHexString());
      return [...new Set([senderId, ...moderators])];
    }
    if (access.visibility !== 'confidential') return null;
    // SECURITY: a confidential meeting's chat reaches only those taking part (people and
    // site operators), not administrators who may otherwise follow the meeting.
    const sites = await participantService.sitesOf(meetingId);
    const operators = sites.flatMap((s) => operatorsOfSite(s).map((id) => id.toHexString()));
    return [...new Set([...people.map((p) => p.userId.toHexString()), ...operators])];
  }

  async function loadMessage(meetingId: string, messageId: string): Promise<ChatMessageLean> {
    const m = await ChatMessageModel.findOne({
      _id: oid(messageId),
      meetingId: oid(meetingId),
    }).lean<ChatMessageLean>();
    if (!m) throw notFound(`Chat message ${messageId}`);
    return m;
  }

  function mayRead(m: ChatMessageLean, a: MeetingAccess): boolean {
    return m.to === 'everyone' || moderates(a) || m.senderId.toHexString() === a.userId;
  }

  return {
    /** The messages the caller may read, oldest first. @throws 403/404. */
    async list(user: AuthUser, meetingId: string, limit: number): Promise<ChatList> {
      const a = await requireAccess(
        user,
        meetingId,
        canReadChat,
        'Only those taking part read the chat of a confidential meeting.',
      );
      const filter = moderates(a)
        ? { meetingId: oid(meetingId) }
        : {
            meetingId: oid(meetingId),
            $or: [{ to: 'everyone' as const }, { senderId: oid(user.id) }],
          };
      const rows = await ChatMessageModel.find(filter)
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .lean<ChatMessageLean[]>();
      return {
        items: rows.reverse().map((m) => toDto(m, a)),
        can: {
          post: takesPart(a) && a.state === 'live',
          hide: canChair(a),
          insertIntoMinutes: a.role === 'secretary',
        },
      };
    },

    /**
     * Sends a message. @throws 403 (not taking part), 409 (meeting not live), 429 with
     * Retry-After (more than the flood limit).
     */
    async post(
      user: AuthUser,
      meetingId: string,
      input: PostChatMessageInput,
    ): Promise<ChatMessage> {
      const a = await requireAccess(
        user,
        meetingId,
        takesPart,
        'Only those taking part in the meeting write in its chat.',
      );
      if (a.state !== 'live') {
        throw conflict('The chat is open only while the meeting is live.');
      }
      const waitMs = limiter.take(`${meetingId}:${user.id}`);
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw tooManyRequests(
          `Too many messages: at most ${max} every ${windowMs / 1000} seconds. Wait ${seconds} s and send again.`,
          seconds,
        );
      }
      const created = await ChatMessageModel.create({
        meetingId: oid(meetingId),
        senderId: oid(user.id),
        senderName: user.fullName,
        to: input.to,
        text: input.text,
        at: new Date(),
      });
      const row: ChatMessageLean = created.toObject();
      const audience = await audienceOf(meetingId, a, input.to, user.id);
      await liveService.publish(
        meetingId,
        'chat.message',
        { message: toDto(row, null) },
        audience ?? undefined,
      );
      return toDto(row, a);
    },

    /** The chair hides a message; the audit keeps its text. @throws 403/404, 409 (hidden). */
    async hide(user: AuthUser, meetingId: string, messageId: string): Promise<ChatMessage> {
      const a = await requireAccess(user, meetingId, canChair, 'Only the chair hides messages.');
      const m = await loadMessage(meetingId, messageId);
      if (m.hiddenAt) throw conflict('This message is already hidden.');
      const hiddenAt = new Date();
      const updated = await ChatMessageModel.findOneAndUpdate(
        { _id: m._id, hiddenAt: null },
        { $set: { hiddenAt, hiddenBy: oid(user.id) } },
        { returnDocument: 'after' },
      ).lean<ChatMessageLean>();
      if (!updated) throw conflict('This message is already hidden.');
      await auditService.append({
        meetingId,
        actor: user,
        action: 'chat.hidden',
        target: { kind: 'chat_message', id: messageId },
        before: { sender: m.senderName, to: m.to, text: m.text, at: m.at.toISOString() },
        after: { hidden: true },
        at: hiddenAt,
      });
      const audience = await audienceOf(meetingId, a, m.to, m.senderId.toHexString());
      await liveService.publish(
        meetingId,
        'chat.hidden',
        { messageId, hiddenAt: hiddenAt.toISOString() },
        audience ?? undefined,
      );
      return toDto(updated, a);
    },

    /**
     * The secretary copies a message to the end of the minutes draft (a paragraph with the
     * sender and time). @throws 403/404, 409 (hidden, or the minutes are read-only).
     */
    async insertIntoMinutes(
      user: AuthUser,
      meetingId: string,
      messageId: string,
    ): Promise<ChatMessage> {
      const a = await requireAccess(
        user,
        meetingId,
        (x) => x.role === 'secretary',
        'Only the secretary inserts messages into the minutes.',
      );
      const m = await loadMessage(meetingId, messageId);
      if (!mayRead(m, a)) throw forbidden('You cannot read this message.');
      if (m.hiddenAt) throw conflict('A hidden message cannot go into the minutes.');
      if (await deps.minutes.isLocked(meetingId)) {
        throw conflict('The minutes are submitted or published: they cannot be changed now.');
      }
      const paragraph: MinutesNode = {
        type: 'paragraph',
        content: [{ type: 'text', text: `${m.senderName} (${VN_TIME.format(m.at)}): ${m.text}` }],
      };
      const handle = await deps.minutes.documents.open(deps.minutes.docName(meetingId));
      try {
        const now = minutesContentSchema.parse(handle.read().prosemirror);
        const blocks = (now.content ?? []).filter(
          (n, i, all) =>
            !(all.length === 1 && n.type === 'paragraph' && (n.content ?? []).length === 0),
        );
        await handle.setProseMirror({ type: 'doc', content: [...blocks, paragraph] });
      } finally {
        handle.release();
      }
      const at = new Date();
      const updated = await ChatMessageModel.findOneAndUpdate(
        { _id: m._id },
        { $set: { insertedIntoMinutesAt: at } },
        { returnDocument: 'after' },
      ).lean<ChatMessageLean>();
      await auditService.append({
        meetingId,
        actor: user,
        action: 'chat.inserted_into_minutes',
        target: { kind: 'chat_message', id: messageId },
        after: { sender: m.senderName, text: m.text },
        at,
      });
      return toDto(updated ?? m, a);
    },
  };
}

/** The chat service. */
export type ChatService = ReturnType<typeof createChatService>;
