import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Agenda } from '../../server/contracts/agenda';
import type { Meeting, Site } from '../../server/contracts/meetings';
import type { PublishedMinutesVersion } from '../../server/contracts/minutes';
import type { FloorState } from '../../server/contracts/speakers';
import type { Poll } from '../../server/contracts/votes';
import { formatTimeVi } from '../../server/minutes/templates/format-vi';
import { approveAndPublish, download, expectStatus } from '../support/minutes';
import { must } from '../support/must';
import { pdftotext } from '../support/poppler';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

// The published minutes checked as text: a meeting is run through the API (chair, secretary,
// four voting members of whom three attend, three bridge points of which two connect by video,
// floor requests made before item 1 and granted during it, a named and a secret poll,
// attendance inserted twice), published, and the signed PDF read back with pdftotext.

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let meeting: Meeting;
let tmp: string;
/** The PDF's text with runs of white space made one space (pdftotext breaks lines). */
let text: string;
const ITEM_1 = 'Báo cáo tình hình kinh tế - xã hội tháng 11';
const ITEM_2 = 'Kế hoạch đầu tư công năm 2027';
const NAMED = 'Thông qua báo cáo tình hình kinh tế - xã hội tháng 11?';
const SECRET = 'Thông qua kế hoạch đầu tư công năm 2027?';
const sites: Record<'vinhYen' | 'tamHop' | 'phucYen', Site> = {} as never;
const connected: { vinhYenFrom?: Date; tamHopFrom?: Date; tamHopTo?: Date } = {};

/** Whole seconds: webhooks carry seconds, and minutes print hours and minutes. */
const nowSeconds = (): Date => new Date(Math.floor(Date.now() / 1000) * 1000);

