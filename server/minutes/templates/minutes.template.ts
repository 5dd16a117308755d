import {
  ATTENDANCE_FACT,
  markFact,
  pollFact,
  speakersFact,
} from '../../../collab/contracts/fact-sections';
import type { MinutesDocumentMeta, MinutesNode } from '../../contracts/minutes';
import { formatDateTimeVi, formatDateVi, formatTimeVi, vietnamDate } from './format-vi';
import type { AgendaItemFact, MeetingFacts } from './meeting-facts';
import {
  bold,
  bulletList,
  doc,
  heading,
  italic,
  labelled,
  orderedList,
  paragraph,
  personLine,
} from './prosemirror-build';
import { attendanceSnippet, pollSnippet, speakersSnippet } from './snippets';

/** A document ready to edit: the ND30 frame (meta) and the rich-text body (content). */
export interface MinutesDraft {
  meta: MinutesDocumentMeta;
  content: MinutesNode;
}

/** Upper-cases Vietnamese text (the headings and names of bodies ND30 writes in capitals). */
export function upperVi(s: string): string {
  return s.normalize('NFC').toLocaleUpperCase('vi').normalize('NFC');
}

/** Fact section key of the header lines (times, place, chair, secretary). */
export const HEADER_FACT = 'header';
/** Fact section key of the closing line (the end time). */
export const CLOSING_FACT = 'closing';
/** Fact section key of the heading of what happened outside the agenda items. */
export const OTHER_ITEMS_FACT = 'item:none';

const PENDING = 'lập từ hồ sơ cuộc họp khi cuộc họp kết thúc';

function agendaItemBlocks(item: AgendaItemFact, index: number): MinutesNode[] {
  const title = heading(3, `${String(index + 1)}. ${item.title}`);
  const key = item.id === undefined ? null : speakersFact(item.id);
  // The heading of "other matters" exists only with its facts: a fact section of its own.
  const out: MinutesNode[] = item.id === null ? markFact(OTHER_ITEMS_FACT, [title]) : [title];
  if (item.presenter) out.push(labelled('Trình bày', `${personLine(item.presenter)}.`));
  if (item.summary) out.push(paragraph(item.summary));
  if (item.listing && item.listing.length > 0) {
    out.push(orderedList(item.listing.map((line) => [paragraph(line)])));
  }
  const speakers = speakersSnippet({ speakers: item.speakers });
  out.push(...(key ? markFact(key, speakers) : speakers));
  for (const poll of item.polls) {
    const blocks = pollSnippet(poll);
    out.push(...(poll.id ? markFact(pollFact(poll.id), blocks) : blocks));
  }
  if (item.conclusions && item.conclusions.length > 0) {
    out.push(paragraph(bold('Kết luận:')));
    out.push(bulletList(item.conclusions.map((c) => [paragraph(c)])));
  }
  return out;
}

function closing(facts: MeetingFacts): MinutesNode {
  if (!facts.endedAt) return paragraph('Cuộc họp kết thúc vào … giờ … phút cùng ngày./.');
  const sameDay = vietnamDate(facts.endedAt) === vietnamDate(facts.startedAt);
  const when = sameDay
    ? `${formatTimeVi(facts.endedAt)} cùng ngày`
    : `${formatTimeVi(facts.endedAt)}, ${formatDateVi(vietnamDate(facts.endedAt))}`;
  return paragraph(`Cuộc họp kết thúc vào ${when}./.`);
}

/**
 * The biên bản (ND30, Phụ lục III form for minutes): start time, place, chair, secretary,
 * attendance per site, content per agenda item with speakers and polls, conclusions, end time;
 * signed by the secretary (left) and the chair (right). Throws RangeError on a bad date.
 */
export function buildMinutesTemplate(facts: MeetingFacts): MinutesDraft {
  const issuedOn = facts.issuedOn ?? vietnamDate(facts.startedAt);
  const meta: MinutesDocumentMeta = {
    kind: 'minutes',
    parentBody: upperVi(facts.issuingBody.parentName ?? ''),
    issuingBody: upperVi(facts.issuingBody.name),
    numberSymbol: facts.minutesNumberSymbol.normalize('NFC'),
    placeName: facts.placeName.normalize('NFC'),
    issuedOn,
    title: facts.title.normalize('NFC'),
    signatures: [
      { authority: [], title: 'THƯ KÝ', name: facts.secretary.name.normalize('NFC') },
      { authority: [], title: 'CHỦ TRÌ', name: facts.chair.name.normalize('NFC') },
    ],
    recipients: facts.recipients.map((r) => r.normalize('NFC')),
    archive: (facts.archive ?? 'VT').normalize('NFC'),
    createdAt: facts.createdAt ?? facts.startedAt,
  };
  const blocks: MinutesNode[] = [
    ...markFact(HEADER_FACT, [
      labelled('Thời gian bắt đầu', `${formatDateTimeVi(facts.startedAt)}.`),
      labelled('Địa điểm', `${facts.location}.`),
      labelled('Chủ trì', `${personLine(facts.chair)}.`),
      labelled('Thư ký', `${personLine(facts.secretary)}.`),
    ]),
    heading(2, 'I. THÀNH PHẦN THAM DỰ'),
    ...markFact(
      ATTENDANCE_FACT,
      facts.pending
        ? [paragraph(italic(`(Thành phần tham dự được ${PENDING}.)`))]
        : attendanceSnippet({ sites: facts.sites, attendees: facts.attendees }),
    ),
    heading(2, 'II. NỘI DUNG CUỘC HỌP'),
    ...(facts.agendaItems.length > 0
      ? facts.agendaItems.flatMap(agendaItemBlocks)
      : [paragraph(italic('(Nội dung theo diễn biến cuộc họp.)'))]),
    heading(2, 'III. KẾT LUẬN CỦA CHỦ TRÌ'),
    facts.conclusions.length > 0
      ? orderedList(facts.conclusions.map((c) => [paragraph(c)]))
      : paragraph(italic('(Kết luận của chủ trì cuộc họp.)')),
    ...markFact(CLOSING_FACT, [closing(facts)]),
  ];
  return { meta, content: doc(blocks) };
}
