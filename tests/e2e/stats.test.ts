import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

async function login(
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

describe('usage statistics page in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    const c = await demoClients(app.url);
    const dir = await directory(c.admin);
    // One meeting held yesterday (fixture through the API; the test drives only the screens).
    const start = Date.now() - 26 * 3_600_000;
    const m = await buildMeeting(c, dir, {
      state: 'scheduled',
      overrides: {
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 3_600_000).toISOString(),
      },
    });
    for (const to of ['live', 'ended']) {
      expect((await c.secretary.post(`/api/meetings/${m.id}/transitions`, { to })).status).toBe(
        200,
      );
    }
  });
  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  it('a system administrator opens it from the menu, sees the figures and downloads the CSV', async () => {
    const admin = await login(browser, app.url, 'admin');
    try {
      await admin.page.getByRole('link', { name: 'Thống kê' }).click();
      await admin.page.getByTestId('stats-page').waitFor();
      await expect
        .poll(() => admin.page.getByTestId('stats-meetings-held').textContent())
        .toBe('1');
      expect(await admin.page.locator('[data-testid="stats-page"] svg[role="img"]').count()).toBe(
        4,
      );
      // The link carries no token: the click fetches a single-use ticket and downloads.
      const href = must(await admin.page.getByTestId('stats-csv').getAttribute('href'));
      expect(href).not.toContain('token=');
      const [download] = await Promise.all([
        admin.page.waitForEvent('download'),
        admin.page.getByTestId('stats-csv').click(),
      ]);
      expect(download.url()).toContain('ticket=');
      const bytes = new Uint8Array(await readFile(must(await download.path())));
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder().decode(bytes)).toContain('Ủy ban nhân dân tỉnh Vĩnh Phúc,1,');
    } finally {
      await admin.close();
    }
  });

  it('a delegate has no statistics in the menu and is sent home from its address', async () => {
    const delegate = await login(browser, app.url, 'daibieu1');
    try {
      expect(await delegate.page.getByRole('link', { name: 'Thống kê' }).count()).toBe(0);
      await delegate.page.goto(app.url + '/admin/stats');
      await delegate.page.getByTestId('welcome').waitFor();
      expect(await delegate.page.getByTestId('stats-page').count()).toBe(0);
    } finally {
      await delegate.close();
    }
  });
});
