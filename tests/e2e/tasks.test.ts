import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Agenda } from '../../server/contracts/agenda';
import type { TaskList } from '../../server/contracts/tasks';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { expectStatus, runMeeting } from '../support/minutes';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

let app: TestApp;
let browser: TestBrowser & { blockedRequests: string[] };
let c: DemoClients;
let meetingId: string;
let dir: Directory;
/** The time the app reads (null: now); the second scenario moves it past a deadline. */
let now: Date | null = null;

const CONCLUSION_A =
  'Giao Sở Nội vụ hoàn thiện Đề án sắp xếp đơn vị hành chính cấp xã, báo cáo UBND tỉnh trước ngày 31/01/2027.';
const CONCLUSION_B =
  'Giao Sở Tài chính tham mưu phân bổ vốn đầu tư công năm 2027, hoàn thành chậm nhất ngày 15 tháng 3 năm 2027.';

async function login(page: Page, username: string): Promise<void> {
  await page.goto(app.url + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();
}

/** Opens a page as `username`, runs `fn`, closes it. */
async function as(
  username: string,
  fn: (page: Page) => Promise<void>,
  viewport?: { width: number; height: number },
): Promise<void> {
  const { page, context } = await browser.newPage(viewport ? { viewport } : {});
  try {
    await login(page, username);
    await fn(page);
  } finally {
    await context.close();
  }
}

/** Marks the paragraph holding `text` as a task led by `unit`. */
async function markParagraph(page: Page, text: string, unit: string): Promise<void> {
  const marks = page.getByTestId('task-marks');
  await marks
    .locator('li', { hasText: text })
    .getByRole('button', { name: 'Giao nhiệm vụ' })
    .click();
  const mark = marks.getByTestId('task-mark').last();
  await mark.getByTestId('mark-lead').click();
  await page.keyboard.type(unit);
  await page
    .locator('.el-select-dropdown .el-tree-node__content:visible', { hasText: unit })
    .first()
    .click();
  await page.keyboard.press('Escape');
}

beforeAll(async () => {
  app = await startTestApp({}, { clock: () => now ?? new Date() });
  browser = await launchBrowser();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  const run = await runMeeting(c, dir, { title: 'Phiên họp giao nhiệm vụ' });
  meetingId = run.meeting.id;
  expectStatus(
    await c.secretary.post(`/api/meetings/${meetingId}/transitions`, { to: 'ended' }),
    200,
    'end',
  );
}, 240_000);

afterEach(() => {
  now = null;
});

afterAll(async () => {
  await browser.close();
  await app.stop();
});

describe('tasks in the browser', () => {
  it('marks two tasks in the notice, publishes, and follows one through return and acceptance', async () => {
    await as('thuky', async (page) => {
      await page.goto(`${app.url}/meetings/${meetingId}/minutes`);
      await page.getByRole('tab', { name: 'Thông báo kết luận' }).click();
      const editor = page.getByRole('textbox', { name: 'Nội dung Thông báo kết luận' });
      await editor.locator('p').last().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type(CONCLUSION_A);
      await page.keyboard.press('Enter');
      await page.keyboard.type(CONCLUSION_B);
      await expect
        .poll(
          async () =>
            (
              await c.chair.get<{ text: string }>(
                `/api/meetings/${meetingId}/minutes/notice/content`,
              )
            ).body.text.includes(CONCLUSION_B),
          { timeout: 15_000 },
        )
        .toBe(true);
      await page.getByTestId('marks-reload').click();
      await markParagraph(page, CONCLUSION_A, 'Sở Nội vụ');
      const first = page.getByTestId('task-mark').first();
      expect(await first.getByPlaceholder('Hạn hoàn thành').inputValue()).toBe('31/01/2027');
      await markParagraph(page, CONCLUSION_B, 'Sở Tài chính');
      await page.getByTestId('marks-save').click();
      await page.getByText('Đã lưu danh sách nhiệm vụ.').waitFor();
      await page.getByTestId('minutes-submit').click();
      await page.getByRole('button', { name: 'Đồng ý' }).click();
      await expect
        .poll(() => page.getByTestId('minutes-status').textContent())
        .toContain('Chờ chủ trì duyệt');
    });

    await as('chutich', async (page) => {
      await page.goto(`${app.url}/meetings/${meetingId}/minutes`);
      await page.getByRole('tab', { name: 'Thông báo kết luận' }).click();
      await page.getByTestId('minutes-approve').click();
      // Publishing needs the number the records office gave (the template's "…" is refused).
      await page.locator('[data-testid="minutes-publish"]:visible').waitFor({ timeout: 15_000 });
      await page.locator('[data-testid="minutes-number"]:visible').fill('7/TB-UBND');
      await page.locator('[data-testid="minutes-meta-save"]:visible').click();
      await expect
        .poll(
          async () =>
            (
              await c.chair.get<{ notice: { meta: { numberSymbol: string } | null } }>(
                `/api/meetings/${meetingId}/minutes`,
              )
            ).body.notice.meta?.numberSymbol,
          { timeout: 15_000 },
        )
        .toBe('7/TB-UBND');
      await page.locator('[data-testid="minutes-publish"]:visible').click();
      await page.getByRole('button', { name: 'Đồng ý' }).click();
      await expect
        .poll(() => page.getByTestId('minutes-status').textContent(), { timeout: 60_000 })
        .toContain('Đã ban hành');
    });

    const tasks = expectStatus(
      await c.secretary.get<TaskList>(`/api/tasks?meetingId=${meetingId}`),
      200,
      'tasks',
    );
    expect(tasks.items.map((t) => [t.leadUnit.name, t.deadline]).sort()).toEqual([
      ['Sở Nội vụ', '2027-01-31'],
      ['Sở Tài chính', '2027-03-15'],
    ]);
    const taskA = tasks.items.find((t) => t.leadUnit.name === 'Sở Nội vụ');
    const taskUrl = `${app.url}/tasks/${taskA?.id ?? ''}`;

    const propose = async (page: Page, text: string): Promise<void> => {
      await page.getByTestId('task-report-text').fill(text);
      await page.getByTestId('task-report-propose').click();
      await page.getByTestId('task-report-send').click();
      await expect
        .poll(() => page.getByTestId('task-status').textContent())
        .toContain('Chờ nghiệm thu');
    };

    // The lead unit, on a phone: finds the task under "Nhiệm vụ được giao" and proposes completion.
    await as(
      'daibieu3',
      async (page) => {
        await page.goto(`${app.url}/tasks`);
        await page.getByTestId('tasks-list').getByRole('link', { name: CONCLUSION_A }).click();
        await propose(page, 'Đã trình UBND tỉnh dự thảo Đề án.');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(360);
      },
      { width: 360, height: 740 },
    );

    await as('thuky', async (page) => {
      await page.goto(taskUrl);
      await page
        .getByTestId('task-review-comment')
        .fill('Bổ sung ý kiến thẩm định của Sở Tư pháp.');
      await page.getByTestId('task-return').click();
      await expect
        .poll(() => page.getByTestId('task-status').textContent())
        .toContain('Đang thực hiện');
    });

    await as('daibieu3', async (page) => {
      await page.goto(taskUrl);
      await propose(page, 'Đã bổ sung ý kiến thẩm định.');
    });

    await as('chutich', async (page) => {
      await page.goto(taskUrl);
      await page.getByTestId('task-accept').click();
      await expect
        .poll(() => page.getByTestId('task-status').textContent())
        .toContain('Hoàn thành đúng hạn');
      const history = await page.getByTestId('task-history').textContent();
      expect(history).toContain('Trả lại');
      expect(history).toContain('Bổ sung ý kiến thẩm định của Sở Tư pháp.');
      expect(history).toContain('Nghiệm thu hoàn thành');
      await expect.poll(() => page.locator('.el-message').count(), { timeout: 15_000 }).toBe(0);
      await expect.poll(() => seriousViolations(page), { timeout: 10_000 }).toEqual([]);
    });
  }, 300_000);

  it('shows the lead unit its overdue task and reminder, and puts it on the next agenda', async () => {
    now = new Date('2027-03-20T02:00:00Z');
    await app.tasks.reminders.runOnce();
    await as('daibieu1', async (page) => {
      await page.goto(`${app.url}/tasks`);
      await page
        .getByTestId('task-notifications')
        .getByText(`Nhiệm vụ quá hạn: ${CONCLUSION_B}`)
        .waitFor();
      const card = page.getByTestId('tasks-list').locator('li', { hasText: CONCLUSION_B });
      expect(await card.getByTestId('task-status').textContent()).toContain('Quá hạn');
      await expect.poll(() => seriousViolations(page), { timeout: 10_000 }).toEqual([]);
    });
    const next = await buildMeeting(c, dir, { state: 'scheduled' });
    await as('thuky', async (page) => {
      await page.goto(`${app.url}/meetings/${next.id}/prepare`);
      await page.getByTestId('add-overdue-tasks').click();
      await page.getByText('Đã thêm mục với 1 nhiệm vụ quá hạn.').waitFor();
    });
    const agenda = expectStatus(
      await c.secretary.get<Agenda>(`/api/meetings/${next.id}/agenda`),
      200,
      'agenda',
    );
    const item = agenda.items.find((i) => i.title === 'Tình hình thực hiện các nhiệm vụ quá hạn');
    expect(item?.notes).toContain(CONCLUSION_B);
  }, 120_000);
});
