import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PublishedMinutesVersion } from '../../server/contracts/minutes';
import type { Poll } from '../../server/contracts/votes';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { approveAndPublish, download, expectStatus, runMeeting } from '../support/minutes';
import type { RunMeeting } from '../support/minutes';
import { demoClients, directory } from '../support/records';
import type { DemoClients } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

let app: TestApp;
let browser: TestBrowser & { blockedRequests: string[] };
let c: DemoClients;
let run: RunMeeting;
let published: PublishedMinutesVersion;

async function login(page: Page, username: string): Promise<void> {
  await page.goto(app.url + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();
}

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
  c = await demoClients(app.url);
  const dir = await directory(c.admin);
  run = await runMeeting(c, dir, { visibility: 'public', title: 'Phiên họp soạn biên bản' });
  // A second public meeting, published through the API, for the public page.
  const other = await runMeeting(c, dir, {
    visibility: 'public',
    title: 'Phiên họp công khai về đô thị thông minh',
  });
  expectStatus(
    await c.secretary.post(`/api/meetings/${other.meeting.id}/transitions`, { to: 'ended' }),
    200,
    'end',
  );
  published = await approveAndPublish(c, other.meeting.id);
}, 240_000);

/** Waits until no toast is on screen (they fade in and out, which axe reads as low contrast). */
async function noToasts(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.el-message').count(), { timeout: 15_000 }).toBe(0);
}
afterAll(async () => {
  await browser.close();
  await app.stop();
});

