import { Types } from 'mongoose';
import { AgendaItemModel } from '../agenda/agenda-item.model';
import {
  ATTENDANCE_FACT,
  markFact,
  pollFact as pollFactKey,
  speakersFact,
} from '../../collab/contracts/fact-sections';
import { attendanceService, buildAttendance } from '../attendance/attendance.service';
import { auditService } from '../audit/audit.service';
import type { MinutesNode } from '../contracts/minutes';
import type { Poll } from '../contracts/votes';
import { conflict, notFound } from '../errors';
import { MeetingModel } from '../meetings/meeting.model';
import type { MeetingLean } from '../meetings/meeting.model';
import { participantService } from '../meetings/participant.service';
import { FloorEntryModel } from '../speakers/floor-entry.model';
import { UnitModel } from '../units/unit.model';
import { UserModel } from '../users/user.model';
import { PollModel } from '../votes/poll.model';
import { loadPoll, toPollDto } from '../votes/poll.service';
import { attendeeFacts, itemAtGrant, pollFactOf, siteFacts } from './meeting-facts.rules';
import type { CurrentItemChange } from './meeting-facts.rules';
import type {
  AgendaItemFact,
  AttendeeFact,
  MeetingFacts,
  PollFact,
  SiteFact,
  SpeakerFact,
} from './templates/meeting-facts';
import { attendanceSnippet, pollSnippet, speakersSnippet } from './templates/snippets';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);
const HOST_SITE = 'host';

/** The host unit as it heads the document: its name, its parent's, and the place name. */
async function issuingUnit(
  unitId: Types.ObjectId,
): Promise<{ code: string; name: string; parentName?: string; placeName: string }> {
  const unit = await UnitModel.findById(unitId, {
    code: 1,
    name: 1,
    parentId: 1,
    ancestorIds: 1,
  }).lean();
  if (!unit) throw notFound(`Unit ${unitId.toHexString()}`);
  const parent = unit.parentId ? await UnitModel.findById(unit.parentId, { name: 1 }).lean() : null;
  const rootId = unit.ancestorIds[0];
  const root = rootId ? await UnitModel.findById(rootId, { name: 1 }).lean() : unit;
  return {
    code: unit.code,
    name: unit.name,
    ...(parent ? { parentName: parent.name } : {}),
    placeName: placeNameOf(root?.name ?? unit.name),
  };
}

