import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

describe('accessibility of the shell', () => {
  let app: TestApp;
  let browser: TestBrowser & { blockedRequests: string[] };
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  it('login, units and users pages have no serious or critical axe violation', async () => {
    const { page, context } = await browser.newPage();
    try {
      await page.goto(app.url + '/login');
      await page.getByTestId('login-username').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('welcome').waitFor();
      await page.goto(app.url + '/admin/units');
      await page.getByTestId('unit-tree').getByText('TP. Vĩnh Yên').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(app.url + '/admin/users');
      await page.getByTestId('users-table').getByText('chutich').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the login form works with the keyboard alone', async () => {
    const { page, context } = await browser.newPage();
    try {
      await page.goto(app.url + '/login');
      await page.getByTestId('login-username').focus();
      await page.keyboard.type('thuky');
      await page.keyboard.press('Tab');
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.getByTestId('welcome').textContent())
        .toBe('Xin chào, Phạm Thu Hà');
    } finally {
      await context.close();
    }
  });
});
