import type { MeetingFacts } from '../../server/minutes/templates/meeting-facts';

/** Names of the demo attendees, in decomposed form on purpose for one of them (NFD input). */
export const ATTENDEE_NAMES = {
  chair: 'Nguyễn Văn Thắng',
  secretary: 'Trần Thị Hồng Nhung',
  finance: 'Lê Quang Huy',
  planning: 'Phạm Thị Thu Hà',
  vinhYen: 'Đặng Đức Long',
  substitute: 'Hoàng Minh Tuấn',
  absent: 'Vũ Thị Ngọc Ánh',
} as const;

/**
 * A meeting of the Vĩnh Phúc provincial People's Committee with two sites, attendance
 * (including a substitute and an absence), two speakers and a poll.
 */
export function buildMeetingFacts(overrides: Partial<MeetingFacts> = {}): MeetingFacts {
  const n = ATTENDEE_NAMES;
  return {
    issuingBody: { name: 'Ủy ban nhân dân tỉnh Vĩnh Phúc' },
    minutesNumberSymbol: '12/BB-UBND',
    placeName: 'Vĩnh Phúc',
    issuedOn: '2026-11-23',
    title: 'Phiên họp thường kỳ tháng 11 năm 2026 của Ủy ban nhân dân tỉnh',
    startedAt: '2026-11-23T08:00:00+07:00',
    endedAt: '2026-11-23T11:30:00+07:00',
    location: 'Phòng họp số 1, Trụ sở Ủy ban nhân dân tỉnh Vĩnh Phúc',
    chair: { name: n.chair, position: 'Chủ tịch Ủy ban nhân dân tỉnh' },
    secretary: { name: n.secretary, position: 'Chuyên viên Văn phòng Ủy ban nhân dân tỉnh' },
    sites: [
      { id: 'host', name: 'Trụ sở Ủy ban nhân dân tỉnh', isHost: true },
      { id: '243', name: 'Thành phố Vĩnh Yên' },
    ],
    attendees: [
      { name: n.chair, position: 'Chủ tịch Ủy ban nhân dân tỉnh', siteId: 'host', present: true },
      { name: n.finance, position: 'Giám đốc Sở Tài chính', siteId: 'host', present: true },
      {
        name: n.planning.normalize('NFD'),
        position: 'Giám đốc Sở Kế hoạch và Đầu tư',
        siteId: 'host',
        present: true,
      },
      {
        name: n.substitute,
        position: 'Phó Chủ tịch Ủy ban nhân dân thành phố Vĩnh Yên',
        siteId: '243',
        present: true,
        substituteFor: `${n.vinhYen}, Chủ tịch Ủy ban nhân dân thành phố Vĩnh Yên`,
      },
      {
        name: n.absent,
        position: 'Giám đốc Sở Y tế',
        siteId: 'host',
        present: false,
        absenceReason: 'đi công tác tại Hà Nội',
      },
    ],
    agendaItems: [
      {
        title: 'Dự toán ngân sách nhà nước năm 2027',
        presenter: { name: n.finance, position: 'Giám đốc Sở Tài chính' },
        summary: 'Sở Tài chính trình bày dự thảo dự toán thu, chi ngân sách địa phương năm 2027.',
        speakers: [
          {
            name: n.planning,
            position: 'Giám đốc Sở Kế hoạch và Đầu tư',
            startedAt: '2026-11-23T08:40:00+07:00',
            endedAt: '2026-11-23T08:47:00+07:00',
            summary: 'Đề nghị ưu tiên vốn cho các dự án chuyển tiếp.',
          },
          {
            name: n.substitute,
            position: 'Phó Chủ tịch Ủy ban nhân dân thành phố Vĩnh Yên',
            siteName: 'Thành phố Vĩnh Yên',
            startedAt: '2026-11-23T08:20:00+07:00',
            endedAt: '2026-11-23T08:26:00+07:00',
          },
        ],
        polls: [
          {
            question: 'Thông qua dự toán ngân sách nhà nước năm 2027',
            options: [
              { label: 'Tán thành', votes: 3 },
              { label: 'Không tán thành', votes: 0 },
              { label: 'Không biểu quyết', votes: 1 },
            ],
            eligible: 4,
            cast: 4,
            closedAt: '2026-11-23T09:05:00+07:00',
            outcome: 'Thông qua',
          },
        ],
        conclusions: ['Giao Sở Tài chính hoàn thiện dự toán, trình Hội đồng nhân dân tỉnh.'],
      },
    ],
    conclusions: ['Các sở, ngành khẩn trương triển khai nhiệm vụ được giao.'],
    recipients: ['Thường trực Tỉnh ủy', 'Thường trực HĐND tỉnh', 'Các sở, ban, ngành'],
    archive: 'VT, TH',
    createdAt: '2026-11-23T11:45:00+07:00',
    ...overrides,
  };
}

/**
 * The same meeting with enough agenda items and speakers to fill about `pages` A4 pages of
 * minutes (about 90 words per speaker turn).
 */
export function buildLongMeetingFacts(pages: number): MeetingFacts {
  const base = buildMeetingFacts();
  const [template] = base.agendaItems;
  if (!template) throw new Error('fixture has no agenda item');
  const sentence =
    'Đề nghị các sở, ngành rà soát các khoản chi thường xuyên, ưu tiên vốn đầu tư công cho các công trình chuyển tiếp, bảo đảm tiến độ giải ngân và hiệu quả sử dụng ngân sách nhà nước của tỉnh Vĩnh Phúc.';
  const items = Array.from({ length: pages }, (_, i) => ({
    ...template,
    title: `Nội dung số ${String(i + 1)}: báo cáo chuyên đề của các sở, ngành`,
    speakers: Array.from({ length: 3 }, (_, j) => ({
      name: `${ATTENDEE_NAMES.finance} ${String(j + 1)}`,
      position: 'Giám đốc Sở Tài chính',
      startedAt: `2026-11-23T0${String(8 + (j % 2))}:${String(10 + j * 5)}:00+07:00`,
      endedAt: `2026-11-23T0${String(8 + (j % 2))}:${String(14 + j * 5)}:00+07:00`,
      summary: `${sentence} ${sentence}`,
    })),
  }));
  return { ...base, agendaItems: items };
}