let webhookSeq = 0;
async function webhook(
  type: 'participant_joined' | 'participant_left',
  identity: string,
  at: Date,
) {
  webhookSeq += 1;
  const seconds = String(Math.floor(at.getTime() / 1000));
  const payload = JSON.stringify({
    event: type,
    id: `EV_text_${String(webhookSeq)}`,
    createdAt: seconds,
    room: { name: `meeting-${meeting.id}` },
    participant: {
      identity,
      sid: `PA_${identity}`,
      joinedAt: seconds,
      joinedAtMs: String(at.getTime()),
    },
  });
  const token = new AccessToken(app.livekit.apiKey, app.livekit.apiSecret, { ttl: 300 });
  token.sha256 = createHash('sha256').update(payload).digest('base64');
  const res = await fetch(`${app.url}/api/livekit/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/webhook+json',
      authorization: await token.toJwt(),
    },
    body: payload,
  });
  expect(res.status, `${type} ${identity}`).toBe(200);
}

async function speak(speaker: ApiClient): Promise<string> {
  const asked = expectStatus(
    await speaker.post<FloorState>(`/api/meetings/${meeting.id}/floor`, {}),
    201,
    'request the floor',
  );
  return must(asked.queue.at(-1)).id;
}

async function grantAndEnd(entryId: string): Promise<void> {
  const floor = `/api/meetings/${meeting.id}/floor/${entryId}`;
  expectStatus(await c.chair.post(`${floor}/grant`, { endCurrent: true }), 200, 'grant');
  expectStatus(await c.chair.post(`${floor}/end`), 200, 'end turn');
}

async function runPoll(body: Record<string, unknown>, votes: [ApiClient, number][]): Promise<void> {
  const poll = expectStatus(
    await c.chair.post<Poll>(`/api/meetings/${meeting.id}/polls`, body),
    201,
    'create poll',
  );
  const path = `/api/meetings/${meeting.id}/polls/${poll.id}`;
  expectStatus(await c.chair.post(`${path}/open`), 200, 'open poll');
  for (const [voter, choice] of votes) {
    expectStatus(await voter.post(`${path}/ballots`, { choice }), 201, 'ballot');
  }
  expectStatus(await c.chair.post(`${path}/close`), 200, 'close poll');
}

/** The text between the first `from` and the first `to` after it. */
function between(from: string, to: string): string {
  const start = text.indexOf(from);
  expect(start, `"${from}" in the minutes`).toBeGreaterThan(-1);
  const end = text.indexOf(to, start + from.length);
  expect(end, `"${to}" after "${from}"`).toBeGreaterThan(start);
  return text.slice(start, end);
}

const count = (words: string): number => text.split(words).length - 1;

beforeAll(async () => {
  tmp = mkdtempSync(join(inject('stack').tmpDir, 'minutes-text-'));
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  meeting = await buildMeeting(c, dir, { state: 'scheduled' });
  const id = meeting.id;
  for (const [unit, operator] of [
    ['243', 'diemcau.vinhyen'],
    ['VP-249-11', 'diemcau.tamhop'],
    ['244', undefined],
  ] as const) {
    expectStatus(
      await c.secretary.post(`/api/meetings/${id}/invitations`, {
        kind: 'unit',
        unitId: dir.unitId(unit),
        ...(operator ? { operatorId: dir.userId(operator) } : {}),
      }),
      200,
      `invite ${unit}`,
    );
  }
  const listed = expectStatus(
    await c.secretary.get<Site[]>(`/api/meetings/${id}/sites`),
    200,
    'sites',
  );
  const siteOf = (code: string) => must(listed.find((s) => s.unitId === dir.unitId(code)));
  sites.vinhYen = siteOf('243');
  sites.tamHop = siteOf('VP-249-11');
  sites.phucYen = siteOf('244');
  let agenda: Agenda | undefined;
  for (const title of [ITEM_1, ITEM_2]) {
    agenda = expectStatus(
      await c.secretary.post<Agenda>(`/api/meetings/${id}/agenda`, { title }),
      201,
      'agenda item',
    );
  }
  const [item1, item2] = must(agenda).items.map((i) => i.id);
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'live' }),
    200,
    'live',
  );

  // Two sites connect by video; one of them leaves before the end. The third never connects.
  connected.vinhYenFrom = nowSeconds();
  await webhook('participant_joined', 'site:243', connected.vinhYenFrom);
  connected.tamHopFrom = nowSeconds();
  await webhook('participant_joined', 'site:VP-249-11', connected.tamHopFrom);

  // Three of the four voting members attend: the chair (never checks in: chairing is
  // attending) and two delegates; the third is excused. The secretary does not check in either.
  for (const u of [c.d1, c.d2]) {
    expectStatus(await u.post(`/api/meetings/${id}/attendance/check-in`), 200, 'check-in');
  }
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/participants/${dir.userId('daibieu3')}/absence`, {
      reason: 'Đi công tác',
    }),
    200,
    'absence',
  );

  // Floor requests before item 1, granted during item 1 and item 2.
  const early = await speak(c.d1);
  const later = await speak(c.d2);
  expectStatus(
    await c.chair.put(`/api/meetings/${id}/agenda/current`, { itemId: item1 }),
    200,
    'item 1',
  );
  await grantAndEnd(early);
  await runPoll({ question: NAMED, electorate: 'present_voting_members' }, [
    [c.chair, 0],
    [c.d1, 0],
    [c.d2, 1],
  ]);
  // Attendance inserted twice by the secretary while live.
  for (let i = 0; i < 2; i++) {
    expectStatus(
      await c.secretary.post(`/api/meetings/${id}/minutes/minutes/append`, { type: 'attendance' }),
      200,
      'insert attendance',
    );
  }
  expectStatus(
    await c.chair.put(`/api/meetings/${id}/agenda/current`, { itemId: item2 }),
    200,
    'item 2',
  );
  await grantAndEnd(later);
  await runPoll({ question: SECRET, secret: true }, [
    [c.d1, 0],
    [c.d2, 0],
  ]);
  connected.tamHopTo = nowSeconds();
  await webhook('participant_left', 'site:VP-249-11', connected.tamHopTo);
  expectStatus(await c.chair.post(`/api/meetings/${id}/transitions`, { to: 'ended' }), 200, 'end');
  // And once more after the end.
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/minutes/minutes/append`, { type: 'attendance' }),
    200,
    'insert attendance again',
  );

  const version: PublishedMinutesVersion = await approveAndPublish(c, id);
  const pdf = must(version.files.find((f) => f.format === 'pdf'));
  const file = await download(app.url, pdf.url, c.secretary.token ?? undefined);
  expect(file.status).toBe(200);
  const path = join(tmp, 'minutes.pdf');
  writeFileSync(path, file.bytes);
  text = pdftotext(path).replace(/\s+/g, ' ');
}, 180_000);

afterAll(async () => {
  await app.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the published minutes checked as text', () => {
  it('lists the chair and the secretary present, though neither checked in', () => {
    const host = between('Điểm cầu chính', 'Điểm cầu ');
    const present = host.slice(host.indexOf('Có mặt'), host.indexOf('Vắng mặt'));
    for (const name of ['Lê Minh Quân', 'Phạm Thu Hà', 'Nguyễn Văn An', 'Trần Thị Bình']) {
      expect(present).toContain(name);
    }
    expect(host.slice(host.indexOf('Vắng mặt'))).toContain('Hoàng Đức Cường (lý do: Đi công tác)');
    expect(text).toContain('Số đại biểu có mặt: 4/5 đại biểu được mời, tại 3/4 điểm cầu.');
  });

  it('lists each connected site present with its connection times and its operator', () => {
    const tamHop = between(`Điểm cầu ${sites.tamHop.name}`, 'Điểm cầu');
    expect(tamHop).toContain(
      `: có mặt, kết nối từ ${formatTimeVi(must(connected.tamHopFrom).toISOString())} đến ${formatTimeVi(must(connected.tamHopTo).toISOString())}`,
    );
    expect(tamHop).toContain('Cán bộ điều hành điểm cầu: Đỗ Thị Hạnh.');
    const vinhYen = between(`Điểm cầu ${sites.vinhYen.name}`, 'Điểm cầu');
    // Still connected when the meeting ended: the period closes at the end.
    expect(vinhYen).toMatch(
      new RegExp(
        `: có mặt, kết nối từ ${formatTimeVi(must(connected.vinhYenFrom).toISOString())} đến \\d\\d giờ \\d\\d phút`,
      ),
    );
    expect(vinhYen).toContain('Cán bộ điều hành điểm cầu: Vũ Quang Dũng.');
    expect(text).not.toContain('Không có đại biểu được mời');
  });

  it('lists a site that never connected as absent', () => {
    expect(text).toContain(`Điểm cầu ${sites.phucYen.name}: vắng mặt (không kết nối)`);
  });

  it('files each speech under the item current when the floor was granted', () => {
    const first = between(`1. ${ITEM_1}`, `2. ${ITEM_2}`);
    const second = between(`2. ${ITEM_2}`, 'III. KẾT LUẬN');
    expect(first).toContain('Nguyễn Văn An (từ');
    expect(first).not.toContain('Trần Thị Bình (từ');
    expect(second).toContain('Trần Thị Bình (từ');
    expect(text).not.toContain('Các nội dung khác');
  });

  it('gives the named poll its counts and percentages of the 3 of 4 voting members present', () => {
    const poll = between(`Biểu quyết: ${NAMED}`, `2. ${ITEM_2}`);
    expect(poll).toContain(
      'Người có quyền biểu quyết: 3/4 thành viên có quyền biểu quyết có mặt (75,0%); số phiếu đã biểu quyết: 3/3',
    );
    expect(poll).toContain(
      'Tán thành: 2 phiếu, bằng 66,7% số thành viên có quyền biểu quyết có mặt (3 người)',
    );
    expect(poll).toContain(
      'Không tán thành: 1 phiếu, bằng 33,3% số thành viên có quyền biểu quyết có mặt (3 người)',
    );
  });

  it('gives the secret poll its counts and percentages of the delegates present, named', () => {
    const poll = between(`Biểu quyết kín: ${SECRET}`, 'III. KẾT LUẬN');
    expect(poll).toContain(
      'Người có quyền biểu quyết: 2/3 đại biểu có mặt (66,7%); số phiếu đã biểu quyết: 2/2',
    );
    expect(poll).toContain('Tán thành: 2 phiếu, bằng 100,0% số đại biểu có mặt (2 người)');
  });

  it('holds each section once, though attendance was inserted three times', () => {
    expect(count('I. THÀNH PHẦN THAM DỰ')).toBe(1);
    expect(count('Số đại biểu có mặt:')).toBe(1);
    expect(count('Điểm cầu chính')).toBe(1);
    expect(count(NAMED)).toBe(1);
    expect(count(SECRET)).toBe(1);
    expect(count('Nguyễn Văn An (từ')).toBe(1);
    expect(count('Trần Thị Bình (từ')).toBe(1);
    expect(count('Cuộc họp kết thúc vào')).toBe(1);
    expect(text).not.toContain('lập từ hồ sơ cuộc họp khi cuộc họp kết thúc');
  });
});
