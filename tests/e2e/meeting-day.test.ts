import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { freeTcpPort } from '../../infra/local/ports';
import { Supervisor } from '../../infra/local/supervisor';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Agenda, AgendaItem } from '../../server/contracts/agenda';
import type { MeetingDocument } from '../../server/contracts/documents';
import type { Meeting, Participant, Site } from '../../server/contracts/meetings';
import type { MeetingMinutes, MinutesRecord } from '../../server/contracts/minutes';
import type { FloorState } from '../../server/contracts/speakers';
import type { Poll } from '../../server/contracts/votes';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { pdfBytes } from '../support/document-fixtures';
import { download } from '../support/minutes';
import { must } from '../support/must';
import { pdftotext } from '../support/poppler';
import { demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { stack, startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';
import { audioLevel, pickOption, videoWidth } from './meetings-ui';
import { joinBridge } from './bridge-ui';

/**
 * The meeting day walked as the people walk it, through the screens alone: the chair prepares
 * and runs a meeting with delegates on tablets and a commune on a phone, the secretary keeps
 * and publishes the minutes, and the public checks them. Each `it` is one stage of the same
 * day, in order; the API is only read, to check what the screens did.
 */

const TITLE = 'Phiên họp thường kỳ tháng 12 về kinh tế - xã hội';
const ITEMS = ['Báo cáo kinh tế - xã hội năm 2026', 'Dự toán ngân sách năm 2027', 'Bế mạc'];
const NAMED = 'Thông qua báo cáo kinh tế - xã hội năm 2026';
const SECRET = 'Thông qua dự toán ngân sách năm 2027';
const NUMBER = '12/BB-UBND';
const HUB = '[data-testid="programme"][data-identity="site:26"]';
const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 390, height: 844 };

/** `expect.poll` with a deadline that suits a shared 2-core machine. */
function eventually<T>(fn: () => T | Promise<T>, timeout = 15_000) {
  return expect.poll(fn, { timeout });
}

describe('the meeting day, through the screens', () => {
  let app: TestApp;
  let livekit: Supervisor;
  let browser: TestBrowser & { blockedRequests: string[] };
  let c: DemoClients;
  let dir: Directory;
  const closers: (() => Promise<void>)[] = [];
  /** What the day built, read back from the record as it goes. */
  let meetingId = '';
  let items: AgendaItem[] = [];
  let tamHop: Site;
  let chair: Page;
  let secretary: Page;
  const delegates: Page[] = [];
  let commune: Page;
  let pdf: Buffer;

  beforeAll(async () => {
    // A livekit-server of its own whose webhooks reach this app, as `npm start` wires them:
    // a site's connection is a fact of the minutes.
    const port = await freeTcpPort();
    const dataDir = mkdtempSync(join(stack().tmpDir, 'journey-lk-'));
    livekit = new Supervisor({ root: stack().root, dataDir, log: () => undefined });
    const lk = await livekit.startLivekit({
      webhookUrl: `http://127.0.0.1:${String(port)}/api/livekit/webhook`,
    });
    app = await startTestApp({
      PORT: String(port),
      LIVEKIT_URL: lk.url,
      LIVEKIT_API_KEY: lk.apiKey,
      LIVEKIT_API_SECRET: lk.apiSecret,
    });
    browser = await launchBrowser();
    c = await demoClients(app.url);
    dir = await directory(c.admin);
  });
  // One journey: a stage after a failed one would only fail again, so it stops at once.
  let failed = '';
  beforeEach(() => {
    if (failed) throw new Error(`an earlier stage failed: ${failed}`);
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail' && !failed) failed = ctx.task.name;
  });
  afterAll(async () => {
    await Promise.allSettled(closers.map((close) => close()));
    await browser.close();
    await app.stop();
    await livekit.stop();
  });

  /** A fresh browser of `username`, logged in through the form, on the home page. */
  async function login(username: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const { page, context } = await browser.newPage({ viewport });
    closers.push(() => context.close());
    await page.goto(app.url + '/login');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('welcome').waitFor();
    return page;
  }

  /** Opens the meetings list from the main menu and returns the day's row. */
  async function meetingRow(page: Page) {
    await page
      .getByRole('navigation', { name: 'Menu chính' })
      .getByRole('link', { name: 'Cuộc họp' })
      .click();
    const row = page.getByTestId('meetings-table').locator('tr', { hasText: TITLE });
    await row.waitFor();
    return row;
  }

  /** Adds one unit as a bridge site from the meeting page's site picker. */
  async function addSite(page: Page, search: string, label: string): Promise<void> {
    const picker = page.getByTestId('site-picker');
    await picker.getByRole('combobox', { name: 'Đơn vị' }).click();
    await page.keyboard.type(search);
    await page.locator('.el-tree-node__content', { hasText: label }).first().click();
    await picker.getByRole('button', { name: 'Thêm điểm cầu' }).click();
    await page.getByTestId('sites-table').getByText(label).waitFor();
  }

  /** Casts `choice` on the open poll from a delegate's meeting room, after the alert. */
  async function vote(page: Page, pollId: string, choice: number, label: string): Promise<void> {
    const ballot = page.getByTestId(`ballot-${pollId}`);
    await ballot.waitFor({ timeout: 15_000 });
    await eventually(() => page.getByTestId('room-announcement').textContent()).toContain(
      'Biểu quyết đang mở',
    );
    // The ballot is on screen, not below the documents.
    const box = must(await ballot.boundingBox());
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + 60).toBeLessThan(page.viewportSize()?.height ?? 0);
    await ballot.getByTestId(`choice-${String(choice)}`).click();
    await ballot.getByTestId('ballot-submit').click();
    const confirm = page.getByRole('dialog', { name: 'Xác nhận bỏ phiếu' });
    expect(await confirm.textContent()).toContain(`Bạn chọn “${label}”`);
    await confirm.getByRole('button', { name: 'Bỏ phiếu' }).click();
    await ballot.getByTestId('ballot-done').waitFor();
  }

  /** The chair creates a poll from the console, opens it and returns it (read from the record). */
  async function openPoll(question: string, secret: boolean): Promise<Poll> {
    await chair.getByTestId('poll-question').fill(question);
    if (secret) await chair.getByTestId('poll-form').getByText('Bỏ phiếu kín').click();
    await chair.getByTestId('poll-create').click();
    const poll = await waitFor(async () => {
      const res = await c.chair.get<Poll[]>(`/api/meetings/${meetingId}/polls`);
      return res.body.find((p) => p.question === question);
    }, `the poll “${question}”`);
    expect(poll.secret).toBe(secret);
    await chair.getByTestId(`chair-poll-${poll.id}`).getByTestId('poll-open').click();
    return poll;
  }

  /** The chair closes a poll once every delegate voted; returns its results from the record. */
  async function closePoll(poll: Poll): Promise<Poll> {
    const card = chair.getByTestId(`chair-poll-${poll.id}`);
    await eventually(() => card.getByTestId('poll-progress').textContent()).toContain('3/');
    await card.getByTestId('poll-close').click();
    return waitFor(async () => {
      const res = await c.chair.get<Poll>(`/api/meetings/${meetingId}/polls/${poll.id}`);
      return res.body.results ? res.body : undefined;
    }, 'the closed poll');
  }

  /** The meeting's minutes record, read from the API. */
  async function minutes(): Promise<MinutesRecord> {
    return (await c.chair.get<MeetingMinutes>(`/api/meetings/${meetingId}/minutes`)).body.minutes;
  }

  /** The minutes' text as stored (the co-edited draft). */
  async function minutesText(): Promise<string> {
    return (
      await c.chair.get<{ text: string }>(`/api/meetings/${meetingId}/minutes/minutes/content`)
    ).body.text;
  }

  /** The chair grants the floor to whoever asked for it, named `name`. */
  async function grant(name: string): Promise<void> {
    const entry = await waitFor(async () => {
      const f = await c.chair.get<FloorState>(`/api/meetings/${meetingId}/floor`);
      return f.body.queue.find((e) => e.speaker.name.includes(name));
    }, `${name} in the floor queue`);
    await chair.getByTestId(`floor-grant-${entry.id}`).click();
  }

  /** The chair ends whoever speaks now. */
  async function endTurns(): Promise<void> {
    const speaking = chair.getByTestId('chair-speaking').getByRole('button');
    while ((await speaking.count()) > 0) {
      await speaking.first().click();
      await eventually(() => speaking.count()).toBe(0);
    }
  }

  it('the chair creates the meeting with its people, bridge points, agenda and a PDF, and schedules it', async () => {
    chair = await login('chutich');
    await chair
      .getByRole('navigation', { name: 'Menu chính' })
      .getByRole('link', { name: 'Cuộc họp' })
      .click();
    await chair.getByTestId('meeting-create').click();
    const form = chair.getByTestId('meeting-form');
    await form.waitFor();
    await chair.getByTestId('meeting-title').fill(TITLE);
    await chair.getByTestId('meeting-place').fill('Phòng họp tầng 3, trụ sở UBND tỉnh');
    // Public: the form says the minutes will be published for everyone.
    const scope = form.getByRole('combobox', { name: 'Phạm vi' });
    await scope.focus();
    await chair.keyboard.press('Enter');
    await chair
      .locator(`[id="${must(await scope.getAttribute('aria-controls'))}"]`)
      .getByRole('option', { name: 'Công khai' })
      .dispatchEvent('click');
    await eventually(() => chair.getByTestId('visibility-hint').textContent()).toContain(
      'không cần đăng nhập',
    );
    await chair.getByTestId('meeting-chair').click();
    await chair.keyboard.type('le minh');
    await pickOption(chair, 'meeting-chair', 'Lê Minh Quân');
    await chair.getByTestId('meeting-secretary').click();
    await chair.keyboard.type('pham thu');
    await pickOption(chair, 'meeting-secretary', 'Phạm Thu Hà');
    await chair.getByTestId('meeting-participants').click();
    for (const [search, name] of [
      ['nguyen van an', 'Nguyễn Văn An'],
      ['tran thi binh', 'Trần Thị Bình'],
      ['hoang duc cuong', 'Hoàng Đức Cường'],
    ] as const) {
      await chair.keyboard.type(search);
      await pickOption(chair, 'meeting-participants', name);
      await chair.keyboard.press('Control+A');
      await chair.keyboard.press('Backspace');
    }
    await chair.getByTestId('meeting-title').click();
    await chair.getByTestId('meeting-save').click();
    await chair.waitForURL(/\/meetings\/[0-9a-f]{24}$/);
    meetingId = must(/meetings\/([0-9a-f]{24})/.exec(chair.url())?.[1]);

    // The district and two communes as bridge points; their site operators run them.
    await addSite(chair, 'vinh yen', 'TP. Vĩnh Yên');
    await addSite(chair, 'tam hop', 'Xã Tam Hợp');
    await addSite(chair, 'huong son', 'Xã Hương Sơn');
    const tamHopCell = chair.getByTestId('sites-table').locator('tr', { hasText: 'Xã Tam Hợp' });
    await eventually(() => tamHopCell.textContent()).toContain('Đỗ Thị Hạnh');

    // The agenda and a document, from the preparation page.
    await chair.getByTestId('meeting-prepare').click();
    await chair.locator('[data-testid="agenda-status"] [data-status="online"]').waitFor();
    for (const title of ITEMS) {
      await chair.getByTestId('agenda-new-title').fill(title);
      await chair.getByTestId('agenda-new-title').press('Enter');
    }
    await eventually(() =>
      chair
        .getByTestId('agenda-title')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(ITEMS);
    await chair.getByRole('tab', { name: 'Tài liệu' }).click();
    await chair.getByTestId('document-file').setInputFiles({
      name: 'Báo cáo kinh tế - xã hội.pdf',
      mimeType: 'application/pdf',
      buffer: pdfBytes('Bao cao kinh te - xa hoi nam 2026'),
    });
    await chair
      .getByTestId('documents-list')
      .getByText('Báo cáo kinh tế - xã hội', { exact: true })
      .waitFor({ timeout: 30_000 });

    // Back on the meeting page, the chair schedules it.
    const back = await meetingRow(chair);
    await back.getByRole('link', { name: TITLE }).click();
    await chair.getByTestId('transition-scheduled').click();
    await chair.getByRole('button', { name: 'Xác nhận' }).click();
    await chair.locator('[data-state="scheduled"]').first().waitFor();

    // The record holds what the screens made.
    const meeting = (await c.chair.get<Meeting>(`/api/meetings/${meetingId}`)).body;
    expect(meeting).toMatchObject({
      title: TITLE,
      state: 'scheduled',
      visibility: 'public',
      chairId: dir.userId('chutich'),
      secretaryId: dir.userId('thuky'),
    });
    const people = (await c.chair.get<Participant[]>(`/api/meetings/${meetingId}/participants`))
      .body;
    expect(
      people
        .filter((p) => p.role === 'delegate')
        .map((p) => p.fullName)
        .sort(),
    ).toEqual(['Hoàng Đức Cường', 'Nguyễn Văn An', 'Trần Thị Bình']);
    const sites = (await c.chair.get<Site[]>(`/api/meetings/${meetingId}/sites`)).body;
    expect(sites.map((s) => s.unitId).sort()).toEqual(
      [dir.unitId('243'), dir.unitId('VP-249-11'), dir.unitId('VP-249-10')].sort(),
    );
    tamHop = must(sites.find((s) => s.unitId === dir.unitId('VP-249-11')));
    items = await waitFor(async () => {
      const agenda = (await c.chair.get<Agenda>(`/api/meetings/${meetingId}/agenda`)).body;
      return agenda.items.length === 3 ? agenda.items : undefined;
    }, 'the agenda in the record');
    expect(items.map((i) => i.title)).toEqual(ITEMS);
    const docs = (await c.chair.get<MeetingDocument[]>(`/api/meetings/${meetingId}/documents`))
      .body;
    expect(docs.map((d) => d.title)).toEqual(['Báo cáo kinh tế - xã hội']);
  }, 120_000);

  it('the chair opens the console from the meetings list, starts the meeting and puts the hub on air', async () => {
    const row = await meetingRow(chair);
    await row.getByTestId('entry-chair').click();
    await chair.getByTestId('chair-console').waitFor();
    await chair.getByTestId('meeting-start').click();
    await chair.locator('[data-testid="meeting-state"]', { hasText: 'Đang họp' }).waitFor();
    await chair.getByTestId('hub-put-on-air').click();
    await chair
      .locator('[data-testid="hub-on-air"][data-on-air="yes"]')
      .waitFor({ timeout: 30_000 });
  }, 60_000);

  it('two delegates on tablets, a third on a laptop and the commune on a phone get in from the meetings list', async () => {
    for (const [username, viewport] of [
      ['daibieu1', TABLET],
      ['daibieu2', TABLET],
      ['daibieu3', undefined],
    ] as const) {
      const page = await login(username, viewport);
      const row = await meetingRow(page);
      await row.getByTestId('entry-room').click();
      await page.getByTestId('meeting-room').waitFor();
      await page.getByTestId('check-in').click();
      await page.getByTestId('my-attendance').waitFor();
      delegates.push(page);
    }
    commune = await login('diemcau.tamhop', PHONE);
    const row = await meetingRow(commune);
    await row.getByTestId('entry-bridge').click();
    // A first visit on this browser: the device check, then into the bridge.
    await joinBridge(commune);
    // The commune sees the hub.
    await commune.locator(HUB).waitFor({ timeout: 20_000 });
    await eventually(() => videoWidth(commune, `${HUB} video`), 20_000).toBeGreaterThan(0);
    await eventually(() => chair.getByTestId('roll-counts').textContent(), 20_000).toContain(
      'Đã kết nối 1',
    );
    // The three delegates checked in; the chair, who chairs, is present too.
    await eventually(() => chair.getByTestId('quorum-count').textContent()).toContain('4/4');
  }, 120_000);

  it('a delegate asks for the floor, the chair moves to the first item and grants it; the delegate is alerted', async () => {
    // Asked before the item starts, granted during it: the speech belongs to the item.
    const d1 = must(delegates[0]);
    await d1.getByTestId('floor-request').click();
    await eventually(() => d1.getByTestId('floor-mine').textContent()).toContain('1/1');
    await chair.getByTestId('agenda-next').click();
    for (const page of delegates) {
      await page
        .locator(`[data-testid="agenda-current"][data-item-id="${must(items[0]).id}"]`)
        .waitFor();
    }
    await grant('Nguyễn Văn An');
    await d1.getByTestId('floor-alert').waitFor();
    await eventually(() => d1.getByTestId('floor-mine').textContent()).toBe(
      'Bạn đang được phát biểu.',
    );
    await endTurns();
  }, 60_000);

  it('the chair gives the floor to the commune: the commune hears the hub and the chair hears the commune', async () => {
    await commune.getByTestId('bridge-floor-request').click();
    await grant('Tam Hợp');
    await commune.getByTestId('on-air').waitFor({ timeout: 15_000 });
    // The hub's sound reaches the commune, the commune's reaches the chair's console.
    await eventually(
      () => audioLevel(commune, '.audio-sink audio[aria-label="UBND tỉnh Vĩnh Phúc"]'),
      20_000,
    ).toBeGreaterThan(0.01);
    await eventually(
      () => audioLevel(chair, '[data-testid="chair-hub"] audio[aria-label*="Tam Hợp"]'),
      20_000,
    ).toBeGreaterThan(0.01);
  }, 60_000);

  it('the chair mutes the commune, the console and the commune show it, the chair asks it to unmute and the commune accepts', async () => {
    const own = commune.getByTestId('own-microphone');
    const consoleMic = chair.getByTestId(`site-mic-${tamHop.id}`);
    await eventually(() => consoleMic.getAttribute('data-microphone')).toBe('on');
    await chair.getByTestId(`site-mute-${tamHop.id}`).click();
    await eventually(() => own.getAttribute('data-microphone')).toBe('muted');
    await eventually(() => consoleMic.getAttribute('data-microphone')).toBe('muted');
    await chair.getByTestId(`site-ask-unmute-${tamHop.id}`).click();
    await commune.getByTestId('unmute-request').waitFor({ timeout: 15_000 });
    await commune.getByTestId('unmute-accept').click();
    await eventually(() => own.getAttribute('data-microphone')).toBe('on');
    await eventually(() => consoleMic.getAttribute('data-microphone')).toBe('on');
    await endTurns();
  }, 60_000);

  it('a named poll: every delegate is alerted, confirms the vote, and the results name the voters', async () => {
    const poll = await openPoll(NAMED, false);
    const labels = ['Tán thành', 'Không tán thành', 'Không ý kiến'];
    const choices = [0, 0, 1];
    for (const [i, page] of delegates.entries()) {
      const choice = must(choices[i]);
      await vote(page, poll.id, choice, must(labels[choice]));
    }
    const closed = await closePoll(poll);
    expect(must(closed.results).options.map((o) => o.count)).toEqual([2, 1, 0]);
    const voters = must(delegates[0])
      .getByTestId(`poll-results-${poll.id}`)
      .getByTestId('poll-voters');
    await voters.waitFor();
    expect(await voters.locator('tr', { hasText: 'Hoàng Đức Cường' }).textContent()).toContain(
      'Không tán thành',
    );
  }, 90_000);

  it('a secret poll on the next item: every delegate votes and nobody sees who chose what', async () => {
    await chair.getByTestId('agenda-next').click();
    await must(delegates[0])
      .locator(`[data-testid="agenda-current"][data-item-id="${must(items[1]).id}"]`)
      .waitFor();
    const poll = await openPoll(SECRET, true);
    for (const page of delegates) await vote(page, poll.id, 0, 'Tán thành');
    const closed = await closePoll(poll);
    expect(must(closed.results).options.map((o) => o.count)).toEqual([3, 0, 0]);
    const table = must(delegates[1]).getByTestId(`poll-results-${poll.id}`);
    await table.waitFor();
    expect(await table.getByTestId('poll-voters').count()).toBe(0);
  }, 90_000);

  it('the chair moves to the last item and ends the meeting; every live screen shows the end', async () => {
    await chair.getByTestId('agenda-next').click();
    await must(delegates[0])
      .locator(`[data-testid="agenda-current"][data-item-id="${must(items[2]).id}"]`)
      .waitFor();
    await chair.getByTestId('meeting-end').click();
    await chair
      .locator('.el-popconfirm')
      .getByRole('button', { name: 'Kết thúc cuộc họp' })
      .click();
    for (const page of [chair, commune]) {
      await page.getByTestId('meeting-over').waitFor({ timeout: 20_000 });
    }
    await eventually(
      async () => (await c.chair.get<Meeting>(`/api/meetings/${meetingId}`)).body.state,
    ).toBe('ended');
  }, 60_000);

  it('the secretary inserts the facts and submits, the chair approves, the secretary publishes with a number', async () => {
    secretary = await login('thuky');
    const row = await meetingRow(secretary);
    await row.getByTestId('entry-minutes').click();
    await secretary.waitForURL(`**/meetings/${meetingId}/minutes`);
    const editor = secretary.getByRole('textbox', { name: 'Nội dung Biên bản' });
    await editor.getByText('III. KẾT LUẬN CỦA CHỦ TRÌ').click();
    await secretary.getByTestId('insert-attendance').click();
    await eventually(() => editor.textContent()).toContain('Số đại biểu có mặt');
    await eventually(async () => (await minutesText()).includes('Số đại biểu có mặt')).toBe(true);
    await secretary.getByTestId('minutes-submit').click();
    await secretary.getByRole('button', { name: 'Đồng ý' }).click();
    await eventually(() => secretary.getByTestId('minutes-status').textContent()).toContain(
      'Chờ chủ trì duyệt',
    );

    const chairRow = await meetingRow(chair);
    await chairRow.getByTestId('entry-minutes').click();
    await chair.getByTestId('minutes-approve').click();
    await eventually(async () => (await minutes()).status).toBe('approved');

    // The secretary, still on the page, gives the number and publishes.
    await secretary.getByTestId('minutes-publish').waitFor({ timeout: 15_000 });
    await secretary.getByTestId('minutes-number').fill(NUMBER);
    await secretary.getByTestId('minutes-meta-save').click();
    await eventually(async () => (await minutes()).meta?.numberSymbol).toBe(NUMBER);
    await secretary.getByTestId('minutes-publish').click();
    await secretary.getByRole('button', { name: 'Đồng ý' }).click();
    await secretary.getByTestId('minutes-versions').getByText('Bản 1').waitFor({ timeout: 30_000 });
    const version = must((await minutes()).versions[0]);
    expect(version.numberSymbol).toBe(NUMBER);
    expect((await c.chair.get<Meeting>(`/api/meetings/${meetingId}`)).body.state).toBe(
      'minutes_published',
    );
    pdf = (await download(app.url, must(version.files.find((f) => f.format === 'pdf')).url)).bytes;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  }, 120_000);

  it('the published minutes state the facts of the day', () => {
    const file = join(app.dataDir, 'journey-minutes.pdf');
    writeFileSync(file, pdf);
    // One line per paragraph is not guaranteed: read it as one spaced text.
    const text = pdftotext(file).replace(/\s+/g, ' ');
    const between = (from: string, to: string): string => {
      const start = text.indexOf(from);
      expect(start, from).toBeGreaterThanOrEqual(0);
      const end = text.indexOf(to, start + from.length);
      expect(end, to).toBeGreaterThan(start);
      return text.slice(start, end);
    };
    const time = '\\d{1,2} giờ \\d{1,2} phút';
    expect(text).toContain(`Số: ${NUMBER}`);

    // Attendance, once: the chair and the secretary present with the delegates, the commune
    // present with its connection times, the sites that never connected absent.
    expect(text.split('THÀNH PHẦN THAM DỰ')).toHaveLength(2);
    expect(text.split('Số đại biểu có mặt:')).toHaveLength(2);
    const attendance = between('I. THÀNH PHẦN THAM DỰ', 'II. NỘI DUNG CUỘC HỌP');
    expect(attendance).toContain('Số đại biểu có mặt: 5/5');
    const hall = between('Có mặt (5):', 'Điểm cầu TP. Vĩnh Yên');
    for (const name of [
      'Lê Minh Quân',
      'Phạm Thu Hà',
      'Nguyễn Văn An',
      'Trần Thị Bình',
      'Hoàng Đức Cường',
    ])
      expect(hall).toContain(name);
    expect(attendance).not.toContain('Vắng mặt (');
    expect(attendance).toMatch(
      new RegExp(`Điểm cầu Xã Tam Hợp: có mặt, kết nối từ ${time} đến ${time}`),
    );
    expect(attendance).toContain('Điểm cầu Xã Hương Sơn: vắng mặt (không kết nối)');

    // Speeches under the item current when the floor was granted.
    const item1 = between(`1. ${must(ITEMS[0])}`, `2. ${must(ITEMS[1])}`);
    expect(item1).toMatch(new RegExp(`1\\. Nguyễn Văn An \\(từ ${time} đến ${time}\\)`));
    expect(item1).toMatch(new RegExp(`2\\. Xã Tam Hợp \\(từ ${time} đến ${time}\\)`));
    expect(text).not.toContain('Ngoài chương trình');

    // Polls: counts and percentages on the base the text names.
    expect(item1).toContain(`Biểu quyết: ${NAMED}`);
    expect(item1).toContain('Tán thành: 2 phiếu, bằng 66,7% số đại biểu có mặt (3 người)');
    expect(item1).toContain('Không tán thành: 1 phiếu, bằng 33,3%');
    const item2 = between(`2. ${must(ITEMS[1])}`, `3. ${must(ITEMS[2])}`);
    expect(item2).toContain('Không có ý kiến phát biểu.');
    expect(item2).toContain(`Biểu quyết kín: ${SECRET}`);
    expect(item2).toContain('Tán thành: 3 phiếu, bằng 100,0% số đại biểu có mặt (3 người)');
  });

  it('logged out, /records finds the minutes; verify accepts the PDF and rejects a copy with one byte changed', async () => {
    await secretary.getByTestId('user-menu').click();
    await secretary.getByTestId('logout').click();
    await secretary.waitForURL('**/login');
    await secretary.goto(`${app.url}/records`);
    await secretary.getByTestId('records-q').fill('thuong ky thang 12');
    await secretary.getByRole('button', { name: 'Tìm', exact: true }).click();
    await secretary
      .getByTestId('records-list')
      .getByText(TITLE, { exact: false })
      .first()
      .waitFor();
    await secretary.getByTestId('verify-file').setInputFiles({
      name: 'bien-ban.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    await secretary.getByTestId('verify-submit').click();
    const result = secretary.getByTestId('verify-result');
    await eventually(() => result.textContent()).toContain('Đây là bản đã ban hành');
    const tampered = Buffer.from(pdf);
    const at = Math.floor(tampered.indexOf('/ByteRange') / 2);
    tampered[at] = (tampered[at] ?? 0) ^ 0x20;
    await secretary.getByTestId('verify-file').setInputFiles({
      name: 'sua.pdf',
      mimeType: 'application/pdf',
      buffer: tampered,
    });
    await secretary.getByTestId('verify-submit').click();
    await eventually(() => result.textContent()).toContain('Nội dung đã bị thay đổi sau khi ký');
    expect(browser.blockedRequests).toEqual([]);
  }, 60_000);
});