describe('minutes in the browser', () => {
  it('the secretary inserts live facts at the cursor and submits; the chair approves and publishes', async () => {
    const id = run.meeting.id;
    const sec = await browser.newPage();
    try {
      await login(sec.page, 'thuky');
      await sec.page.goto(`${app.url}/meetings/${id}/minutes`);
      const editor = sec.page.getByRole('textbox', { name: 'Nội dung Biên bản' });
      await editor.getByText('Thời gian bắt đầu', { exact: false }).waitFor();
      await editor.getByText('III. KẾT LUẬN CỦA CHỦ TRÌ').click();
      // The chair and the secretary count as present though neither checked in.
      await sec.page.getByTestId('insert-attendance').click();
      await expect.poll(() => editor.textContent()).toContain('Số đại biểu có mặt: 4/5');
      await noToasts(sec.page);
      // A second insert replaces the section instead of adding another.
      await editor.getByText('III. KẾT LUẬN CỦA CHỦ TRÌ').click();
      await sec.page.getByTestId('insert-attendance').click();
      const stored = async () =>
        (await c.chair.get<{ text: string }>(`/api/meetings/${id}/minutes/minutes/content`)).body
          .text;
      await expect.poll(stored).toContain('Số đại biểu có mặt: 4/5');
      expect((await stored()).split('Số đại biểu có mặt:')).toHaveLength(2);
      expect(await stored()).not.toContain('Thành phần tham dự được lập từ hồ sơ');
      await noToasts(sec.page);
      await expect.poll(() => seriousViolations(sec.page), { timeout: 10_000 }).toEqual([]);
      await sec.page.getByTestId('minutes-submit').click();
      await sec.page.getByRole('button', { name: 'Đồng ý' }).click();
      await expect
        .poll(() => sec.page.getByTestId('minutes-status').textContent())
        .toContain('Chờ chủ trì duyệt');
      expect(await editor.getAttribute('contenteditable')).toBe('false');
    } finally {
      await sec.context.close();
    }

    expectStatus(
      await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
      200,
      'end',
    );
    const chair = await browser.newPage();
    try {
      await login(chair.page, 'chutich');
      await chair.page.goto(`${app.url}/meetings/${id}/minutes`);
      await chair.page.getByTestId('minutes-approve').click();
      // Not with the template's "…/BB-UBND": the chair is told to give the number first.
      await chair.page.getByTestId('minutes-publish').click();
      await chair.page.getByRole('button', { name: 'Đồng ý' }).click();
      await chair.page.getByText('Văn bản chưa có số, ký hiệu', { exact: false }).waitFor();
      await noToasts(chair.page);
      await chair.page.getByTestId('minutes-number').fill('27/BB-UBND');
      await chair.page.getByTestId('minutes-meta-save').click();
      await expect
        .poll(
          async () =>
            (
              await c.chair.get<{ minutes: { meta: { numberSymbol: string } } }>(
                `/api/meetings/${id}/minutes`,
              )
            ).body.minutes.meta.numberSymbol,
        )
        .toBe('27/BB-UBND');
      await chair.page.getByTestId('minutes-publish').click();
      await chair.page.getByRole('button', { name: 'Đồng ý' }).click();
      await chair.page.getByTestId('minutes-versions').getByText('Bản 1').waitFor();
      await noToasts(chair.page);
      await expect.poll(() => seriousViolations(chair.page), { timeout: 10_000 }).toEqual([]);
    } finally {
      await chair.context.close();
    }
  }, 180_000);

  it("the secretary's live facts follow the meeting without a reload", async () => {
    const dir = await directory(c.admin);
    const meeting = await runMeeting(c, dir, { title: 'Phiên họp theo dõi trực tiếp' });
    const id = meeting.meeting.id;
    const sec = await browser.newPage();
    try {
      await login(sec.page, 'thuky');
      await sec.page.goto(`${app.url}/meetings/${id}/minutes`);
      await sec.page.locator('[data-testid="live-status"][data-connection="live"]').waitFor();
      await sec.page.getByRole('button', { name: meeting.pollQuestion }).waitFor();
      // The chair holds a second vote while the page is open: its results become insertable.
      const question = 'Thông qua kế hoạch đầu tư công năm 2027?';
      const poll = expectStatus(
        await c.chair.post<Poll>(`/api/meetings/${id}/polls`, { question }),
        201,
        'create poll',
      );
      expectStatus(await c.chair.post(`/api/meetings/${id}/polls/${poll.id}/open`), 200, 'open');
      expectStatus(
        await c.d1.post(`/api/meetings/${id}/polls/${poll.id}/ballots`, { choice: 0 }),
        201,
        'ballot',
      );
      expectStatus(await c.chair.post(`/api/meetings/${id}/polls/${poll.id}/close`), 200, 'close');
      await sec.page.getByRole('button', { name: question }).waitFor({ timeout: 10_000 });
    } finally {
      await sec.context.close();
    }
  }, 120_000);

  it('the public page lists the record without login and checks a file', async () => {
    const pdfUrl = published.files.find((f) => f.format === 'pdf')?.url ?? '';
    const pdf = (await download(app.url, pdfUrl)).bytes;
    const { page, context } = await browser.newPage();
    try {
      await page.goto(`${app.url}/records`);
      await page.getByTestId('records-q').fill('do thi thong minh');
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await page
        .getByTestId('records-list')
        .getByText('Phiên họp công khai về đô thị thông minh', { exact: true })
        .waitFor();
      await expect.poll(() => seriousViolations(page), { timeout: 10_000 }).toEqual([]);
      await page.getByTestId('verify-file').setInputFiles({
        name: 'bien-ban.pdf',
        mimeType: 'application/pdf',
        buffer: pdf,
      });
      await page.getByTestId('verify-submit').click();
      await expect
        .poll(() => page.getByTestId('verify-result').textContent())
        .toContain('Đây là bản đã ban hành');
      expect(await page.getByTestId('verify-result').textContent()).toContain('Chữ ký số hợp lệ');
      const tampered = Buffer.from(pdf);
      const at = Math.floor(tampered.indexOf('/ByteRange') / 2);
      tampered[at] = (tampered[at] ?? 0) ^ 0x20;
      await page.getByTestId('verify-file').setInputFiles({
        name: 'sua.pdf',
        mimeType: 'application/pdf',
        buffer: tampered,
      });
      await page.getByTestId('verify-submit').click();
      await expect
        .poll(() => page.getByTestId('verify-result').textContent())
        .toContain('Nội dung đã bị thay đổi sau khi ký');
      expect(browser.blockedRequests).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
