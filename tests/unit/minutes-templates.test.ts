import { Node as PmNode } from '@tiptap/pm/model';
import { describe, expect, it } from 'vitest';
import { factOf } from '../../collab/contracts/fact-sections';
import { defaultProseMirrorSchema } from '../../collab/prosemirror';
import type { MinutesNode } from '../../server/contracts/minutes';
import { minutesContentSchema, minutesDocumentMetaSchema } from '../../server/contracts/minutes';
import { plainText, toLayoutBlocks } from '../../server/minutes/render/content-blocks';
import { buildMinutesTemplate } from '../../server/minutes/templates/minutes.template';
import { buildNoticeTemplate } from '../../server/minutes/templates/notice.template';
import { ATTENDEE_NAMES, buildMeetingFacts } from '../support/minutes-fixtures';

/** The editor's schema (StarterKit and the fact sections): content that passes here opens in Tiptap and in the collab server. */
const schema = defaultProseMirrorSchema();

function textOf(content: MinutesNode): string {
  return plainText(toLayoutBlocks(content));
}

describe('the draft while the meeting is live', () => {
  const base = buildMeetingFacts();
  const draft = buildMinutesTemplate({
    ...base,
    agendaItems: base.agendaItems.map((item, i) => ({ ...item, id: `item${String(i)}` })),
    pending: true,
  });
  const text = textOf(draft.content);

  it('states no attendance as fact: nobody is listed absent before the end', () => {
    expect(text).not.toContain('Vắng mặt');
    expect(text).toContain(
      '(Thành phần tham dự được lập từ hồ sơ cuộc họp khi cuộc họp kết thúc.)',
    );
  });

  it('marks the facts as sections that the end of the meeting rebuilds', () => {
    const facts = (draft.content.content ?? []).flatMap((b) => factOf(b) ?? []);
    expect(facts).toContain('attendance');
    expect(facts).toContain('header');
    expect(facts).toContain('closing');
    expect(facts.some((f) => f.startsWith('speakers:'))).toBe(true);
  });

  it('keeps its fact sections in the editor schema', () => {
    const node = PmNode.fromJSON(schema, draft.content);
    const marked: string[] = [];
    node.forEach((child) => {
      const key = factOf({ type: child.type.name, attrs: child.attrs });
      if (key) marked.push(key);
    });
    expect(marked).toContain('attendance');
  });
});

describe('buildMinutesTemplate', () => {
  const draft = buildMinutesTemplate(buildMeetingFacts());
  const text = textOf(draft.content);

  it('builds a document the StarterKit editor accepts, and valid metadata', () => {
    const node = PmNode.fromJSON(schema, draft.content);
    expect(() => {
      node.check();
    }).not.toThrow();
    expect(minutesContentSchema.safeParse(draft.content).success).toBe(true);
    const meta = minutesDocumentMetaSchema.parse(draft.meta);
    expect(meta).toMatchObject({
      kind: 'minutes',
      issuingBody: 'ỦY BAN NHÂN DÂN TỈNH VĨNH PHÚC',
      numberSymbol: '12/BB-UBND',
      issuedOn: '2026-11-23',
    });
    expect(meta.signatures.map((s) => s.title)).toEqual(['THƯ KÝ', 'CHỦ TRÌ']);
    expect(meta.signatures.map((s) => s.name)).toEqual([
      ATTENDEE_NAMES.secretary,
      ATTENDEE_NAMES.chair,
    ]);
  });

  it('states start and end time, place, chair and secretary', () => {
    expect(text).toContain('Thời gian bắt đầu: 08 giờ 00 phút, ngày 23 tháng 11 năm 2026.');
    expect(text).toContain('Địa điểm: Phòng họp số 1');
    expect(text).toContain(`Chủ trì: ${ATTENDEE_NAMES.chair}, Chủ tịch Ủy ban nhân dân tỉnh.`);
    expect(text).toContain(`Thư ký: ${ATTENDEE_NAMES.secretary}`);
    expect(text).toContain('Cuộc họp kết thúc vào 11 giờ 30 phút cùng ngày./.');
  });

  it('lists attendance per site with the substitute and the absence reason, in NFC', () => {
    expect(text).toContain('Số đại biểu có mặt: 4/5 đại biểu được mời, tại 2 điểm cầu.');
    const host = text.indexOf('Điểm cầu chính - Trụ sở Ủy ban nhân dân tỉnh');
    const vinhYen = text.indexOf('Điểm cầu Thành phố Vĩnh Yên');
    expect(host).toBeGreaterThan(-1);
    expect(vinhYen).toBeGreaterThan(host);
    // Entered decomposed (NFD), stored composed.
    expect(text).toContain(`${ATTENDEE_NAMES.planning}, Giám đốc Sở Kế hoạch và Đầu tư`);
    expect(text).not.toContain(ATTENDEE_NAMES.planning.normalize('NFD'));
    expect(text.slice(vinhYen)).toContain(
      `${ATTENDEE_NAMES.substitute}, Phó Chủ tịch Ủy ban nhân dân thành phố Vĩnh Yên (dự thay ${ATTENDEE_NAMES.vinhYen}`,
    );
    expect(text).toContain(
      `${ATTENDEE_NAMES.absent}, Giám đốc Sở Y tế (lý do: đi công tác tại Hà Nội)`,
    );
  });

  it('gives the two speakers in the order they spoke, with times, and the poll', () => {
    const first = text.indexOf(`1. ${ATTENDEE_NAMES.substitute}`);
    const second = text.indexOf(`2. ${ATTENDEE_NAMES.planning}`);
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect(text).toContain('(từ 08 giờ 20 phút đến 08 giờ 26 phút, điểm cầu Thành phố Vĩnh Yên)');
    expect(text).toContain('(từ 08 giờ 40 phút đến 08 giờ 47 phút): Đề nghị ưu tiên vốn');
    expect(text).toContain('Biểu quyết: Thông qua dự toán ngân sách nhà nước năm 2027');
    expect(text).toContain('Tán thành: 3 phiếu, bằng 75,0% số đại biểu có quyền biểu quyết');
    expect(text).toContain('Kết quả: Thông qua.');
  });
});

