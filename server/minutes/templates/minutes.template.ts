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

function agendaItemBlocks(item: AgendaItemFact, index: number): MinutesNode[] {
  const out: MinutesNode[] = [heading(3, `${String(index + 1)}. ${item.title}`)];
  if (item.presenter) out.push(labelled('Trình bày', `${personLine(item.presenter)}.`));
  if (item.summary) out.push(paragraph(item.summary));
  out.push(...speakersSnippet({ speakers: item.speakers }));
  for (const poll of item.polls) out.push(...pollSnippet(poll));
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
      { authority: [], title: 'CHỦ TỌA', name: facts.chair.name.normalize('NFC') },
    ],
    recipients: facts.recipients.map((r) => r.normalize('NFC')),
    archive: (facts.archive ?? 'VT').normalize('NFC'),
    createdAt: facts.createdAt ?? facts.startedAt,
  };
  const blocks: MinutesNode[] = [
    labelled('Thời gian bắt đầu', `${formatDateTimeVi(facts.startedAt)}.`),
    labelled('Địa điểm', `${facts.location}.`),
    labelled('Chủ trì', `${personLine(facts.chair)}.`),
    labelled('Thư ký', `${personLine(facts.secretary)}.`),
    heading(2, 'I. THÀNH PHẦN THAM DỰ'),
    ...attendanceSnippet({ sites: facts.sites, attendees: facts.attendees }),
    heading(2, 'II. NỘI DUNG CUỘC HỌP'),
    ...(facts.agendaItems.length > 0
      ? facts.agendaItems.flatMap(agendaItemBlocks)
      : [paragraph(italic('(Nội dung theo diễn biến cuộc họp.)'))]),
    heading(2, 'III. KẾT LUẬN CỦA CHỦ TRÌ'),
    facts.conclusions.length > 0
      ? orderedList(facts.conclusions.map((c) => [paragraph(c)]))
      : paragraph(italic('(Kết luận của chủ trì cuộc họp.)')),
    closing(facts),
  ];
  return { meta, content: doc(blocks) };
}
