import type { MinutesNode } from '../../contracts/minutes';
import { formatPercentVi, formatTimeVi } from './format-vi';
import type { AttendeeFact, PollFact, SiteFact, SpeakerFact } from './meeting-facts';
import {
  bold,
  bulletList,
  italic,
  orderedList,
  paragraph,
  personLine,
  text,
} from './prosemirror-build';

// The three "one action" inserts of the secretary. Each returns a fragment (block nodes) that
// the editor inserts as ordinary, editable text: nothing in it is a special node.

function attendeeLine(a: AttendeeFact): MinutesNode[] {
  const parts: MinutesNode[] = [text(personLine(a))];
  if (a.present && a.substituteFor) parts.push(italic(` (dự thay ${a.substituteFor})`));
  if (!a.present) {
    parts.push(italic(a.absenceReason ? ` (lý do: ${a.absenceReason})` : ' (không báo lý do)'));
  }
  return [paragraph(...parts)];
}

function presence(label: string, people: AttendeeFact[]): MinutesNode[] {
  if (people.length === 0) return [];
  return [
    paragraph(bold(`${label} (${String(people.length)}):`)),
    bulletList(people.map(attendeeLine)),
  ];
}

function period(c: { from: string; to?: string }): string {
  return c.to
    ? `từ ${formatTimeVi(c.from)} đến ${formatTimeVi(c.to)}`
    : `từ ${formatTimeVi(c.from)}`;
}

/** "có mặt, kết nối từ 08 giờ 05 phút đến 10 giờ 00 phút" or "không kết nối". */
function siteLine(site: SiteFact): string {
  if (site.isHost) return '';
  if (site.present === undefined) return '';
  if (!site.present) return ': vắng mặt (không kết nối)';
  const periods = site.connections ?? [];
  if (periods.length > 0) return `: có mặt, kết nối ${periods.map(period).join('; ')}`;
  if (site.markedPresentAt) return `: có mặt (điểm danh lúc ${formatTimeVi(site.markedPresentAt)})`;
  return ': có mặt';
}

/**
 * Attendance: who was present and who was absent, per site when the meeting has several
 * (host site first) with each site's presence, connection times and operators, substitutes
 * and absence reasons, and the overall count.
 */
export function attendanceSnippet(input: {
  sites: SiteFact[];
  attendees: AttendeeFact[];
}): MinutesNode[] {
  const sites = [...input.sites].sort(
    (a, b) => Number(b.isHost ?? false) - Number(a.isHost ?? false),
  );
  const hostId = sites[0]?.id;
  const known = new Set(sites.map((s) => s.id));
  const siteOf = (a: AttendeeFact): string | undefined =>
    a.siteId !== undefined && known.has(a.siteId) ? a.siteId : hostId;
  const present = input.attendees.filter((a) => a.present).length;
  const sitesPresent = sites.filter((s) => s.isHost || s.present !== false).length;
  const out: MinutesNode[] = [
    paragraph(
      text(
        `Số đại biểu có mặt: ${String(present)}/${String(input.attendees.length)} đại biểu được mời`,
      ),
      text(
        sites.length > 1
          ? sitesPresent === sites.length
            ? `, tại ${String(sites.length)} điểm cầu.`
            : `, tại ${String(sitesPresent)}/${String(sites.length)} điểm cầu.`
          : '.',
      ),
    ),
  ];
  const groups = sites.length > 1 ? sites : [undefined];
  for (const site of groups) {
    const people = site ? input.attendees.filter((a) => siteOf(a) === site.id) : input.attendees;
    if (site) {
      out.push(
        paragraph(
          bold(site.isHost ? `Điểm cầu chính - ${site.name}` : `Điểm cầu ${site.name}`),
          text(siteLine(site)),
        ),
      );
      if (site.operators && site.operators.length > 0) {
        out.push(paragraph(text(`Cán bộ điều hành điểm cầu: ${site.operators.join(', ')}.`)));
      }
    }
    if (people.length === 0) {
      if (!site) out.push(paragraph(italic('Không có đại biểu được mời.')));
      continue;
    }
    out.push(
      ...presence(
        'Có mặt',
        people.filter((a) => a.present),
      ),
    );
    out.push(
      ...presence(
        'Vắng mặt',
        people.filter((a) => !a.present),
      ),
    );
  }
  return out;
}

function speakerTime(s: SpeakerFact): string {
  const from = formatTimeVi(s.startedAt);
  return s.endedAt ? `từ ${from} đến ${formatTimeVi(s.endedAt)}` : `từ ${from}`;
}

/**
 * The speakers of an agenda item in the order they had the floor, with their times and site,
 * each followed by the summary of what they said (empty for the secretary to fill in).
 */
export function speakersSnippet(item: { title?: string; speakers: SpeakerFact[] }): MinutesNode[] {
  const head = paragraph(
    bold(item.title ? `Ý kiến phát biểu về ${item.title}:` : 'Ý kiến phát biểu:'),
  );
  if (item.speakers.length === 0) return [head, paragraph(italic('Không có ý kiến phát biểu.'))];
  const ordered = [...item.speakers].sort(
    (a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt),
  );
  return [
    head,
    orderedList(
      ordered.map((s) => [
        paragraph(
          bold(personLine(s)),
          text(` (${speakerTime(s)}${s.siteName ? `, điểm cầu ${s.siteName}` : ''})`),
          text(s.summary ? `: ${s.summary}` : ':'),
        ),
      ]),
    ),
  ];
}

/**
 * A poll's result: the question, the count per option with its percentage of the electorate
 * (the base is named: who could vote, drawn from which pool), turnout, and the declared outcome.
 */
export function pollSnippet(poll: PollFact): MinutesNode[] {
  const kind = poll.anonymous ? 'Biểu quyết kín' : 'Biểu quyết';
  const base = poll.base;
  const of = base
    ? `số ${base.label} (${String(poll.eligible)} người)`
    : 'số đại biểu có quyền biểu quyết';
  const options = poll.options.map((o) => [
    paragraph(
      bold(`${o.label}: `),
      text(`${String(o.votes)} phiếu, bằng ${formatPercentVi(o.votes, poll.eligible)} ${of}`),
    ),
  ]);
  const closed = poll.closedAt ? ` (kết thúc lúc ${formatTimeVi(poll.closedAt)})` : '';
  const turnout = base
    ? `Người có quyền biểu quyết: ${String(poll.eligible)}/${String(base.pool)} ${base.label} (${formatPercentVi(poll.eligible, base.pool)}); số phiếu đã biểu quyết: ${String(poll.cast)}/${String(poll.eligible)}${closed}.`
    : `Số đại biểu có quyền biểu quyết: ${String(poll.eligible)}; số đại biểu đã biểu quyết: ${String(poll.cast)}${closed}.`;
  const out: MinutesNode[] = [
    paragraph(bold(`${kind}: `), text(poll.question)),
    paragraph(text(turnout)),
    bulletList(options),
  ];
  if (poll.outcome) out.push(paragraph(bold('Kết quả: '), text(`${poll.outcome}.`)));
  return out;
}
