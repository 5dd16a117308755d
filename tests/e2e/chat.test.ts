import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ChatList } from '../../server/contracts/chat';
import type { Meeting } from '../../server/contracts/meetings';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

async function openAs(
  browser: TestBrowser,
  url: string,
  username: string,
  path: string,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await browser.newPage();
  await page.goto(url + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();
  await page.goto(url + path);
  await page.getByTestId('chat-panel').waitFor({ timeout: 20_000 });
  return { page, close: () => context.close() };
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
}

function texts(page: Page): Promise<string[]> {
  return page.getByTestId('chat-text').allTextContents();
}

describe('meeting chat in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
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

  async function liveMeetingWithCommune(): Promise<Meeting> {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled' });
    const inv = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
      kind: 'unit',
      unitId: dir.unitId('VP-249-11'),
      as: 'site',
      operatorId: dir.userId('diemcau.tamhop'),
    });
    expect(inv.status).toBe(200);
    const live = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
    expect(live.status).toBe(200);
    return meeting;
  }

  it('a delegate in the room and a commune operator on the bridge exchange messages', async () => {
    const m = await liveMeetingWithCommune();
    const delegate = await openAs(browser, app.url, 'daibieu1', `/meetings/${m.id}/room`);
    const site = await openAs(browser, app.url, 'diemcau.tamhop', `/meetings/${m.id}/bridge`);
    try {
      await send(delegate.page, 'Điểm cầu Tam Hợp có nghe rõ không?');
      await expect
        .poll(() => texts(site.page), { timeout: 10_000 })
        .toContain('Điểm cầu Tam Hợp có nghe rõ không?');
      await send(site.page, 'Tam Hợp nghe rõ, xin cảm ơn.');
      await expect
        .poll(() => texts(delegate.page), { timeout: 10_000 })
        .toContain('Tam Hợp nghe rõ, xin cảm ơn.');
      // Both are kept with the meeting, in order.
      const stored = await c.chair.get<ChatList>(`/api/meetings/${m.id}/chat`);
      expect(stored.body.items.map((x) => x.text)).toEqual([
        'Điểm cầu Tam Hợp có nghe rõ không?',
        'Tam Hợp nghe rõ, xin cảm ơn.',
      ]);
    } finally {
      await delegate.close();
      await site.close();
    }
  });

  it('a private message to the chair reaches the chair console but not the other site', async () => {
    const m = await liveMeetingWithCommune();
    const delegate = await openAs(browser, app.url, 'daibieu1', `/meetings/${m.id}/room`);
    const chair = await openAs(browser, app.url, 'chutich', `/meetings/${m.id}/chair`);
    const site = await openAs(browser, app.url, 'diemcau.tamhop', `/meetings/${m.id}/bridge`);
    try {
      await delegate.page.getByTestId('chat-to').click();
      await delegate.page.getByRole('option', { name: 'Riêng chủ trì và thư ký' }).click();
      await send(delegate.page, 'Xin đăng ký phát biểu mục 2');
      await expect
        .poll(() => texts(chair.page), { timeout: 10_000 })
        .toContain('Xin đăng ký phát biểu mục 2');
      // A public message sent after it reaches the site, which never showed the private one.
      await chair.page.getByTestId('chat-to').waitFor();
      await send(chair.page, 'Đã ghi nhận.');
      await expect.poll(() => texts(site.page), { timeout: 10_000 }).toEqual(['Đã ghi nhận.']);
    } finally {
      await delegate.close();
      await chair.close();
      await site.close();
    }
  });

  it('refuses an empty message and a flood, saying why', async () => {
    const m = await liveMeetingWithCommune();
    const site = await openAs(browser, app.url, 'diemcau.tamhop', `/meetings/${m.id}/bridge`);
    try {
      await send(site.page, '   ');
      await expect
        .poll(() => site.page.getByTestId('chat-error').textContent())
        .toContain('Tin nhắn trống');
      for (let i = 1; i <= 5; i++) {
        await send(site.page, `Tin số ${i}`);
        await expect.poll(() => texts(site.page), { timeout: 10_000 }).toContain(`Tin số ${i}`);
      }
      await send(site.page, 'Tin số 6');
      await expect
        .poll(() => site.page.getByTestId('chat-error').textContent(), { timeout: 10_000 })
        .toContain('Bạn gửi quá nhanh');
      const stored = await c.chair.get<ChatList>(`/api/meetings/${m.id}/chat`);
      expect(stored.body.items.map((x) => x.text)).not.toContain('Tin số 6');
    } finally {
      await site.close();
    }
  });
});