/** "Ủy ban nhân dân tỉnh Vĩnh Phúc" → "Vĩnh Phúc" (the địa danh of the place-and-date line). */
export function placeNameOf(unitName: string): string {
  const m = /(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(.+)$/iu.exec(
    unitName.normalize('NFC'),
  );
  return (m?.[1] ?? unitName).trim();
}

/** Initials of a unit name for the number and symbol: "Sở Tài chính" → "STC". */
export function unitSymbol(unitName: string): string {
  const name = unitName.normalize('NFC');
  if (/^Ủy ban nhân dân/iu.test(name)) return 'UBND';
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .map(
      (w) =>
        w
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .replace(/[đĐ]/g, 'D')[0] ?? '',
    )
    .join('')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  return letters.slice(0, 8) || 'VP';
}

async function namesOf(ids: Types.ObjectId[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const users = await UserModel.find({ _id: { $in: ids } }, { fullName: 1 }).lean();
  return new Map(users.map((u) => [u._id.toHexString(), u.fullName]));
}

/** A closed poll as the templates write it: its electorate named against its pool. */
async function pollFactFor(meetingId: string, p: Poll, quorumBase: number): Promise<PollFact> {
  const participants = await participantService.participantsOf(meetingId);
  const delegates = participants.filter((x) => x.role === 'delegate').length;
  return { id: p.id, ...pollFactOf(p, quorumBase, { delegates }) };
}

/** The changes of the current agenda item, from the audit chain. */
async function currentItemChanges(meetingId: string): Promise<CurrentItemChange[]> {
  const rows = await auditService.entriesOf(meetingId, 'agenda.current');
  return rows.map((r) => {
    const after = r.after as { currentItemId?: unknown } | null;
    return {
      at: r.at,
      itemId: typeof after?.currentItemId === 'string' ? after.currentItemId : null,
    };
  });
}

/**
 * Turns at the floor of one agenda item (null: outside any item), in the order they spoke. A
 * turn belongs to the item current when the floor was granted, whenever it was requested.
 */
async function speakerFacts(
  meetingId: string,
  agendaItemId: string | null,
): Promise<SpeakerFact[]> {
  const [rows, changes] = await Promise.all([
    FloorEntryModel.find({
      meetingId: oid(meetingId),
      status: { $in: ['granted', 'ended'] },
    }).lean(),
    currentItemChanges(meetingId),
  ]);
  return rows
    .filter(
      (r) =>
        r.grantedAt &&
        itemAtGrant(r.grantedAt, changes, r.agendaItemId?.toHexString() ?? null) === agendaItemId,
    )
    .sort((a, b) => (a.grantedAt?.getTime() ?? 0) - (b.grantedAt?.getTime() ?? 0))
    .map((r) => ({
      name: r.speakerName,
      startedAt: (r.grantedAt as Date).toISOString(),
      ...(r.endedAt ? { endedAt: r.endedAt.toISOString() } : {}),
    }));
}

/**
 * Sites and attendees of a meeting as the attendance insert writes them: the chair and the
 * secretary present unless marked otherwise; each site present from its first connection,
 * with its connection times and its operators.
 */
async function attendanceFacts(
  meeting: MeetingLean,
  hostName: string,
  endedAt: Date | null,
): Promise<{ sites: SiteFact[]; attendees: AttendeeFact[] }> {
  const meetingId = meeting._id.toHexString();
  const [attendance, participants, sites, connections] = await Promise.all([
    buildAttendance(meetingId),
    participantService.participantsOf(meetingId),
    participantService.sitesOf(meetingId),
    attendanceService.connections(meetingId),
  ]);
  const byUser = new Map(participants.map((p) => [p.userId.toHexString(), p]));
  const names = await namesOf([
    ...participants.flatMap((p) => (p.substituteFor ? [p.substituteFor] : [])),
    ...meeting.siteOperators.map((o) => o.operatorId),
  ]);
  const siteEntries = new Map(attendance.sites.map((e) => [e.subject.id, e]));
  const siteFactsList = siteFacts(
    sites.map((s) => {
      const id = s._id.toHexString();
      const entry = siteEntries.get(id);
      return {
        id,
        name: s.name,
        status: entry?.status ?? 'unmarked',
        markedAt: entry?.markedAt ? new Date(entry.markedAt) : null,
        connections: connections.filter((c) => c.subjectKind === 'site' && c.subjectId === id),
        operators: meeting.siteOperators
          .filter((o) => o.siteId.equals(s._id))
          .map((o) => names.get(o.operatorId.toHexString()) ?? '')
          .filter((n) => n !== ''),
      };
    }),
    endedAt,
  );
  const attendees = attendeeFacts(
    attendance.people.map((e) => {
      const p = byUser.get(e.subject.id);
      const substituteFor = p?.substituteFor ? names.get(p.substituteFor.toHexString()) : undefined;
      return {
        userId: e.subject.id,
        name: e.subject.name,
        status: e.status,
        reason: e.reason,
        siteId: p?.siteId?.toHexString() ?? null,
        ...(substituteFor ? { substituteFor } : {}),
      };
    }),
    {
      chairId: meeting.chairId.toHexString(),
      secretaryId: meeting.secretaryId?.toHexString() ?? null,
    },
  );
  return {
    sites: [{ id: HOST_SITE, name: hostName, isHost: true, present: true }, ...siteFactsList],
    attendees,
  };
}

/** When the meeting went live and ended, as far as known. */
export interface MeetingTimes {
  liveAt: Date | null;
  endedAt: Date | null;
}

/**
 * Everything the templates need about a meeting, read from the records: host unit, chair and
 * secretary, sites and attendance, agenda items with their speakers and closed polls, and what
 * an item lists (`listings`, by item id: the overdue tasks put on the agenda).
 * @throws AppError 404 when the meeting or its host unit is gone.
 */
export async function gatherMeetingFacts(
  meetingId: string,
  times: MeetingTimes,
  listings: ReadonlyMap<string, readonly string[]> = new Map(),
): Promise<{ facts: MeetingFacts; unit: { code: string; name: string } }> {
  const meeting = await MeetingModel.findById(oid(meetingId)).lean();
  if (!meeting) throw notFound(`Meeting ${meetingId}`);
  const unit = await issuingUnit(meeting.hostUnitId);
  const people = await namesOf([
    meeting.chairId,
    ...(meeting.secretaryId ? [meeting.secretaryId] : []),
  ]);
  const [attendance, items, polls] = await Promise.all([
    attendanceFacts(meeting, unit.name, times.endedAt),
    AgendaItemModel.find({ meetingId: meeting._id, removed: { $ne: true } }).lean(),
    PollModel.find({ meetingId: meeting._id, status: 'closed' }).lean(),
  ]);
  const pollFacts = await Promise.all(
    polls.map(async (p) => {
      const dto = await toPollDto(p);
      return { itemId: dto.agendaItemId, fact: await pollFactFor(meetingId, dto, p.quorumBase) };
    }),
  );
  const presenters = await namesOf(items.flatMap((i) => (i.presenterId ? [i.presenterId] : [])));
  const agendaItems: AgendaItemFact[] = [];
  const ordered = [...items].sort((a, b) => a.order - b.order);
  for (const item of ordered) {
    const id = item._id.toHexString();
    const presenter = item.presenterId ? presenters.get(item.presenterId.toHexString()) : null;
    const listing = listings.get(id);
    agendaItems.push({
      id,
      title: item.title,
      ...(presenter ? { presenter: { name: presenter } } : {}),
      ...(listing?.length ? { listing: [...listing] } : {}),
      speakers: await speakerFacts(meetingId, id),
      polls: pollFacts.filter((p) => p.itemId === id).map((p) => p.fact),
    });
  }
  const looseSpeakers = await speakerFacts(meetingId, null);
  const loosePolls = pollFacts.filter((p) => p.itemId === null).map((p) => p.fact);
  if (looseSpeakers.length > 0 || loosePolls.length > 0 || agendaItems.length === 0) {
    agendaItems.push({
      id: null,
      title: 'Các nội dung khác',
      speakers: looseSpeakers,
      polls: loosePolls,
    });
  }
  const startedAt = (times.liveAt ?? meeting.startsAt).toISOString();
  const facts: MeetingFacts = {
    issuingBody: { name: unit.name, ...(unit.parentName ? { parentName: unit.parentName } : {}) },
    minutesNumberSymbol: `…/BB-${unitSymbol(unit.name)}`,
    placeName: unit.placeName,
    title: meeting.title,
    startedAt,
    ...(times.endedAt ? { endedAt: times.endedAt.toISOString() } : {}),
    location: meeting.place || 'Họp trực tuyến',
    chair: { name: people.get(meeting.chairId.toHexString()) ?? '…' },
    secretary: {
      name: meeting.secretaryId ? (people.get(meeting.secretaryId.toHexString()) ?? '…') : '…',
    },
    sites: attendance.sites,
    attendees: attendance.attendees,
    agendaItems,
    conclusions: [],
    recipients: ['Các thành phần dự họp'],
    archive: 'VT',
    createdAt: new Date().toISOString(),
    pending: meeting.state !== 'ended' && meeting.state !== 'minutes_published',
  };
  return { facts, unit: { code: unit.code, name: unit.name } };
}

/**
 * The attendance insert: present and absent per site, with the count; its blocks form the
 * attendance section (an insert replaces the section the draft has).
 */
export async function attendanceFragment(
  meetingId: string,
  endedAt: Date | null = null,
): Promise<MinutesNode[]> {
  const meeting = await MeetingModel.findById(oid(meetingId)).lean();
  if (!meeting) throw notFound(`Meeting ${meetingId}`);
  const unit = await issuingUnit(meeting.hostUnitId);
  return markFact(
    ATTENDANCE_FACT,
    attendanceSnippet(await attendanceFacts(meeting, unit.name, endedAt)),
  );
}

/** The speakers insert: who spoke under an agenda item (null: outside items), in order, with times. */
export async function speakersFragment(
  meetingId: string,
  agendaItemId: string | null,
): Promise<MinutesNode[]> {
  let title: string | undefined;
  if (agendaItemId !== null) {
    const item = await AgendaItemModel.findOne({
      _id: oid(agendaItemId),
      meetingId: oid(meetingId),
    }).lean();
    if (!item) throw notFound(`Agenda item ${agendaItemId}`);
    title = item.title;
  }
  const speakers = await speakerFacts(meetingId, agendaItemId);
  return markFact(
    speakersFact(agendaItemId),
    speakersSnippet({ ...(title ? { title } : {}), speakers }),
  );
}

/** The poll insert: question, counts and percentages of a poll. @throws 404, 409 while open. */
export async function pollFragment(meetingId: string, pollId: string): Promise<MinutesNode[]> {
  const row = await loadPoll(meetingId, pollId);
  const poll = await toPollDto(row);
  if (poll.status !== 'closed') {
    throw conflict('The poll is not closed yet: its results are inserted once it closes.');
  }
  return markFact(
    pollFactKey(poll.id),
    pollSnippet(await pollFactFor(meetingId, poll, row.quorumBase)),
  );
}
