import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Agenda } from '../../server/contracts/agenda';
import type { TaskList, TaskReminderSettings } from '../../server/contracts/tasks';
import { DEFAULT_TASK_REMINDERS } from '../../server/contracts/tasks';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { expectStatus, runMeeting } from '../support/minutes';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';

let app: TestApp;
let browser: TestBrowser & { blockedRequests: string[] };
let c: DemoClients;
let meetingId: string;
let dir: Directory;
/** The time the app reads (null: now); a scenario moves it past a deadline. */
let now: Date | null = null;
/** The tasks the notice assigned, built through the screens once for the file. */
let taskB: string;

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

/** Has the lead unit's member answer the task with a completion proposal. */
async function propose(page: Page, text: string): Promise<void> {
  await page.getByTestId('task-report-text').fill(text);
  await page.getByTestId('task-report-propose').click();
  await page.getByTestId('task-report-send').click();
  await expect
    .poll(() => page.getByTestId('task-status').textContent())
    .toContain('Chờ nghiệm thu');
}

/**
 * The shared fixture, through the screens: the secretary writes two conclusions in the notice
 * and marks each as a task (the deadline read from the text), the chair approves, numbers and
 * publishes it. Every scenario below starts from these two tasks and touches only its own.
 */
async function publishNoticeWithTwoTasks(): Promise<void> {
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
    await waitFor(
      async () =>
        (
          await c.chair.get<{ text: string }>(`/api/meetings/${meetingId}/minutes/notice/content`)
        ).body.text.includes(CONCLUSION_B),
      'the conclusions in the stored notice',
      15_000,
    );
    await page.getByTestId('marks-reload').click();
    await markParagraph(page, CONCLUSION_A, 'Sở Nội vụ');
    const first = page.getByTestId('task-mark').first();
    expect(await first.getByPlaceholder('Hạn hoàn thành').inputValue()).toBe('31/01/2027');
    await markParagraph(page, CONCLUSION_B, 'Sở Tài chính');
    await page.getByTestId('marks-save').click();
    await page.getByText('Đã lưu danh sách nhiệm vụ.').waitFor();
    await page.getByTestId('minutes-submit').click();
    await page.getByRole('button', { name: 'Đồng ý' }).click();
    await waitFor(
      async () =>
        (await page.getByTestId('minutes-status').textContent())?.includes('Chờ chủ trì duyệt'),
      'the notice submitted',
    );
  });

  await as('chutich', async (page) => {
    await page.goto(`${app.url}/meetings/${meetingId}/minutes`);
    await page.getByRole('tab', { name: 'Thông báo kết luận' }).click();
    await page.getByTestId('minutes-approve').click();
    // Publishing needs the number the records office gave (the template's "…" is refused).
    await page.locator('[data-testid="minutes-publish"]:visible').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="minutes-number"]:visible').fill('7/TB-UBND');
    await page.locator('[data-testid="minutes-meta-save"]:visible').click();
    await waitFor(
      async () =>
        (
          await c.chair.get<{ notice: { meta: { numberSymbol: string } | null } }>(
            `/api/meetings/${meetingId}/minutes`,
          )
        ).body.notice.meta?.numberSymbol === '7/TB-UBND',
      'the number of the notice saved',
      15_000,
    );
    await page.locator('[data-testid="minutes-publish"]:visible').click();
    await page.getByRole('button', { name: 'Đồng ý' }).click();
    await waitFor(
      async () => (await page.getByTestId('minutes-status').textContent())?.includes('Đã ban hành'),
      'the notice published',
      60_000,
    );
  });

  const tasks = expectStatus(
    await c.secretary.get<TaskList>(`/api/tasks?meetingId=${meetingId}`),
    200,
    'tasks',
  );
  taskB = tasks.items.find((t) => t.leadUnit.name === 'Sở Tài chính')?.id ?? '';
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
  await publishNoticeWithTwoTasks();
}, 360_000);

afterEach(() => {
  now = null;
});

afterAll(async () => {
  await browser.close();
  await app.stop();
});

