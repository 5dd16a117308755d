import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import type { TestBrowser } from '../support/browser';

/** A logged-in browser page of one demo account, at 1280×800 (tablet landscape). */
export async function loggedInPage(
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
