import { agendaService } from '../agenda/agenda.service';
import { attendanceService } from '../attendance/attendance.service';
import type { AuthUser } from '../auth/auth-user';
import { createAgendaItemSchema } from '../contracts/agenda';
import { createMeetingSchema, inviteSchema } from '../contracts/meetings';
import type { MeetingState } from '../contracts/meetings';
import { createPollSchema } from '../contracts/votes';
import { documentService } from '../documents/document.service';
import { meetingService } from '../meetings/meeting.service';
import { participantService } from '../meetings/participant.service';
import { floorService } from '../speakers/floor.service';
import { UserModel } from '../users/user.model';
import { ballotService } from '../votes/ballot.service';
import { pollService } from '../votes/poll.service';
import { demoDocx, demoPdf } from './demo-files';
import { publishDemoMinutes } from './demo-minutes.seed';
import type { DemoMinutesPublisher } from './demo-minutes.seed';
import type { SeedContext, SeedStep } from './seed.service';

const HOUR = 3_600_000;

interface DemoMeeting {
  title: string;
  kind: 'regular' | 'extraordinary' | 'thematic' | 'briefing';
  visibility: 'public' | 'internal' | 'confidential';
  /** Start relative to now, in hours. */
  startsInHours: number;
  durationHours: number;
  place: string;
  state: MeetingState;
  description: string;
  agenda: { title: string; presenter: string; minutes: number }[];
  /** Invite the communes of this district as sites. */
  communesOf?: string;
}

const MEETINGS: DemoMeeting[] = [
  {
    title: 'Phiên họp thường kỳ UBND tỉnh tháng 12 năm 2026',
    kind: 'regular',
    visibility: 'internal',
    startsInHours: -0.5,
    durationHours: 3,
    place: 'Phòng họp số 1, trụ sở UBND tỉnh',
    state: 'live',
    description: 'Đánh giá tình hình kinh tế - xã hội tháng 12; cho ý kiến dự thảo nghị quyết.',
    agenda: [
      {
        title: 'Báo cáo tình hình kinh tế - xã hội tháng 12 năm 2026',
        presenter: 'daibieu2',
        minutes: 30,
      },
      {
        title: 'Dự thảo Nghị quyết về dự toán ngân sách năm 2027',
        presenter: 'daibieu1',
        minutes: 45,
      },
      { title: 'Các vấn đề phát sinh', presenter: 'chutich', minutes: 20 },
    ],
  },
  {
    title: 'Hội nghị trực tuyến triển khai nhiệm vụ năm 2027',
    kind: 'thematic',
    visibility: 'public',
    startsInHours: 7 * 24,
    durationHours: 4,
    place: 'Hội trường UBND tỉnh và các điểm cầu cấp huyện',
    state: 'scheduled',
    description: 'Hội nghị trực tuyến kết nối đến các huyện, thành phố.',
    agenda: [
      { title: 'Tổng kết công tác năm 2026', presenter: 'daibieu2', minutes: 40 },
      { title: 'Triển khai kế hoạch năm 2027', presenter: 'chutich', minutes: 60 },
    ],
    communesOf: '243',
  },
  {
    title: 'Họp chuyên đề về chuyển đổi số',
    kind: 'thematic',
    visibility: 'internal',
    startsInHours: 14 * 24,
    durationHours: 2,
    place: 'Phòng họp số 2',
    state: 'draft',
    description: 'Dự kiến nội dung, đang chuẩn bị.',
    agenda: [
      { title: 'Đề án chuyển đổi số giai đoạn 2026-2030', presenter: 'daibieu3', minutes: 60 },
    ],
  },
  {
    title: 'Phiên họp thường kỳ UBND tỉnh tháng 11 năm 2026',
    kind: 'regular',
    visibility: 'internal',
    startsInHours: -20 * 24,
    durationHours: 3,
    place: 'Phòng họp số 1, trụ sở UBND tỉnh',
    state: 'ended',
    description: 'Phiên họp đã kết thúc; biên bản đang được hoàn thiện.',
    agenda: [
      {
        title: 'Báo cáo tình hình kinh tế - xã hội tháng 11 năm 2026',
        presenter: 'daibieu2',
        minutes: 30,
      },
      { title: 'Phương án điều chỉnh giá đất', presenter: 'daibieu1', minutes: 40 },
    ],
  },
  {
    // Held earlier today: its signed minutes record the times the seed ran it.
    title: 'Phiên họp chuyên đề về cải cách hành chính',
    kind: 'thematic',
    visibility: 'public',
    startsInHours: -3,
    durationHours: 2,
    place: 'Phòng họp số 1, trụ sở UBND tỉnh',
    state: 'minutes_published',
    description: 'Biên bản và thông báo kết luận đã được ban hành.',
    agenda: [
      {
        title: 'Báo cáo kết quả cải cách hành chính năm 2026',
        presenter: 'daibieu2',
        minutes: 30,
      },
    ],
  },
  {
    title: 'Họp giao ban đột xuất về phòng, chống bão số 9',
    kind: 'extraordinary',
    visibility: 'internal',
    startsInHours: -3 * 24,
    durationHours: 1,
    place: 'Phòng họp trực tuyến',
    state: 'cancelled',
    description: 'Họp khẩn về ứng phó bão.',
    agenda: [{ title: 'Phương án ứng phó', presenter: 'chutich', minutes: 30 }],
  },
  {
    title: 'Họp về công tác cán bộ',
    kind: 'briefing',
    visibility: 'confidential',
    startsInHours: 3 * 24,
    durationHours: 1,
    place: 'Phòng họp số 3',
    state: 'scheduled',
    description: 'Nội dung mật.',
    agenda: [{ title: 'Xem xét phương án nhân sự', presenter: 'daibieu3', minutes: 45 }],
  },
];

