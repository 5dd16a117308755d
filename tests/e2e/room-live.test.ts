import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Agenda, AgendaItem } from '../../server/contracts/agenda';
import type { Meeting } from '../../server/contracts/meetings';
import type { FloorState } from '../../server/contracts/speakers';
import type { Poll } from '../../server/contracts/votes';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { pdfBytes } from '../support/document-fixtures';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { routeInitialJs } from '../support/route-bundle';
import { stack, startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';
import { join } from 'node:path';

/** `expect.poll` with a deadline that suits a shared 2-core machine (the default is 1 s). */
function eventually<T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) {
  return expect.poll(fn, { timeout: opts.timeout ?? 10_000 });
}

/** A new page with `username` logged in through the login form, on the home page. */
async function loggedIn(
  browser: TestBrowser,
  url: string,
  username: string,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await browser.newPage();
  await page.goto(url + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();
  return { page, close: () => context.close() };
}

/** Logs `username` in through the login form, then opens `path` (a full page load). */
async function openAs(
  browser: TestBrowser,
  url: string,
  username: string,
  path: string,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, close } = await loggedIn(browser, url, username);
  await page.goto(url + path);
  await page.locator('[data-testid="live-status"][data-connection="live"]').waitFor();
  return { page, close };
}

/** Presses Tab until the focused element (or its ancestor) has `testId`; at most 80 presses. */
async function tabTo(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(
      (id) => !!document.activeElement?.closest(`[data-testid="${id}"]`),
      testId,
    );
    if (hit) return;
  }
  throw new Error(`Tab never reached ${testId}`);
}

