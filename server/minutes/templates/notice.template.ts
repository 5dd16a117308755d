import { markFact } from '../../../collab/contracts/fact-sections';
import type { MinutesNode } from '../../contracts/minutes';
import { formatDateVi, vietnamDate } from './format-vi';
import type { MeetingFacts } from './meeting-facts';
import type { MinutesDraft } from './minutes.template';
import { upperVi } from './minutes.template';
import { bulletList, doc, heading, paragraph, personLine } from './prosemirror-build';

/** Fact section key of the opening paragraph (who chaired, how many attended). */
export const PARTICIPATION_FACT = 'participation';

function lowerFirst(s: string): string {
  return s.length > 0 ? s.charAt(0).toLocaleLowerCase('vi') + s.slice(1) : s;
}

/**
 * The thông báo kết luận (ND30 form for a named document): who chaired what, when and where,
 * then the chair's conclusions per agenda item and overall, signed by the notice's signer
 * (by default the chair). Numbered "…/TB-…" from the minutes' symbol when none is given.
 * Throws RangeError on a bad date.
 */
export function buildNoticeTemplate(facts: MeetingFacts): MinutesDraft {
  const issuedOn = facts.issuedOn ?? vietnamDate(facts.startedAt);
  const meetingDate = vietnamDate(facts.startedAt);
  const chair = facts.chair;
  const signer = facts.notice?.signer ?? {
    authority: [],
    title: upperVi(chair.position ?? 'Chủ trì'),
    name: chair.name,
  };
  const present = facts.attendees.filter((a) => a.present).length;
  const meetingName = lowerFirst(facts.title.normalize('NFC'));
  const meta: MinutesDraft['meta'] = {
    kind: 'notice',
    parentBody: upperVi(facts.issuingBody.parentName ?? ''),
    issuingBody: upperVi(facts.issuingBody.name),
    numberSymbol: (
      facts.notice?.numberSymbol ?? facts.minutesNumberSymbol.replace('/BB-', '/TB-')
    ).normalize('NFC'),
    placeName: facts.placeName.normalize('NFC'),
    issuedOn,
    title: `Kết luận của đồng chí ${personLine(chair)} tại ${meetingName}`.normalize('NFC'),
    signatures: [
      {
        authority: (signer.authority ?? []).map((a) => upperVi(a)),
        title: upperVi(signer.title),
        name: signer.name.normalize('NFC'),
      },
    ],
    recipients: (facts.notice?.recipients ?? facts.recipients).map((r) => r.normalize('NFC')),
    archive: (facts.notice?.archive ?? facts.archive ?? 'VT').normalize('NFC'),
    createdAt: facts.createdAt ?? facts.startedAt,
  };
  const sitesPresent = facts.sites.filter((s) => s.isHost || s.present !== false).length;
  const sites = sitesPresent > 1 ? `, tại ${String(sitesPresent)} điểm cầu` : '';
  const attended = facts.pending
    ? 'Tham dự cuộc họp có … đại biểu'
    : `Tham dự cuộc họp có ${String(present)} đại biểu${sites}`;
  const blocks: MinutesNode[] = [
    ...markFact(PARTICIPATION_FACT, [
      paragraph(
        `${formatDateVi(meetingDate).replace(/^n/, 'N')}, tại ${facts.location}, đồng chí ${personLine(chair)} chủ trì ${meetingName}. ${attended}.`,
      ),
    ]),
    paragraph(
      `Sau khi nghe báo cáo và ý kiến phát biểu của các đại biểu dự họp, đồng chí ${chair.name} kết luận như sau:`,
    ),
  ];
  let n = 0;
  for (const item of facts.agendaItems) {
    const outcomes = item.polls
      .filter((p) => p.outcome)
      .map((p) => `${p.question}: ${p.outcome ?? ''}.`);
    const lines = [...(item.conclusions ?? []), ...outcomes];
    if (lines.length === 0) continue;
    n += 1;
    blocks.push(heading(3, `${String(n)}. ${item.title}`));
    blocks.push(...lines.map((l) => paragraph(l)));
  }
  if (facts.conclusions.length > 0) {
    blocks.push(heading(3, `${String(n + 1)}. Kết luận chung`));
    blocks.push(bulletList(facts.conclusions.map((c) => [paragraph(c)])));
  }
  blocks.push(
    paragraph(
      `${facts.issuingBody.name} thông báo để các cơ quan, đơn vị, cá nhân liên quan biết, thực hiện./.`,
    ),
  );
  return { meta, content: doc(blocks) };
}