// minutes_published is reached by publishing the minutes (publishDemoMinutes), never by hand.
const LIFECYCLE: MeetingState[] = ['scheduled', 'live', 'ended'];

async function actorsOf(ctx: SeedContext): Promise<(username: string) => AuthUser> {
  const users = await UserModel.find({ _id: { $in: [...ctx.userIdByUsername.values()] } }).lean();
  const byName = new Map(
    users.map((u) => [
      u.username,
      {
        id: u._id.toHexString(),
        username: u.username,
        fullName: u.fullName,
        unitId: u.unitId.toHexString(),
        roles: [...u.roles],
        sessionId: 'seed',
      } satisfies AuthUser,
    ]),
  );
  return (username) => {
    const user = byName.get(username);
    if (!user) throw new Error(`demo seed: no account ${username}`);
    return user;
  };
}

function unit(ctx: SeedContext, code: string): string {
  const id = ctx.unitIdByCode.get(code);
  if (!id) throw new Error(`demo seed: no unit ${code}`);
  return id;
}

async function seedOne(
  ctx: SeedContext,
  as: (u: string) => AuthUser,
  spec: DemoMeeting,
  minutes: DemoMinutesPublisher,
): Promise<void> {
  const chair = as('chutich');
  const secretary = as('thuky');
  const now = Date.now();
  const startsAt = new Date(now + spec.startsInHours * HOUR);
  const meeting = await meetingService.create(
    secretary,
    createMeetingSchema.parse({
      title: spec.title,
      kind: spec.kind,
      hostUnitId: unit(ctx, '26'),
      chairId: chair.id,
      secretaryId: secretary.id,
      place: spec.place,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + spec.durationHours * HOUR).toISOString(),
      visibility: spec.visibility,
      description: spec.description,
    }),
  );
  const id = meeting.id;
  const delegates =
    spec.visibility === 'confidential' ? ['daibieu3'] : ['daibieu1', 'daibieu2', 'daibieu3'];
  await participantService.invite(
    secretary,
    id,
    inviteSchema.parse({ kind: 'person', userIds: delegates.map((d) => as(d).id) }),
  );
  if (spec.visibility !== 'confidential') {
    await participantService.invite(
      secretary,
      id,
      inviteSchema.parse({
        kind: 'unit',
        unitId: unit(ctx, '243'),
        operatorId: as('diemcau.vinhyen').id,
      }),
    );
    await participantService.invite(
      secretary,
      id,
      inviteSchema.parse({
        kind: 'unit',
        unitId: unit(ctx, 'VP-249-11'),
        operatorId: as('diemcau.tamhop').id,
      }),
    );
  }
  if (spec.communesOf) {
    await participantService.invite(
      secretary,
      id,
      inviteSchema.parse({
        kind: 'level',
        underUnitId: unit(ctx, spec.communesOf),
        level: 'commune',
      }),
    );
  }
  let itemIds: string[] = [];
  for (const item of spec.agenda) {
    const agenda = await agendaService.add(
      secretary,
      id,
      createAgendaItemSchema.parse({
        title: item.title,
        presenterId: as(item.presenter).id,
        durationMinutes: item.minutes,
      }),
    );
    itemIds = agenda.items.map((i) => i.id);
  }
  const firstItem = itemIds[0];
  if (firstItem && spec.state !== 'cancelled') {
    const first = spec.agenda[0]?.title ?? spec.title;
    await documentService.createFromBuffer(
      secretary,
      id,
      await demoPdf(first, [spec.description, 'Tài liệu mẫu do hệ thống tạo để trình diễn.']),
      `${first}.pdf`,
      { title: first, agendaItemId: firstItem },
    );
    await documentService.createFromBuffer(
      secretary,
      id,
      await demoDocx(`Dự thảo - ${spec.title}`, [
        'Điều 1. Phạm vi điều chỉnh.',
        'Điều 2. Đối tượng áp dụng.',
        'Điều 3. Tổ chức thực hiện.',
      ]),
      'Dự thảo văn bản.docx',
      { title: `Dự thảo văn bản - ${spec.title}` },
    );
  }
  if (spec.state === 'draft') return;
  if (spec.state === 'cancelled') {
    await meetingService.transition(secretary, id, { to: 'scheduled' });
    await meetingService.transition(secretary, id, {
      to: 'cancelled',
      reason: 'Hoãn do diễn biến thời tiết; sẽ thông báo lịch họp mới.',
    });
    return;
  }
  for (const state of LIFECYCLE) {
    await meetingService.transition(secretary, id, { to: state });
    if (state === 'live') await runMeeting(as, id, firstItem, spec.agenda[0]?.title);
    if (state === spec.state) return;
  }
  if (spec.state === 'minutes_published') {
    await publishDemoMinutes(minutes, id, { chair, secretary });
  }
}

