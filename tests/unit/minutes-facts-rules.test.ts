import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_FACT,
  isUntouched,
  markFact,
  replaceFactSections,
} from '../../collab/contracts/fact-sections';
import type { Poll } from '../../server/contracts/votes';
import {
  attendeeFacts,
  itemAtGrant,
  pollFactOf,
  siteFacts,
} from '../../server/minutes/meeting-facts.rules';
import type { PersonRecord, SiteRecord } from '../../server/minutes/meeting-facts.rules';
import { attendanceSnippet, pollSnippet } from '../../server/minutes/templates/snippets';
import { plainText, toLayoutBlocks } from '../../server/minutes/render/content-blocks';
import type { MinutesNode } from '../../server/contracts/minutes';
import { must } from '../support/must';

const at = (hhmm: string): Date => new Date(`2026-11-23T${hhmm}:00+07:00`);
const text = (blocks: MinutesNode[]): string =>
  plainText(toLayoutBlocks({ type: 'doc', content: blocks }));

const person = (over: Partial<PersonRecord>): PersonRecord => ({
  userId: 'u',
  name: 'Người',
  status: 'unmarked',
  reason: null,
  siteId: null,
  ...over,
});

describe('who was present', () => {
  const presiding = { chairId: 'chair', secretaryId: 'sec' };

  it('counts the chair and the secretary present when nobody marked them', () => {
    const facts = attendeeFacts(
      [
        person({ userId: 'chair', name: 'Chủ tọa' }),
        person({ userId: 'sec', name: 'Thư ký' }),
        person({ userId: 'd1', name: 'Đại biểu' }),
      ],
      presiding,
    );
    expect(facts.map((f) => [f.name, f.present])).toEqual([
      ['Chủ tọa', true],
      ['Thư ký', true],
      ['Đại biểu', false],
    ]);
  });

  it('keeps a chair marked absent absent, with the reason', () => {
    const [chair] = attendeeFacts(
      [person({ userId: 'chair', status: 'absent', reason: 'ốm' })],
      presiding,
    );
    expect(chair).toMatchObject({ present: false, absenceReason: 'ốm' });
  });

  it('counts anyone connected by video or checked in as present', () => {
    const facts = attendeeFacts(
      [
        person({ userId: 'd1', status: 'present_remote' }),
        person({ userId: 'd2', status: 'present_in_room' }),
      ],
      presiding,
    );
    expect(facts.every((f) => f.present)).toBe(true);
  });
});

describe('the sites', () => {
  const site = (over: Partial<SiteRecord>): SiteRecord => ({
    id: 's1',
    name: 'Xã Tam Đảo',
    status: 'unmarked',
    markedAt: null,
    connections: [],
    operators: [],
    ...over,
  });

  it('makes a site present from its first connection, with its periods merged in order', () => {
    const [fact] = siteFacts(
      [
        site({
          connections: [
            { joinedAt: at('09:30'), leftAt: at('09:45') },
            { joinedAt: at('08:05'), leftAt: at('09:00') },
            { joinedAt: at('08:50'), leftAt: at('09:10') },
          ],
          operators: ['Cán bộ xã'],
        }),
      ],
      at('10:00'),
    );
    expect(fact).toMatchObject({
      present: true,
      operators: ['Cán bộ xã'],
      connections: [
        { from: at('08:05').toISOString(), to: at('09:10').toISOString() },
        { from: at('09:30').toISOString(), to: at('09:45').toISOString() },
      ],
    });
  });

  it('closes a link still open at the end of the meeting at that end', () => {
    const [fact] = siteFacts(
      [site({ connections: [{ joinedAt: at('08:05'), leftAt: null }] })],
      at('10:00'),
    );
    expect(fact?.connections).toEqual([
      { from: at('08:05').toISOString(), to: at('10:00').toISOString() },
    ]);
  });

  it('keeps a site that never connected and was not marked absent from the count', () => {
    const [fact] = siteFacts([site({})], at('10:00'));
    expect(fact).toMatchObject({ present: false, connections: [] });
  });

  it('writes a connected site without invitees as present, with its times and operators', () => {
    const [fact] = siteFacts(
      [
        site({
          connections: [{ joinedAt: at('08:05'), leftAt: at('09:55') }],
          operators: ['Lê Văn Cầu'],
        }),
      ],
      at('10:00'),
    );
    const out = text(
      attendanceSnippet({
        sites: [{ id: 'host', name: 'UBND tỉnh', isHost: true, present: true }, must(fact)],
        attendees: [{ name: 'Chủ tọa', present: true }],
      }),
    );
    expect(out).toContain(
      'Điểm cầu Xã Tam Đảo: có mặt, kết nối từ 08 giờ 05 phút đến 09 giờ 55 phút',
    );
    expect(out).toContain('Cán bộ điều hành điểm cầu: Lê Văn Cầu.');
    expect(out).not.toContain('Không có đại biểu được mời');
  });
});

