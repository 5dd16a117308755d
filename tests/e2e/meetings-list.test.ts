import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../server/contracts/meetings';
import type { Page as ApiPage } from '../../server/contracts/common';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { loggedInPage, pickOption } from './meetings-ui';

describe('meetings list, calendar and create flow', () => {
  let app: TestApp;
  let browser: TestBrowser & { blockedRequests: string[] };
  let c: DemoClients;
  let dir: Directory;

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

  it('lists, searches and filters meetings; the list has no serious axe violation', async () => {
    const start = new Date();
    start.setHours(9, 0, 0, 0);
    const when = {
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    };
    await buildMeeting(c, dir, {
      overrides: { title: 'Họp giao ban tháng Mười Một', ...when },
      state: 'scheduled',
    });
    await buildMeeting(c, dir, { overrides: { title: 'Phiên chất vấn chuyên đề y tế', ...when } });
    const { page, close } = await loggedInPage(browser, app.url, 'thuky');
    try {
      await page.getByRole('link', { name: 'Cuộc họp' }).click();
      await page.waitForURL(/\/meetings$/);
      const table = page.getByTestId('meetings-table');
      await table.getByText('Họp giao ban tháng Mười Một').waitFor();
      await table.getByText('Phiên chất vấn chuyên đề y tế').waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      // accent-insensitive search
      await page.getByTestId('meetings-search').fill('giao ban');
      await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
      expect(await table.locator('tbody').textContent()).toContain('Họp giao ban tháng Mười Một');
      await page.getByTestId('meetings-search').fill('');
      await table.getByText('Phiên chất vấn chuyên đề y tế').waitFor();

      // status filter, with the keyboard: open the select, pick "Đã lên lịch"
      const status = page.getByRole('combobox', { name: 'Trạng thái' });
      await status.focus();
      await page.keyboard.press('Enter');
      const statusList = page.locator(`[id="${await status.getAttribute('aria-controls')}"]`);
      await statusList.getByRole('option', { name: 'Đã lên lịch' }).waitFor();
      const hovered = statusList.locator('.el-select-dropdown__item.is-hovering');
      const hoveredText = async () =>
        (await hovered.count()) ? await hovered.first().textContent() : '';
      for (let i = 0; i < 6 && (await hoveredText()) !== 'Đã lên lịch'; i++)
        await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
      expect(await table.locator('tbody').textContent()).toContain('Họp giao ban');

      // week calendar: today's cell shows both meetings (the filter still says scheduled)
      await page.getByRole('radio', { name: 'Tuần' }).check({ force: true });
      await page.waitForURL(/view=week/);
      const today = page.locator('.calendar__day.is-today');
      await today.getByText('Họp giao ban tháng Mười Một').waitFor();
      expect(await today.textContent()).not.toContain('Phiên chất vấn');
      await page.getByRole('radio', { name: 'Tháng' }).check({ force: true });
      await page
        .locator('.calendar--month .calendar__day.is-today')
        .getByText('Họp giao ban')
        .waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('creates a meeting with a chair and participants, then schedules it', async () => {
    const { page, close } = await loggedInPage(browser, app.url, 'thuky');
    try {
      await page.goto(app.url + '/meetings');
      await page.getByTestId('meeting-create').click();
      const form = page.getByTestId('meeting-form');
      await form.waitFor();
      // a bad input gets a clear message and creates nothing
      await page.getByTestId('meeting-save').click();
      await form.getByText('Nhập tên cuộc họp (ít nhất 3 ký tự)').waitFor();
      await form.getByText('Chọn người chủ trì').waitFor();

      await page.getByTestId('meeting-title').fill('Họp bàn kế hoạch đầu tư công');
      await page.getByTestId('meeting-place').fill('Phòng họp số 1');
      await page.getByTestId('meeting-chair').click();
      await page.keyboard.type('le minh');
      await pickOption(page, 'meeting-chair', 'Lê Minh Quân');
      await page.getByTestId('meeting-participants').click();
      await page.keyboard.type('nguyen van an');
      await pickOption(page, 'meeting-participants', 'Nguyễn Văn An');
      // close the people list without Escape, which would also close the dialog
      await page.getByTestId('meeting-title').click();
      await page.getByTestId('meeting-save').click();

      await page.waitForURL(/\/meetings\/[0-9a-f]{24}$/);
      await expect
        .poll(() => page.getByTestId('meeting-heading').textContent())
        .toBe('Họp bàn kế hoạch đầu tư công');
      const id = /meetings\/([0-9a-f]{24})/.exec(page.url())?.[1] ?? '';
      const saved = await c.secretary.get<Meeting>(`/api/meetings/${id}`);
      expect(saved.body).toMatchObject({
        title: 'Họp bàn kế hoạch đầu tư công',
        place: 'Phòng họp số 1',
        chairId: dir.userId('chutich'),
        secretaryId: dir.userId('thuky'),
        state: 'draft',
      });
      await page.getByTestId('participants-table').getByText('Nguyễn Văn An').waitFor();

      // sites: all communes of district 249 (Tam Dương) in one action
      const picker = page.getByTestId('site-picker');
      await picker.getByText('Tất cả đơn vị cấp dưới').click();
      await picker.getByRole('combobox', { name: 'Thuộc' }).click();
      await page.keyboard.type('Tam Dương');
      await page.locator('.el-tree-node__content', { hasText: 'Tam Dương' }).first().click();
      await picker.getByRole('button', { name: 'Thêm điểm cầu' }).click();
      await expect
        .poll(async () => (await page.getByTestId('sites-table').locator('tbody tr').count()) > 1)
        .toBe(true);

      await page.getByTestId('transition-scheduled').click();
      await page.getByRole('button', { name: 'Xác nhận' }).click();
      await page.locator('[data-state="scheduled"]').first().waitFor();
      const list = await c.secretary.get<ApiPage<Meeting>>('/api/meetings?q=dau tu cong');
      expect(list.body.items.map((m) => m.state)).toEqual(['scheduled']);
      expect(browser.blockedRequests).toEqual([]);
    } finally {
      await close();
    }
  });
});