/** What happens in a live demo meeting: roll call, the first item, a request for the floor, a poll. */
async function runMeeting(
  as: (u: string) => AuthUser,
  id: string,
  firstItem: string | undefined,
  firstTitle: string | undefined,
): Promise<void> {
  const chair = as('chutich');
  const secretary = as('thuky');
  for (const u of ['chutich', 'daibieu1', 'daibieu2']) await attendanceService.checkIn(as(u), id);
  await attendanceService.recordAbsence(secretary, id, as('daibieu3').id, {
    reason: 'Đi công tác Hà Nội',
  });
  const sites = await participantService.listSites(secretary, id);
  for (const site of sites.filter((s) => s.operatorId)) {
    await attendanceService.markSite(secretary, id, site.id, { status: 'present_remote' });
  }
  if (firstItem) await agendaService.setCurrent(chair, id, { itemId: firstItem });
  const floor = await floorService.request(as('daibieu1'), id, {});
  const entry = floor.queue[0];
  if (entry) await floorService.grant(chair, id, entry.id, { endCurrent: false });
  const vinhYen = sites.find((s) => s.operatorId === as('diemcau.vinhyen').id);
  if (vinhYen) await floorService.request(as('diemcau.vinhyen'), id, { siteId: vinhYen.id });
  const poll = await pollService.create(
    chair,
    id,
    createPollSchema.parse({
      question: firstTitle
        ? `Thông qua ${firstTitle.charAt(0).toLocaleLowerCase('vi')}${firstTitle.slice(1)}?`
        : 'Thông qua báo cáo tình hình kinh tế - xã hội?',
    }),
  );
  await pollService.open(chair, id, poll.id);
  await ballotService.cast(as('daibieu1'), id, poll.id, { choice: 0 });
  await ballotService.cast(as('daibieu2'), id, poll.id, { choice: 0 });
}

/**
 * Demo meetings in every state, with agenda, documents, participants and sites; the one whose
 * minutes are published has signed minutes and a notice of conclusions, published through the
 * real workflow of `minutes` (so that /records shows them on first start).
 */
export function demoMeetingsSeed(minutes: DemoMinutesPublisher): SeedStep {
  return async (ctx) => {
    const started = Date.now();
    const as = await actorsOf(ctx);
    // Meetings are independent (each has its own audit chain and event sequence): seed them
    // side by side, which keeps `npm start` and every test app quick on a small machine.
    await Promise.all(MEETINGS.map((spec) => seedOne(ctx, as, spec, minutes)));
    ctx.logger.info(
      { meetings: MEETINGS.length, ms: Date.now() - started },
      'seeded demo meetings',
    );
  };
}