describe('buildNoticeTemplate', () => {
  it('builds the notice of conclusions with its own number, place and date, and signer', () => {
    const draft = buildNoticeTemplate(buildMeetingFacts());
    expect(() => {
      PmNode.fromJSON(schema, draft.content).check();
    }).not.toThrow();
    const meta = minutesDocumentMetaSchema.parse(draft.meta);
    expect(meta.kind).toBe('notice');
    expect(meta.numberSymbol).toBe('12/TB-UBND');
    expect(meta.title).toBe(
      `Kết luận của đồng chí ${ATTENDEE_NAMES.chair}, Chủ tịch Ủy ban nhân dân tỉnh tại phiên họp thường kỳ tháng 11 năm 2026 của Ủy ban nhân dân tỉnh`,
    );
    expect(meta.signatures).toHaveLength(1);
    const text = textOf(draft.content);
    expect(text).toContain('Ngày 23 tháng 11 năm 2026, tại Phòng họp số 1');
    expect(text).toContain('Giao Sở Tài chính hoàn thiện dự toán');
    expect(text).toContain('Thông qua dự toán ngân sách nhà nước năm 2027: Thông qua.');
    expect(text).toContain(
      'thông báo để các cơ quan, đơn vị, cá nhân liên quan biết, thực hiện./.',
    );
  });

  it('uses a configured signer and number', () => {
    const facts = buildMeetingFacts({
      notice: {
        numberSymbol: '45/TB-VP',
        signer: { authority: ['TL. Chủ tịch'], title: 'Chánh Văn phòng', name: 'Ngô Thị Lan' },
      },
    });
    const meta = minutesDocumentMetaSchema.parse(buildNoticeTemplate(facts).meta);
    expect(meta.numberSymbol).toBe('45/TB-VP');
    expect(meta.signatures[0]).toEqual({
      authority: ['TL. CHỦ TỊCH'],
      title: 'CHÁNH VĂN PHÒNG',
      name: 'Ngô Thị Lan',
    });
  });
});

describe('an agenda item that lists the overdue tasks', () => {
  const base = buildMeetingFacts();
  const [first, ...rest] = base.agendaItems;
  const listing = [
    'Sở Nội vụ trình Đề án sắp xếp đơn vị hành chính cấp xã — chủ trì: Sở Nội vụ; hạn 31/01/2027',
    'Sở Tài chính báo cáo quyết toán — chủ trì: Sở Tài chính; hạn 15/01/2027',
  ];
  const draft = buildMinutesTemplate({
    ...base,
    agendaItems: first ? [{ ...first, id: 'overdue', listing }, ...rest] : [],
  });
  const text = textOf(draft.content);

  it('lists each task under the item, before the speakers, in the editor schema', () => {
    expect(() => PmNode.fromJSON(schema, draft.content).check()).not.toThrow();
    const firstTask = text.indexOf(listing[0] ?? '');
    expect(firstTask).toBeGreaterThan(text.indexOf(first?.title ?? ''));
    expect(text.indexOf(listing[1] ?? '')).toBeGreaterThan(firstTask);
    expect(text.indexOf(first?.speakers[0]?.name ?? '', firstTask)).toBeGreaterThan(firstTask);
  });
});