describe('tasks in the browser', () => {
  it('creates one task per conclusion marked in the notice, with the deadline of its text', async () => {
    const tasks = expectStatus(
      await c.secretary.get<TaskList>(`/api/tasks?meetingId=${meetingId}`),
      200,
      'tasks',
    );
    expect(tasks.items.map((t) => [t.leadUnit.name, t.deadline]).sort()).toEqual([
      ['Sở Nội vụ', '2027-01-31'],
      ['Sở Tài chính', '2027-03-15'],
    ]);
  });

  it('follows a task through a return and an acceptance', async () => {
    const taskUrl = `${app.url}/tasks/${taskB}`;
    // The lead unit, on a phone: finds the task under "Nhiệm vụ được giao" and proposes completion.
    await as(
      'daibieu1',
      async (page) => {
        await page.goto(`${app.url}/tasks`);
        await page.getByTestId('tasks-list').getByRole('link', { name: CONCLUSION_B }).click();
        await propose(page, 'Đã trình UBND tỉnh phương án phân bổ vốn.');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(360);
      },
      { width: 360, height: 740 },
    );

    await as('thuky', async (page) => {
      await page.goto(taskUrl);
      await page
        .getByTestId('task-review-comment')
        .fill('Bổ sung ý kiến của Sở Kế hoạch và Đầu tư.');
      await page.getByTestId('task-return').click();
      await expect
        .poll(() => page.getByTestId('task-status').textContent())
        .toContain('Đang thực hiện');
    });

    await as('daibieu1', async (page) => {
      await page.goto(taskUrl);
      await propose(page, 'Đã bổ sung ý kiến của Sở Kế hoạch và Đầu tư.');
    });

    await as('chutich', async (page) => {
      await page.goto(taskUrl);
      await page.getByTestId('task-accept').click();
      await expect
        .poll(() => page.getByTestId('task-status').textContent())
        .toContain('Hoàn thành đúng hạn');
      const history = await page.getByTestId('task-history').textContent();
      expect(history).toContain('Trả lại');
      expect(history).toContain('Bổ sung ý kiến của Sở Kế hoạch và Đầu tư.');
      expect(history).toContain('Nghiệm thu hoàn thành');
      await expect.poll(() => page.locator('.el-message').count(), { timeout: 15_000 }).toBe(0);
      await expect.poll(() => seriousViolations(page), { timeout: 10_000 }).toEqual([]);
    });
  }, 300_000);

  it('shows the lead unit its overdue task and reminder, and puts it on the next agenda', async () => {
    // 5 February 2027: the task due 31/01 is overdue, the one due 15/03 is not.
    now = new Date('2027-02-05T02:00:00Z');
    await app.tasks.reminders.runOnce();
    await as('daibieu3', async (page) => {
      await page.goto(`${app.url}/tasks`);
      await page
        .getByTestId('task-notifications')
        .getByText(`Nhiệm vụ quá hạn: ${CONCLUSION_A}`)
        .waitFor();
      const card = page.getByTestId('tasks-list').locator('li', { hasText: CONCLUSION_A });
      expect(await card.getByTestId('task-status').textContent()).toContain('Quá hạn');
      await expect.poll(() => seriousViolations(page), { timeout: 10_000 }).toEqual([]);
    });
    const next = await buildMeeting(c, dir, { state: 'scheduled' });
    try {
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
      expect(item?.notes).toContain(CONCLUSION_A);
      expect(item?.notes).not.toContain(CONCLUSION_B);
    } finally {
      // The next meeting leaves no overdue item behind for another scenario.
      await c.secretary.post(`/api/meetings/${next.id}/transitions`, { to: 'cancelled' });
    }
  }, 120_000);

  it("shows the chair the dashboard from the home page: the notice's tasks by unit, with charts", async () => {
    for (const viewport of [
      { width: 1366, height: 800 },
      { width: 1024, height: 768 },
      { width: 360, height: 740 },
    ]) {
      await as(
        'chutich',
        async (page) => {
          await page.getByTestId('home-task-dashboard').click();
          await page.getByTestId('task-dashboard').waitFor();
          await expect.poll(() => page.getByTestId('dashboard-total').textContent()).toBe('2');
          const units = await page
            .getByTestId('dashboard-unit')
            .locator('tbody td.name')
            .allTextContents();
          expect(units.sort()).toEqual(['Sở Nội vụ', 'Sở Tài chính']);
          expect(await page.locator('[data-testid="task-dashboard"] svg[role="img"]').count()).toBe(
            3,
          );
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(width, `${String(viewport.width)} px`).toBeLessThanOrEqual(viewport.width);
          await expect.poll(() => seriousViolations(page), { timeout: 10_000 }).toEqual([]);
        },
        viewport,
      );
    }
  }, 180_000);

  it('shows the dashboard in English once the UI is switched', async () => {
    await as('chutich', async (page) => {
      await page.getByTestId('language-switch').click();
      await page.getByRole('option', { name: 'English' }).click();
      await page.getByRole('link', { name: 'Follow-up of tasks' }).click();
      await page.getByRole('heading', { name: 'Follow-up of tasks' }).waitFor();
      await page.getByText('By lead unit', { exact: true }).waitFor();
      expect(await page.getByTestId('dashboard-totals').textContent()).toContain('Overdue');
    });
  }, 120_000);

  it("shows a unit's member only its own tasks on the dashboard, reached from the task list", async () => {
    await as('daibieu3', async (page) => {
      await page.goto(`${app.url}/tasks`);
      await page.getByTestId('tasks-dashboard-link').click();
      await page.getByTestId('task-dashboard').waitFor();
      await expect.poll(() => page.getByTestId('dashboard-total').textContent()).toBe('1');
      const units = await page
        .getByTestId('dashboard-unit')
        .locator('tbody td.name')
        .allTextContents();
      expect(units).toEqual(['Sở Nội vụ']);
      expect(await page.getByTestId('task-reminders').count()).toBe(0);
    });
  }, 120_000);

  it("lets a unit administrator change their unit's reminders on the dashboard", async () => {
    const path = `/api/units/${dir.unitId('243')}/task-reminders`;
    try {
      await as('quantri.vinhyen', async (page) => {
        await page.getByTestId('home-task-dashboard').click();
        const panel = page.getByTestId('task-reminders');
        await panel.waitFor();
        await expect
          .poll(() => panel.getByTestId('reminder-state').textContent())
          .toContain('mặc định');
        await panel.getByText('7 ngày', { exact: true }).click();
        await panel.getByText('10 ngày', { exact: true }).click();
        await panel.getByTestId('reminder-email').click();
        await panel.getByTestId('reminder-save').click();
        await page.getByText('Đã lưu cài đặt nhắc hạn.').waitFor();
      });
      const saved = expectStatus(
        await c.unitAdmin.get<TaskReminderSettings>(path),
        200,
        'settings',
      );
      expect(saved).toMatchObject({ daysBefore: [10, 1], overdue: true, email: false });
    } finally {
      await c.admin.put(path, {
        ...DEFAULT_TASK_REMINDERS,
        daysBefore: [...DEFAULT_TASK_REMINDERS.daysBefore],
      });
    }
  }, 120_000);
});
