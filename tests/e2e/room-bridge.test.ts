import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Meeting } from '../../server/contracts/meetings';
import type { FloorState } from '../../server/contracts/speakers';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
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
  return { page, close: () => context.close() };
}

/** `expect.poll` with a deadline that suits a shared 2-core machine (the default is 1 s). */
function eventually<T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) {
  return expect.poll(fn, { timeout: opts.timeout ?? 10_000 });
}

/** Width of the video shown in `selector` (0 while no frame has been decoded). */
function videoWidth(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const v = document.querySelector<HTMLVideoElement>(sel);
    return v ? v.videoWidth : 0;
  }, selector);
}

describe('bridge view (real livekit-server, Chromium with fake media)', () => {
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

  async function liveMeetingWithCommune(): Promise<Meeting> {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled' });
    const inv = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
      kind: 'unit',
      unitId: dir.unitId('VP-249-11'),
      as: 'site',
      operatorId: dir.userId('diemcau.tamhop'),
    });
    expect(inv.status).toBe(200);
    expect(
      (await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' })).status,
    ).toBe(200);
    return meeting;
  }

  it('a commune site joins the bridge with fake media and, given the floor, the chair sees its video; audio only, removing and letting back in, and ending the bridge work from the screens', async () => {
    const meeting = await liveMeetingWithCommune();
    const site = await openAs(browser, app.url, 'diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    const chairBridge = await openAs(browser, app.url, 'chutich', `/meetings/${meeting.id}/bridge`);
    const chairConsole = await openAs(browser, app.url, 'chutich', `/meetings/${meeting.id}/chair`);
    try {
      for (const p of [site.page, chairBridge.page])
        await p
          .locator('[data-testid="bridge"][data-status="connected"]')
          .waitFor({ timeout: 30_000 });
      // The site sees itself (its own camera preview) and the chair as the programme.
      await eventually(() => videoWidth(site.page, '.preview video'), {
        timeout: 15_000,
      }).toBeGreaterThan(0);
      const chairId = dir.userId('chutich');
      await site.page
        .locator(`[data-testid="programme"][data-identity="user:${chairId}"]`)
        .waitFor({ timeout: 15_000 });
      await eventually(() => videoWidth(site.page, '[data-testid="programme"] video'), {
        timeout: 15_000,
      }).toBeGreaterThan(0);

      // The chair's console lists the site as connected in the roll call.
      await eventually(() => chairConsole.page.getByTestId('roll-counts').textContent(), {
        timeout: 20_000,
      }).toContain('Đã kết nối 1');

      // The site asks for the floor from the bridge; the chair gives it from the queue.
      await site.page.getByTestId('bridge-floor-request').click();
      const entry = await waitFor(async () => {
        const f = await c.chair.get<FloorState>(`/api/meetings/${meeting.id}/floor`);
        return f.body.queue.find((e) => e.speaker.kind === 'site');
      }, 'the site in the floor queue');
      await chairConsole.page.getByTestId(`floor-grant-${entry.id}`).click();
      await site.page.getByTestId('on-air').waitFor({ timeout: 15_000 });

      // The chair's bridge shows the commune site large, with its video playing.
      const programme = '[data-testid="programme"][data-identity="site:VP-249-11"]';
      await chairBridge.page.locator(programme).waitFor({ timeout: 20_000 });
      await eventually(() => videoWidth(chairBridge.page, `${programme} video`), {
        timeout: 20_000,
      }).toBeGreaterThan(0);
      expect(must(await chairBridge.page.getByTestId('programme-name').textContent())).toContain(
        'Tam Hợp',
      );
      expect(browser.blockedRequests).toEqual([]);
      expect(await seriousViolations(site.page)).toEqual([]);
      expect(await seriousViolations(chairBridge.page)).toEqual([]);

      // The hall's big screen (here the secretary's browser) shows the same programme, no chrome.
      const hall = await openAs(browser, app.url, 'thuky', `/meetings/${meeting.id}/hall`);
      try {
        await hall.page.locator(programme).waitFor({ timeout: 20_000 });
        await eventually(() => videoWidth(hall.page, `${programme} video`), {
          timeout: 20_000,
        }).toBeGreaterThan(0);
        expect(await hall.page.locator('header').count()).toBe(0);
      } finally {
        await hall.close();
      }

      // A weak commune link switches to audio only: the site stops receiving video (the
      // programme shows no picture) and stays connected; switching back brings the picture back.
      const programmeVideo = site.page.locator('[data-testid="programme"] video');
      await site.page.getByTestId('audio-only').click();
      await eventually(() => programmeVideo.count()).toBe(0);
      expect(await site.page.getByTestId('bridge').getAttribute('data-status')).toBe('connected');
      await site.page.getByTestId('audio-only').click();
      await eventually(() => videoWidth(site.page, '[data-testid="programme"] video'), {
        timeout: 20_000,
      }).toBeGreaterThan(0);

      // The chair removes the commune from the bridge: it is disconnected, cannot rejoin on its
      // own, and is listed until the chair lets it back in.
      await chairConsole.page.getByRole('button', { name: /^Mời ra: điểm cầu/ }).click();
      await site.page
        .locator('[data-testid="bridge"][data-status="ended"]')
        .waitFor({ timeout: 20_000 });
      const refused = await c.opTamHop.post<{ error: { code: string } }>(
        `/api/meetings/${meeting.id}/conference/token`,
        {},
      );
      expect(refused.body.error.code).toBe('removed_from_conference');
      await chairConsole.page.getByTestId('readmit-site:VP-249-11').click({ timeout: 15_000 });
      await eventually(() => chairConsole.page.getByTestId('conference-removed').count()).toBe(0);
      await site.page.getByTestId('bridge-join-again').click();
      await site.page
        .locator('[data-testid="bridge"][data-status="connected"]')
        .waitFor({ timeout: 30_000 });

      // The chair ends the video bridge (the meeting goes on): the site is told it has ended.
      await chairConsole.page.getByTestId('conference-end').click();
      await chairConsole.page
        .locator('.el-popconfirm')
        .getByRole('button', { name: 'Kết thúc cầu truyền hình' })
        .click();
      await chairConsole.page.getByTestId('conference-ended').waitFor({ timeout: 15_000 });
      await site.page
        .locator('[data-testid="bridge"][data-status="ended"]')
        .waitFor({ timeout: 20_000 });
      expect((await c.chair.get<Meeting>(`/api/meetings/${meeting.id}`)).body.state).toBe('live');
      await chairConsole.page.getByTestId('conference-reopen').click();
      await chairConsole.page.getByTestId('conference-end').waitFor({ timeout: 15_000 });
    } finally {
      await site.close();
      await chairBridge.close();
      await chairConsole.close();
    }
  });
});
