import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

describe('login in the browser', () => {
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

  it('logs the chair in in Vietnamese, then switches the UI to English', async () => {
    const { page, context } = await browser.newPage();
    try {
      await page.goto(app.url + '/');
      await page.waitForURL(/\/login/);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Đăng nhập');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');

      await page.getByTestId('login-username').fill('chutich');
      await page.getByTestId('login-password').fill('wrong password');
      await page.getByTestId('login-submit').click();
      await expect
        .poll(() => page.getByTestId('login-error').textContent())
        .toContain('Sai tên đăng nhập hoặc mật khẩu');

      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await expect
        .poll(() => page.getByTestId('welcome').textContent())
        .toBe('Xin chào, Lê Minh Quân');

      await page.getByTestId('language-switch').click();
      await page.getByRole('option', { name: 'English' }).click();
      await expect
        .poll(() => page.getByTestId('welcome').textContent())
        .toBe('Hello, Lê Minh Quân');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

      // The choice survives a reload, and the session resumes from the refresh cookie.
      await page.reload();
      await expect
        .poll(() => page.getByTestId('welcome').textContent())
        .toBe('Hello, Lê Minh Quân');
      expect(browser.blockedRequests).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
