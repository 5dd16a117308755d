import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Page as ApiPage } from '../../server/contracts/common';
import type { Meeting } from '../../server/contracts/meetings';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { must } from '../support/must';
import { demoClients } from '../support/records';
import type { DemoClients } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

/**
 * Each role reaches its live screen by clicking, from the meetings list, the meeting page or
 * the home page: nobody types an address. The demo meetings are the fixtures.
 */
describe('ways into the live screens', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let c: DemoClients;
  let live: Meeting;
  let ended: Meeting;

  beforeAll(async () => {
    app = await startTestApp({ SEED_DEMO_MEETINGS: 'true' });
    browser = await launchBrowser();
    c = await demoClients(app.url);
    const all = (await c.chair.get<ApiPage<Meeting>>('/api/meetings?pageSize=100')).body.items;
    live = must(all.find((m) => m.state === 'live'));
    ended = must(all.find((m) => m.state === 'ended'));
  });
  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  /** Logs in through the form and lands on the home page. */
  async function login(
    username: string,
    viewport = { width: 1280, height: 800 },
  ): Promise<{ page: Page; close: () => Promise<void> }> {
    const { page, context } = await browser.newPage({ viewport });
    await page.goto(app.url + '/login');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('welcome').waitFor();
    return { page, close: () => context.close() };
  }

  /** Opens the meetings list from the main menu and returns the row of `m`. */
  async function rowOf(page: Page, m: Meeting) {
    await page
      .getByRole('navigation', { name: 'Menu chính' })
      .getByRole('link', { name: 'Cuộc họp' })
      .click();
    const row = page.getByTestId('meetings-table').locator('tr', { hasText: m.title });
    await row.waitFor();
    return row;
  }

  it("the chair opens the console from the live meeting's row in the meetings list", async () => {
    const { page, close } = await login('chutich');
    try {
      const row = await rowOf(page, live);
      await row.getByTestId('entry-chair').click();
      await page.getByTestId('chair-console').waitFor();
      expect(new URL(page.url()).pathname).toBe(`/meetings/${live.id}/chair`);
    } finally {
      await close();
    }
  });

  it('a delegate on a 1024×768 tablet enters the meeting room from the home page', async () => {
    const { page, close } = await login('daibieu1', { width: 1024, height: 768 });
    try {
      const item = page.getByTestId(`home-live-${live.id}`);
      expect(await item.textContent()).toContain(live.title);
      expect(await item.getByTestId('entry-chair').count()).toBe(0);
      await item.getByTestId('entry-room').click();
      await page.getByTestId('meeting-room').waitFor();
      expect(new URL(page.url()).pathname).toBe(`/meetings/${live.id}/room`);
    } finally {
      await close();
    }
  });

  it('a commune operator on a 390×844 phone reaches the bridge from the meetings list, the device check first', async () => {
    const { page, close } = await login('diemcau.tamhop', { width: 390, height: 844 });
    try {
      const row = await rowOf(page, live);
      expect(await row.getByTestId('entry-room').count()).toBe(0);
      await row.getByTestId('entry-bridge').click();
      await page.getByTestId('bridge').waitFor();
      expect(new URL(page.url()).pathname).toBe(`/meetings/${live.id}/bridge`);
      await page.getByTestId('bridge-prejoin').waitFor({ timeout: 15_000 });
      await page.getByTestId('bridge-join').waitFor();
    } finally {
      await close();
    }
  });

  it('the secretary reaches the minutes from the meeting page', async () => {
    const { page, close } = await login('thuky');
    try {
      const row = await rowOf(page, live);
      await row.getByRole('link', { name: live.title }).click();
      await page.getByTestId('meeting-heading').waitFor();
      const entries = page.getByTestId('meeting-entries');
      expect(await entries.getByTestId('entry-minutes').getAttribute('class')).toContain(
        'el-button--primary',
      );
      await entries.getByTestId('entry-minutes').click();
      await page.waitForURL(`**/meetings/${live.id}/minutes`);
    } finally {
      await close();
    }
  });

  it('the chair puts the hall screen up from the home page', async () => {
    const { page, close } = await login('chutich');
    try {
      await page.getByTestId(`home-live-${live.id}`).getByTestId('entry-hall').click();
      await page.getByTestId('bridge').waitFor();
      expect(new URL(page.url()).pathname).toBe(`/meetings/${live.id}/hall`);
    } finally {
      await close();
    }
  });

  it('after the end a delegate is offered the minutes and no live screen', async () => {
    const { page, close } = await login('daibieu2');
    try {
      const row = await rowOf(page, ended);
      expect(await row.getByTestId('entry-room').count()).toBe(0);
      await row.getByTestId('entry-minutes').click();
      await page.waitForURL(`**/meetings/${ended.id}/minutes`);
    } finally {
      await close();
    }
  });

  it('someone who may see a live meeting without taking part is told so, with no way in', async () => {
    const { page, close } = await login('quantri.vinhyen');
    try {
      const item = page.getByTestId(`home-live-${live.id}`);
      expect(await item.textContent()).toContain('Bạn không tham dự cuộc họp này.');
      expect(await item.getByTestId('meeting-entries').count()).toBe(0);
    } finally {
      await close();
    }
  });
});