describe('meeting room and chair console (live)', () => {
  let app: TestApp;
  let browser: TestBrowser & { blockedRequests: string[] };
  let c: DemoClients;
  let dir: Directory;

  /** A live meeting with the three demo delegates and a three-item agenda. */
  async function liveMeeting(): Promise<{ meeting: Meeting; items: AgendaItem[] }> {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled' });
    const items: AgendaItem[] = [];
    for (const title of ['Báo cáo kinh tế - xã hội', 'Dự toán ngân sách', 'Kế hoạch đầu tư công']) {
      const res = await c.secretary.post<Agenda>(`/api/meetings/${meeting.id}/agenda`, {
        title,
        durationMinutes: 20,
      });
      expect(res.status).toBe(201);
      items.push(must(res.body.items.find((i) => i.title === title)));
    }
    const live = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
    expect(live.status).toBe(200);
    return { meeting, items };
  }

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    c = await demoClients(app.url);
    dir = await directory(c.admin);
  });
  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  it("the chair sets the current item and a delegate's screen follows within a second", async () => {
    const { meeting, items } = await liveMeeting();
    const chair = await openAs(browser, app.url, 'chutich', `/meetings/${meeting.id}/chair`);
    const delegate = await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`);
    try {
      for (const item of [must(items[1]), must(items[0]), must(items[2])]) {
        await chair.page.getByTestId(`set-current-${item.id}`).click();
        const started = Date.now();
        await delegate.page
          .locator(`[data-testid="agenda-current"][data-item-id="${item.id}"]`)
          .waitFor({ timeout: 1_000 });
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(await delegate.page.getByTestId('current-item-title').textContent()).toContain(
          item.title,
        );
        expect(await delegate.page.getByTestId('agenda-current').getAttribute('aria-current')).toBe(
          'step',
        );
      }
      // "Next" moves past the last item only when there is one.
      await chair.page.getByTestId(`set-current-${must(items[0]).id}`).click();
      await chair.page.getByTestId('agenda-next').click();
      await delegate.page
        .locator(`[data-testid="agenda-current"][data-item-id="${must(items[1]).id}"]`)
        .waitFor({ timeout: 1_000 });
      expect(browser.blockedRequests).toEqual([]);
    } finally {
      await chair.close();
      await delegate.close();
    }
  });

  it('delegates open the draft resolutions in the room and co-edit them there', async () => {
    const { meeting } = await liveMeeting();
    const draft = await c.secretary.post(`/api/meetings/${meeting.id}/drafts`, {
      title: 'Dự thảo nghị quyết phiên họp',
    });
    expect(draft.status).toBe(201);
    const d1 = await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`);
    const d2 = await openAs(browser, app.url, 'daibieu2', `/meetings/${meeting.id}/room`);
    try {
      for (const { page } of [d1, d2]) {
        const toggle = page.getByTestId('room-drafts-toggle');
        await toggle.click();
        expect(await toggle.getAttribute('aria-expanded')).toBe('true');
        await page.locator('[data-testid="draft-editor"] [data-status="online"]').waitFor();
        // in the room, drafts are edited, not started
        expect(await page.getByTestId('draft-new-title').count()).toBe(0);
      }
      await d1.page.locator('[data-testid="draft-editor"] .ProseMirror').click();
      await d1.page.keyboard.type('Điều 1. Thông qua dự toán.');
      await eventually(() =>
        d2.page.locator('[data-testid="draft-editor"] .ProseMirror').textContent(),
      ).toContain('Điều 1. Thông qua dự toán.');
    } finally {
      await d1.close();
      await d2.close();
    }
  });

  it('a delegate requests the floor, the chair grants it, both queues update', async () => {
    const { meeting } = await liveMeeting();
    const chair = await openAs(browser, app.url, 'chutich', `/meetings/${meeting.id}/chair`);
    const d1 = await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`);
    const d2 = await openAs(browser, app.url, 'daibieu2', `/meetings/${meeting.id}/room`);
    try {
      await d1.page.getByTestId('floor-request').click();
      await d2.page.getByTestId('floor-request').click();
      await eventually(() => d2.page.getByTestId('floor-mine').textContent()).toContain(
        'Bạn đứng thứ 2/2',
      );
      await eventually(() => d1.page.getByTestId('floor-mine').textContent()).toContain(
        'Bạn đứng thứ 1/2',
      );
      await eventually(() =>
        chair.page.getByTestId('chair-queue').locator('li').allTextContents(),
      ).toEqual([
        expect.stringContaining('Nguyễn Văn An'),
        expect.stringContaining('Trần Thị Bình'),
      ]);

      // The chair moves the second request first, then gives it the floor.
      await chair.page.getByRole('button', { name: 'Đưa Trần Thị Bình lên trước' }).click();
      await eventually(() => d1.page.getByTestId('floor-mine').textContent()).toContain(
        'Bạn đứng thứ 2/2',
      );
      await chair.page.getByRole('button', { name: 'Cho phát biểu: Trần Thị Bình' }).click();
      await eventually(() => d2.page.getByTestId('floor-mine').textContent()).toBe(
        'Bạn đang được phát biểu.',
      );
      await eventually(() => d1.page.getByTestId('floor-mine').textContent()).toContain(
        'Bạn đứng thứ 1/1',
      );
      await eventually(() => chair.page.getByTestId('chair-speaking').textContent()).toContain(
        'Trần Thị Bình',
      );
      await eventually(() => chair.page.getByTestId('chair-queue').locator('li').count()).toBe(1);
      await eventually(() => d1.page.getByTestId('floor-speaking').textContent()).toContain(
        'Trần Thị Bình',
      );

      // The record agrees with the screens.
      const floor = await c.chair.get<FloorState>(`/api/meetings/${meeting.id}/floor`);
      expect(floor.body.speaking.map((e) => e.speaker.name)).toEqual(['Trần Thị Bình']);
      expect(floor.body.queue.map((e) => e.speaker.name)).toEqual(['Nguyễn Văn An']);

      // The first delegate withdraws; the chair ends the turn.
      await d1.page.getByTestId('floor-withdraw').click();
      await eventually(() => chair.page.getByTestId('chair-queue').locator('li').count()).toBe(0);
      await chair.page
        .getByRole('button', { name: 'Kết thúc lượt phát biểu của Trần Thị Bình' })
        .click();
      await eventually(() => d2.page.getByTestId('floor-request').isVisible()).toBe(true);
    } finally {
      await chair.close();
      await d1.close();
      await d2.close();
    }
  });

  it('a poll opened by the chair is answered by three delegates and the shown results match', async () => {
    const { meeting } = await liveMeeting();
    const chair = await openAs(browser, app.url, 'chutich', `/meetings/${meeting.id}/chair`);
    const delegates = [
      await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`),
      await openAs(browser, app.url, 'daibieu2', `/meetings/${meeting.id}/room`),
      await openAs(browser, app.url, 'daibieu3', `/meetings/${meeting.id}/room`),
    ];
    try {
      // Everyone checks in from the meeting room (the electorate is fixed when the poll opens).
      for (const d of delegates) {
        await d.page.getByTestId('check-in').click();
        await d.page.getByTestId('my-attendance').waitFor();
      }
      // The chair counts as present (chairing is attending), with the three delegates.
      await eventually(() => chair.page.getByTestId('quorum-count').textContent()).toContain('4/');

      await chair.page.getByTestId('poll-question').fill('Thông qua dự toán ngân sách năm 2027');
      await chair.page.getByTestId('poll-create').click();
      const poll = await waitFor(async () => {
        const res = await c.chair.get<Poll[]>(`/api/meetings/${meeting.id}/polls`);
        return res.body.find((p) => p.question === 'Thông qua dự toán ngân sách năm 2027');
      }, 'the poll');
      await chair.page.getByTestId(`chair-poll-${poll.id}`).getByTestId('poll-open').click();

      const choices = [0, 0, 1];
      const labels = ['Tán thành', 'Không tán thành', 'Không ý kiến'];
      for (const [i, d] of delegates.entries()) {
        const ballot = d.page.getByTestId(`ballot-${poll.id}`);
        await ballot.waitFor();
        const label = must(labels[must(choices[i])]);
        await ballot.getByTestId(`choice-${String(choices[i])}`).click();
        await ballot.getByTestId('ballot-submit').click();
        // Nothing is cast before the delegate confirms the choice named back to them.
        const confirm = d.page.getByRole('dialog', { name: 'Xác nhận bỏ phiếu' });
        expect(await confirm.textContent()).toContain(`Bạn chọn “${label}”. Xác nhận bỏ phiếu?`);
        await confirm.getByRole('button', { name: 'Bỏ phiếu' }).click();
        await eventually(() => ballot.getByTestId('ballot-done').textContent()).toContain(
          `Bạn đã chọn: ${label}.`,
        );
      }
      await eventually(() =>
        chair.page.getByTestId(`chair-poll-${poll.id}`).getByTestId('poll-progress').textContent(),
      ).toContain('Đã có 3/3 phiếu');
      await chair.page.getByTestId(`chair-poll-${poll.id}`).getByTestId('poll-close').click();

      const closed = await waitFor(async () => {
        const res = await c.chair.get<Poll>(`/api/meetings/${meeting.id}/polls/${poll.id}`);
        return res.body.results ? res.body : undefined;
      }, 'closed poll results');
      const results = must(closed.results);
      expect(results.options.map((o) => o.count)).toEqual([2, 1, 0]);
      for (const page of [chair.page, ...delegates.map((d) => d.page)]) {
        const table = page.getByTestId(`poll-results-${poll.id}`);
        await table.waitFor();
        for (const o of results.options) {
          expect(
            await table
              .getByTestId(`result-${String(o.index)}`)
              .locator('td.count')
              .textContent(),
          ).toBe(String(o.count));
        }
        expect(await table.getByTestId('poll-ballots').textContent()).toContain('3/3');
        // 2 of the 4 voting seats (the chair and three delegates) approve: not more than half.
        const outcome = table.getByTestId('poll-outcome');
        expect(await outcome.getAttribute('data-passed')).toBe('false');
        expect(await outcome.textContent()).toContain('Không thông qua');
        expect(await outcome.textContent()).toContain('2/4 thành viên tán thành; cần quá nửa');
      }
      // A named poll lists who chose what.
      const voters = delegates[0]?.page
        .getByTestId(`poll-results-${poll.id}`)
        .getByTestId('poll-voters');
      await must(voters).waitFor();
      for (const [name, choice] of [
        ['Nguyễn Văn An', 'Tán thành'],
        ['Trần Thị Bình', 'Tán thành'],
        ['Hoàng Đức Cường', 'Không tán thành'],
      ] as const) {
        expect(await must(voters).locator('tr', { hasText: name }).textContent()).toContain(choice);
      }
    } finally {
      await chair.close();
      for (const d of delegates) await d.close();
    }
  });

  it('a delegate reading far down the page is brought to the poll and to the floor, with a chime', async () => {
    const { meeting } = await liveMeeting();
    const chair = await openAs(browser, app.url, 'chutich', `/meetings/${meeting.id}/chair`);
    const d1 = await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`);
    try {
      await d1.page.setViewportSize({ width: 1024, height: 768 });
      await d1.page.getByTestId('check-in').click();
      await d1.page.getByTestId('my-attendance').waitFor();
      // Count the notes the room plays (WebAudio oscillators), without a sound file.
      await d1.page.evaluate(() => {
        const w = window as unknown as { chimes: number };
        w.chimes = 0;
        const proto = AudioContext.prototype;
        const original = Object.getOwnPropertyDescriptor(proto, 'createOscillator')?.value as (
          this: AudioContext,
        ) => OscillatorNode;
        proto.createOscillator = function (this: AudioContext): OscillatorNode {
          w.chimes++;
          return original.call(this);
        };
      });
      const chimes = () => d1.page.evaluate(() => (window as unknown as { chimes: number }).chimes);
      await d1.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));

      await chair.page.getByTestId('poll-question').fill('Thông qua kế hoạch đầu tư công');
      await chair.page.getByTestId('poll-create').click();
      const poll = await waitFor(async () => {
        const res = await c.chair.get<Poll[]>(`/api/meetings/${meeting.id}/polls`);
        return res.body.find((p) => p.question === 'Thông qua kế hoạch đầu tư công');
      }, 'the poll');
      await chair.page.getByTestId(`chair-poll-${poll.id}`).getByTestId('poll-open').click();
      const ballot = d1.page.getByTestId(`ballot-${poll.id}`);
      await ballot.waitFor();
      await eventually(chimes).toBeGreaterThan(0);
      expect(await d1.page.getByTestId('room-announcement').textContent()).toContain(
        'Biểu quyết đang mở',
      );
      // The ballot is on screen at 1024×768, not 1400 px down under the document.
      await eventually(async () => {
        const box = await ballot.boundingBox();
        return !!box && box.y >= 0 && box.y + 60 < 768;
      }).toBe(true);

      await d1.page.getByTestId('floor-request').click();
      await eventually(() => d1.page.getByTestId('floor-mine').textContent()).toContain('1/1');
      const before = await chimes();
      await chair.page.getByRole('button', { name: 'Cho phát biểu: Nguyễn Văn An' }).click();
      const alert = d1.page.getByTestId('floor-alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('Chủ trì mời bạn phát biểu.');
      await eventually(chimes).toBeGreaterThan(before);
      const box = await alert.boundingBox();
      expect(box && box.y >= 0 && box.y < 768).toBe(true);
    } finally {
      await chair.close();
      await d1.close();
    }
  });

  it('a delegate who loses the network sees it, recovers by itself and catches up', async () => {
    const { meeting, items } = await liveMeeting();
    const { page, context } = await browser.newPage();
    try {
      await page.goto(app.url + '/login');
      await page.getByTestId('login-username').fill('daibieu3');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('welcome').waitFor();
      await page.goto(`${app.url}/meetings/${meeting.id}/room`);
      await page.locator('[data-testid="live-status"][data-connection="live"]').waitFor();

      await context.setOffline(true);
      await page.locator('[data-testid="live-status"][data-connection="offline"]').waitFor();
      // Missed while offline: the current item and a floor request.
      const item = must(items[2]);
      expect(
        (await c.chair.put(`/api/meetings/${meeting.id}/agenda/current`, { itemId: item.id }))
          .status,
      ).toBe(200);
      expect((await c.d1.post(`/api/meetings/${meeting.id}/floor`, {})).status).toBe(201);

      await context.setOffline(false);
      await page.locator('[data-testid="live-status"][data-connection="live"]').waitFor();
      await page
        .locator(`[data-testid="agenda-current"][data-item-id="${item.id}"]`)
        .waitFor({ timeout: 5_000 });
      await eventually(() => page.getByTestId('floor-queue').textContent()).toContain(
        'Nguyễn Văn An',
      );
    } finally {
      await context.close();
    }
  });

  it('the current item opens its PDF in the in-app viewer, and private notes sync for their author only', async () => {
    const { meeting, items } = await liveMeeting();
    const item = must(items[1]);
    const form = new FormData();
    form.append('title', 'Tờ trình dự toán');
    form.append('agendaItemId', item.id);
    form.append('file', new Blob([new Uint8Array(pdfBytes('Du toan 2027'))]), 'to-trinh.pdf');
    const up = await fetch(`${app.url}/api/meetings/${meeting.id}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${must(c.secretary.token)}` },
      body: form,
    });
    expect(up.status).toBe(201);
    const doc = (await up.json()) as { id: string };

    const d1 = await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`);
    try {
      await c.chair.put(`/api/meetings/${meeting.id}/agenda/current`, { itemId: item.id });
      // Following the chair, the room opens the item's document.
      await eventually(() => d1.page.getByTestId('pdf-page').textContent()).toBe('Trang 1/1');
      await eventually(() =>
        d1.page.getByTestId('pdf-canvas').evaluate((el) => (el as HTMLCanvasElement).width),
      ).toBeGreaterThan(300);
      const notes = d1.page.getByTestId('notes-text');
      await eventually(() => d1.page.getByTestId('notes-status').textContent()).toBe('Đã đồng bộ');
      await notes.click();
      await d1.page.keyboard.type('Hỏi thêm về vốn đầu tư công');
      await eventually(() => notes.inputValue()).toBe('Hỏi thêm về vốn đầu tư công');
    } finally {
      await d1.close();
    }

    // A fresh browser profile (no local copy) gets the note from the server.
    const again = await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`);
    const other = await openAs(browser, app.url, 'daibieu2', `/meetings/${meeting.id}/room`);
    try {
      for (const p of [again.page, other.page]) {
        await p.getByTestId(`doc-${doc.id}`).click();
        await eventually(() => p.getByTestId('notes-status').textContent()).toBe('Đã đồng bộ');
      }
      await eventually(() => again.page.getByTestId('notes-text').inputValue()).toBe(
        'Hỏi thêm về vốn đầu tư công',
      );
      expect(await other.page.getByTestId('notes-text').inputValue()).toBe('');
      expect(browser.blockedRequests).toEqual([]);
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('the chair moves the agenda and a delegate asks for the floor and votes with the keyboard alone', async () => {
    const { meeting, items } = await liveMeeting();
    expect((await c.d1.post(`/api/meetings/${meeting.id}/attendance/check-in`, {})).status).toBe(
      200,
    );
    const poll = await c.chair.post<Poll>(`/api/meetings/${meeting.id}/polls`, {
      question: 'Thông qua chương trình',
    });
    const chair = await openAs(browser, app.url, 'chutich', `/meetings/${meeting.id}/chair`);
    const d1 = await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`);
    try {
      await tabTo(chair.page, 'agenda-next');
      await chair.page.keyboard.press('Enter');
      await d1.page
        .locator(`[data-testid="agenda-current"][data-item-id="${must(items[0]).id}"]`)
        .waitFor({ timeout: 2_000 });

      await tabTo(d1.page, 'floor-request');
      await d1.page.keyboard.press('Enter');
      await eventually(() => d1.page.getByTestId('floor-mine').textContent()).toContain('1/1');

      await tabTo(chair.page, `chair-poll-${poll.body.id}`);
      await chair.page.keyboard.press('Enter');
      const ballot = d1.page.getByTestId(`ballot-${poll.body.id}`);
      await ballot.waitFor();
      await tabTo(d1.page, 'ballot-choices');
      await d1.page.keyboard.press('ArrowDown');
      await d1.page.keyboard.press('Space');
      await tabTo(d1.page, 'ballot-submit');
      await d1.page.keyboard.press('Enter');
      // The confirmation takes the focus on its confirm button: Enter casts.
      await d1.page.waitForFunction(() =>
        document.activeElement?.closest('.el-message-box')?.textContent.includes('Xác nhận'),
      );
      await d1.page.keyboard.press('Enter');
      await ballot.getByTestId('ballot-done').waitFor();
      const mine = await c.d1.get<{ choice: number | null }>(
        `/api/meetings/${meeting.id}/polls/${poll.body.id}/ballots/mine`,
      );
      expect(mine.body.choice).toBe(1);
    } finally {
      await chair.close();
      await d1.close();
    }
  });

  it('the meeting room and the chair console have no serious or critical axe violation', async () => {
    const { meeting, items } = await liveMeeting();
    await c.chair.put(`/api/meetings/${meeting.id}/agenda/current`, { itemId: must(items[0]).id });
    await c.d2.post(`/api/meetings/${meeting.id}/floor`, {});
    const poll = await c.chair.post<Poll>(`/api/meetings/${meeting.id}/polls`, {
      question: 'Thông qua chương trình họp',
    });
    expect(poll.status).toBe(201);
    const chair = await openAs(browser, app.url, 'chutich', `/meetings/${meeting.id}/chair`);
    const delegate = await openAs(browser, app.url, 'daibieu1', `/meetings/${meeting.id}/room`);
    try {
      await chair.page.getByTestId(`chair-poll-${poll.body.id}`).waitFor();
      expect(await seriousViolations(chair.page)).toEqual([]);
      await delegate.page.getByTestId('agenda-current').waitFor();
      expect(await seriousViolations(delegate.page)).toEqual([]);
      expect((await c.d1.post(`/api/meetings/${meeting.id}/attendance/check-in`, {})).status).toBe(
        200,
      );
      const opened = await c.chair.post(
        `/api/meetings/${meeting.id}/polls/${poll.body.id}/open`,
        {},
      );
      expect(opened.status).toBe(200);
      await delegate.page.getByTestId(`ballot-${poll.body.id}`).waitFor();
      expect(await seriousViolations(delegate.page)).toEqual([]);
    } finally {
      await chair.close();
      await delegate.close();
    }
  });

  it("each live screen opens with two of the meeting's requests: the snapshot and the stream", async () => {
    const { meeting, items } = await liveMeeting();
    await c.chair.put(`/api/meetings/${meeting.id}/agenda/current`, { itemId: must(items[0]).id });
    const prefix = `/api/meetings/${meeting.id}`;
    const screens = [
      { user: 'daibieu1', path: 'room', ready: 'agenda-current' },
      { user: 'chutich', path: 'chair', ready: `set-current-${must(items[1]).id}` },
      { user: 'thuky', path: 'minutes', ready: 'minutes-status' },
    ];
    for (const screen of screens) {
      const { page, close } = await loggedIn(browser, app.url, screen.user);
      try {
        const asked: string[] = [];
        page.on('request', (r) => {
          const path = new URL(r.url()).pathname;
          if (path.startsWith(prefix)) asked.push(path.slice(prefix.length));
        });
        await page.goto(`${app.url}/meetings/${meeting.id}/${screen.path}`);
        await page.locator('[data-testid="live-status"][data-connection="live"]').waitFor();
        await page.getByTestId(screen.ready).first().waitFor();
        expect({ screen: screen.path, asked: asked.sort() }).toEqual({
          screen: screen.path,
          asked: ['/live', '/live/state'],
        });
      } finally {
        await close();
      }
    }
  });

  it("the meeting room's initial JavaScript stays under 350 kB gzip", () => {
    const bundle = routeInitialJs(join(stack().root, 'dist', 'client'), [
      'AppShell',
      'MeetingRoomPage',
    ]);
    console.info(
      `meeting room initial JS: ${String(bundle.files.length)} files, ${(bundle.bytes / 1024).toFixed(1)} kB, ${(bundle.gzipBytes / 1024).toFixed(1)} kB gzip`,
    );
    expect(bundle.gzipBytes).toBeLessThan(350 * 1024);
    // The viewer, the notes editor and LiveKit load only when needed.
    expect(bundle.files.some((f) => /PdfViewer|DocumentNotes|BridgePage|pdf\.worker/.test(f))).toBe(
      false,
    );
  });
});
