import { Types } from 'mongoose';
import { buildAgenda } from '../agenda/agenda-view';
import { buildAttendance } from '../attendance/attendance.service';
import { ChatMessageModel } from '../chat/chat-message.model';
import type { ChatMessageLean } from '../chat/chat-message.model';
import type { ConferenceLive, LiveCore } from '../contracts/live';
import type { MeetingDocument } from '../contracts/documents';
import type { Site } from '../contracts/meetings';
import { documentService } from '../documents/document.service';
import type {
  AccessMeetingFields,
  AccessParticipantFields,
} from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { ParticipantModel } from '../meetings/participant.model';
import { participantService } from '../meetings/participant.service';
import { buildFloor } from '../speakers/floor.service';
import { LiveEventModel } from './live-event.model';
import { BallotModel, PollModel, PollVoterModel } from '../votes/poll.model';
import type { PollLean } from '../votes/poll.model';
import { toPollDto } from '../votes/poll.service';

/** How many of the latest chat messages a screen opens with (the chat list's default). */
export const CHAT_OPENING_LIMIT = 200;

/** The meeting fields the read model keeps: access decisions and the screens' heading. */
export interface ViewMeeting extends AccessMeetingFields {
  title: string;
  place: string;
  startsAt: Date;
  hostUnitName: string | null;
}

/** The bridge's last state and who may see it (null: everyone following the meeting). */
export interface ViewConference {
  data: ConferenceLive;
  audience: string[] | null;
}

/** Ballots of one open poll: voter id → choice (null in a secret poll). */
export type ViewBallots = Map<string, number | null>;

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

/**
 * Readers of the record for the live read model (server/live/read-model.ts): each loads one
 * section of a meeting's live view from MongoDB, without access checks (the read model checks
 * access itself, before it hands anything out). They are also what a test compares the read
 * model with.
 */
export const readModelSources = {
  /** The meeting's fields, or null when there is no such meeting. */
  async meeting(meetingId: string): Promise<ViewMeeting | null> {
    const m = await MeetingModel.findById(oid(meetingId), {
      state: 1,
      visibility: 1,
      hostUnitId: 1,
      hostUnitPath: 1,
      siteOperators: 1,
      title: 1,
      place: 1,
      startsAt: 1,
      hostUnitName: 1,
    }).lean();
    if (!m) return null;
    return {
      state: m.state,
      visibility: m.visibility,
      hostUnitId: m.hostUnitId,
      hostUnitPath: m.hostUnitPath,
      siteOperators: m.siteOperators.map((s) => ({ siteId: s.siteId, operatorId: s.operatorId })),
      title: m.title,
      place: m.place,
      startsAt: m.startsAt,
      hostUnitName: m.hostUnitName ?? null,
    };
  },

  /** Who is invited, by user id. */
  async participants(meetingId: string): Promise<Map<string, AccessParticipantFields>> {
    const rows = await ParticipantModel.find(
      { meetingId: oid(meetingId) },
      { userId: 1, role: 1, voting: 1, substituteFor: 1 },
    ).lean();
    return new Map(
      rows.map((r) => [
        r.userId.toHexString(),
        { role: r.role, voting: r.voting, substituteFor: r.substituteFor ?? null },
      ]),
    );
  },

  /** The part of the snapshot that live events change: agenda, floor, polls, attendance. */
  async core(meetingId: string, seq: number): Promise<LiveCore> {
    const id = oid(meetingId);
    const [meeting, agenda, floor, attendance, polls] = await Promise.all([
      MeetingModel.findById(id, { state: 1 }).lean(),
      buildAgenda(meetingId),
      buildFloor(meetingId),
      buildAttendance(meetingId),
      PollModel.find({ meetingId: id }).sort({ createdAt: 1, _id: 1 }).lean(),
    ]);
    return {
      seq,
      state: meeting?.state ?? 'draft',
      currentItemId: agenda.currentItemId,
      agenda: agenda.items,
      floor,
      polls: await Promise.all((polls as PollLean[]).map(toPollDto)),
      attendance,
    };
  },

  attendance(meetingId: string): Promise<LiveCore['attendance']> {
    return buildAttendance(meetingId);
  },

  floor(meetingId: string): Promise<LiveCore['floor']> {
    return buildFloor(meetingId);
  },

  documents(meetingId: string): Promise<MeetingDocument[]> {
    return documentService.documentsOf(meetingId);
  },

  sites(meetingId: string): Promise<Site[]> {
    return participantService.presentedSitesOf(meetingId);
  },

  /** The latest messages, oldest first. */
  async chat(meetingId: string): Promise<ChatMessageLean[]> {
    const rows = await ChatMessageModel.find({ meetingId: oid(meetingId) })
      .sort({ at: -1, _id: -1 })
      .limit(CHAT_OPENING_LIMIT)
      .lean<ChatMessageLean[]>();
    return rows.reverse();
  },

  /** The meeting's last `conference.changed` event (the bridge as the console shows it). */
  async lastConference(meetingId: string): Promise<ViewConference | null> {
    const row = await LiveEventModel.findOne(
      { meetingId: oid(meetingId), type: 'conference.changed' },
      { data: 1, audience: 1 },
    )
      .sort({ seq: -1 })
      .lean();
    if (!row) return null;
    return {
      data: JSON.parse(row.data) as ConferenceLive,
      audience: row.audience ?? null,
    };
  },

  /** Who voted in each of `pollIds` (and how, in a named poll). */
  async ballots(pollIds: string[]): Promise<Map<string, ViewBallots>> {
    const out = new Map<string, ViewBallots>(pollIds.map((id) => [id, new Map()]));
    if (!pollIds.length) return out;
    const ids = pollIds.map(oid);
    const [polls, named, secret] = await Promise.all([
      PollModel.find({ _id: { $in: ids } }, { secret: 1, votedIds: 1 }).lean(),
      BallotModel.find(
        { pollId: { $in: ids }, voterId: { $ne: null } },
        { pollId: 1, voterId: 1, choice: 1 },
      ).lean(),
      PollVoterModel.find({ pollId: { $in: ids } }, { pollId: 1, voterId: 1 }).lean(),
    ]);
    const secretPolls = new Set(polls.filter((p) => p.secret).map((p) => p._id.toHexString()));
    for (const p of polls) {
      if (!p.secret) continue;
      const map = out.get(p._id.toHexString());
      for (const v of p.votedIds) map?.set(v.toHexString(), null);
    }
    for (const v of secret) {
      const key = v.pollId.toHexString();
      if (secretPolls.has(key)) out.get(key)?.set(v.voterId.toHexString(), null);
    }
    for (const b of named) {
      const key = b.pollId.toHexString();
      if (b.voterId && !secretPolls.has(key)) out.get(key)?.set(b.voterId.toHexString(), b.choice);
    }
    return out;
  },
};