describe('under which item a speech falls', () => {
  const changes = [
    { at: at('08:10'), itemId: 'item1' },
    { at: at('08:40'), itemId: 'item2' },
  ];

  it('files a speech requested before item 1 and granted during it under item 1', () => {
    expect(itemAtGrant(at('08:15'), changes, null)).toBe('item1');
  });

  it('files a speech granted before any item outside the items', () => {
    expect(itemAtGrant(at('08:05'), changes, 'item1')).toBeNull();
  });

  it('files a speech granted after the move under the next item', () => {
    expect(itemAtGrant(at('08:40'), changes, 'item1')).toBe('item2');
  });

  it('falls back to the item of the request when no change of item was recorded', () => {
    expect(itemAtGrant(at('08:15'), [], 'item1')).toBe('item1');
  });
});

describe('the base of poll percentages', () => {
  const poll = (over: Partial<Poll>): Poll => ({
    id: 'p1',
    meetingId: 'm',
    agendaItemId: null,
    question: 'Thông qua tờ trình',
    options: ['Tán thành', 'Không tán thành', 'Không ý kiến'],
    secret: false,
    allowChange: false,
    electorate: 'present_voting_members',
    quorum: { numerator: 1, denominator: 2, inclusive: false },
    status: 'closed',
    eligibleCount: 3,
    ballotsCast: 3,
    openedAt: null,
    closedAt: null,
    createdBy: 'c',
    createdAt: at('08:00').toISOString(),
    results: {
      ballots: 3,
      eligible: 3,
      options: [
        { index: 0, label: 'Tán thành', count: 2, percent: 66.67 },
        { index: 1, label: 'Không tán thành', count: 1, percent: 33.33 },
        { index: 2, label: 'Không ý kiến', count: 0, percent: 0 },
      ],
      quorumRequired: 3,
      quorumMet: true,
    },
    ...over,
  });

  it('takes the voting members present of all voting seats, and says so', () => {
    const out = text(pollSnippet(pollFactOf(poll({}), 4, { delegates: 3 })));
    expect(out).toContain(
      'Người có quyền biểu quyết: 3/4 thành viên có quyền biểu quyết có mặt (75,0%); số phiếu đã biểu quyết: 3/3.',
    );
    expect(out).toContain(
      'Tán thành: 2 phiếu, bằng 66,7% số thành viên có quyền biểu quyết có mặt (3 người)',
    );
  });

  it('takes the delegates present of the delegates invited for the default electorate', () => {
    const fact = pollFactOf(
      poll({ electorate: 'present_delegates', eligibleCount: 2, results: null, ballotsCast: 2 }),
      4,
      { delegates: 3 },
    );
    expect(fact).toMatchObject({
      eligible: 2,
      base: { label: 'đại biểu có mặt', pool: 3 },
    });
  });
});

describe('fact sections', () => {
  const p = (t: string): MinutesNode => ({
    type: 'paragraph',
    content: [{ type: 'text', text: t }],
  });

  it('replaces the section of the same fact in place instead of adding a second one', () => {
    const first = markFact(ATTENDANCE_FACT, [p('cũ 1'), p('cũ 2')]);
    const doc = [p('trước'), ...first, p('sau')];
    const again = replaceFactSections(doc, markFact(ATTENDANCE_FACT, [p('mới')]));
    expect(text(again).split('\n')).toEqual(['trước', 'mới', 'sau']);
  });

  it('adds a missing section right after the section before it in the template', () => {
    const doc = [...markFact('speakers:i1', [p('phát biểu')]), p('kết luận')];
    const fresh = [
      ...markFact('speakers:i1', [p('phát biểu mới')]),
      ...markFact('poll:p1', [p('biểu quyết')]),
    ];
    expect(text(replaceFactSections(doc, fresh)).split('\n')).toEqual([
      'phát biểu mới',
      'biểu quyết',
      'kết luận',
    ]);
  });

  it('keeps the secretary own text around the facts', () => {
    const doc = [p('ghi chú'), ...markFact(ATTENDANCE_FACT, [p('a')])];
    expect(text(replaceFactSections(doc, [p('không thuộc mục nào')]))).toBe('ghi chú\na');
  });

  it('leaves a section someone edited when asked to keep edits, and replaces an untouched one', () => {
    const speakers = markFact('speakers:i1', [p('1. Nguyễn Văn An (từ 08 giờ 15 phút):')]);
    const edited = [
      {
        ...speakers[0],
        content: [{ type: 'text' as const, text: '1. Nguyễn Văn An (từ 08 giờ 15 phút): Đồng ý.' }],
      } as MinutesNode,
    ];
    const attendance = markFact(ATTENDANCE_FACT, [p('(chờ)')]);
    const fresh = [
      ...markFact(ATTENDANCE_FACT, [p('Số đại biểu có mặt: 4/5')]),
      ...markFact('speakers:i1', [p('1. Nguyễn Văn An (từ 08 giờ 15 phút đến 08 giờ 20 phút):')]),
    ];
    const kept = text(replaceFactSections([...attendance, ...edited], fresh, { keepEdited: true }));
    expect(kept.split('\n')).toEqual([
      'Số đại biểu có mặt: 4/5',
      '1. Nguyễn Văn An (từ 08 giờ 15 phút): Đồng ý.',
    ]);
    const replaced = text(replaceFactSections([...attendance, ...edited], fresh));
    expect(replaced).not.toContain('Đồng ý.');
    expect(isUntouched(attendance)).toBe(true);
    expect(isUntouched(edited)).toBe(false);
  });
});
