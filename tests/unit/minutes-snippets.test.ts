import { Node as PmNode } from '@tiptap/pm/model';
import { describe, expect, it } from 'vitest';
import { defaultProseMirrorSchema } from '../../collab/prosemirror';
import type { MinutesNode } from '../../server/contracts/minutes';
import { plainText, toLayoutBlocks } from '../../server/minutes/render/content-blocks';
import {
  attendanceSnippet,
  pollSnippet,
  speakersSnippet,
} from '../../server/minutes/templates/snippets';
import { ATTENDEE_NAMES, buildMeetingFacts } from '../support/minutes-fixtures';

const schema = defaultProseMirrorSchema();

/** Inserts the fragment into an empty document as the editor would, and checks it. */
function insertable(fragment: MinutesNode[]): string {
  const doc = { type: 'doc' as const, content: fragment };
  const node = PmNode.fromJSON(schema, doc);
  node.check();
  // Only ordinary, editable nodes: paragraphs, lists and text with marks.
  node.descendants((n) => {
    expect(['paragraph', 'bulletList', 'orderedList', 'listItem', 'text']).toContain(n.type.name);
  });
  return plainText(toLayoutBlocks(doc));
}

const facts = buildMeetingFacts();
const item = facts.agendaItems[0];
if (!item) throw new Error('fixture without agenda item');

describe('insert snippets', () => {
  it('attendance: present and absent per site, substitute and reason', () => {
    const text = insertable(attendanceSnippet(facts));
    expect(text).toContain('Có mặt (3):');
    expect(text).toContain('Vắng mặt (1):');
    expect(text).toContain(
      `- ${ATTENDEE_NAMES.absent}, Giám đốc Sở Y tế (lý do: đi công tác tại Hà Nội)`,
    );
    expect(text).toContain(`(dự thay ${ATTENDEE_NAMES.vinhYen}`);
    expect(text.indexOf('Điểm cầu chính')).toBeLessThan(
      text.indexOf('Điểm cầu Thành phố Vĩnh Yên'),
    );
  });

  it('attendance of a single-site meeting has no site headings and says "không báo lý do"', () => {
    const text = insertable(
      attendanceSnippet({
        sites: [],
        attendees: [
          { name: 'Lý Văn Bình', present: true },
          { name: 'Mai Thị Cúc', present: false },
        ],
      }),
    );
    expect(text).toContain('Số đại biểu có mặt: 1/2 đại biểu được mời.');
    expect(text).not.toContain('Điểm cầu');
    expect(text).toContain('- Mai Thị Cúc (không báo lý do)');
  });

  it('speakers: in the order they had the floor, with times', () => {
    const text = insertable(speakersSnippet({ title: item.title, speakers: item.speakers }));
    expect(text.split('\n')).toEqual([
      'Ý kiến phát biểu về Dự toán ngân sách nhà nước năm 2027:',
      `1. ${ATTENDEE_NAMES.substitute}, Phó Chủ tịch Ủy ban nhân dân thành phố Vĩnh Yên (từ 08 giờ 20 phút đến 08 giờ 26 phút, điểm cầu Thành phố Vĩnh Yên):`,
      `2. ${ATTENDEE_NAMES.planning}, Giám đốc Sở Kế hoạch và Đầu tư (từ 08 giờ 40 phút đến 08 giờ 47 phút): Đề nghị ưu tiên vốn cho các dự án chuyển tiếp.`,
    ]);
    expect(insertable(speakersSnippet({ speakers: [] }))).toContain('Không có ý kiến phát biểu.');
  });

  it('poll: counts against eligible voters, turnout and outcome', () => {
    const [poll] = item.polls;
    if (!poll) throw new Error('fixture without poll');
    const text = insertable(pollSnippet({ ...poll, anonymous: true }));
    expect(text.split('\n')).toEqual([
      'Biểu quyết kín: Thông qua dự toán ngân sách nhà nước năm 2027',
      'Số đại biểu có quyền biểu quyết: 4; số đại biểu đã biểu quyết: 4 (kết thúc lúc 09 giờ 05 phút).',
      '- Tán thành: 3 phiếu, bằng 75,0% số đại biểu có quyền biểu quyết',
      '- Không tán thành: 0 phiếu, bằng 0,0% số đại biểu có quyền biểu quyết',
      '- Không biểu quyết: 1 phiếu, bằng 25,0% số đại biểu có quyền biểu quyết',
      'Kết quả: Thông qua.',
    ]);
  });
});
