import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Meeting } from '../../server/contracts/meetings';
import type { FloorState } from '../../server/contracts/speakers';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { DEVICE_STORAGE_KEY } from '../../client/src/live/device-memory';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';
import { bridgeConnected, joinBridge } from './bridge-ui';

// Chromium's fake devices (--use-fake-device-for-media-stream): three microphones, one camera,
// three speakers; --use-fake-ui-for-media-stream also answers getDisplayMedia with a fake screen.
const SECOND_MIC = 'Fake Audio Input 2';
const SECOND_SPEAKER = 'Fake Audio Output 2';

/** The hub's identity: the host unit of the test meetings is the province (unit 26). */
const HUB = 'site:26';
const TAM_HOP = 'site:VP-249-11';

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

/** How far the content under `root` reaches past the right edge of the window (0: it fits). */
function overflowRight(page: Page, root: string): Promise<number> {
  return page.evaluate((sel) => {
    const width = document.documentElement.clientWidth;
    const all = [...document.querySelectorAll(`${sel}, ${sel} *`)];
    const right = Math.max(...all.map((e) => e.getBoundingClientRect().right));
    return Math.max(0, Math.ceil(right - width));
  }, root);
}

const stage = (identity: string) =>
  `[data-testid="screen-share-stage"][data-identity="${identity}"]`;

const connected = bridgeConnected;

describe('screen sharing and the device check (real livekit-server, Chromium with fake media)', () => {
  let app: TestApp;
  let browser: TestBrowser & { blockedRequests: string[] };
  let c: DemoClients;
  let dir: Directory;
  const open: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    c = await demoClients(app.url);
    dir = await directory(c.admin);
  });
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((close) => close()));
  });
  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  /** Logs in through the login screen and opens `path`; closed after the test. */
  async function openAs(
    username: string,
    path: string,
    opts: { viewport?: { width: number; height: number }; noScreenCapture?: boolean } = {},
  ): Promise<Page> {
    const { page, context } = await browser.newPage(
      opts.viewport ? { viewport: opts.viewport } : {},
    );
    open.push(() => context.close());
    if (opts.noScreenCapture) {
      // A phone browser: no getDisplayMedia.
      await context.addInitScript(() => {
        Object.defineProperty(MediaDevices.prototype, 'getDisplayMedia', { value: undefined });
      });
    }
    await page.goto(app.url + '/login');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('welcome').waitFor();
    await page.goto(app.url + path);
    return page;
  }

  /** A live meeting with the commune Tam Hợp as a site (run by its site operators). */
  async function liveMeetingWithSite(): Promise<Meeting> {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled', delegates: ['daibieu1'] });
    const inv = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
      kind: 'unit',
      unitId: dir.unitId('VP-249-11'),
      as: 'site',
    });
    expect(inv.status).toBe(200);
    const res = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
    expect(res.status).toBe(200);
    return meeting;
  }

  async function consoleWithHubOnAir(meeting: Meeting): Promise<Page> {
    const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`);
    await chair.getByTestId('hub-put-on-air').click();
    await chair
      .locator('[data-testid="hub-on-air"][data-on-air="yes"]')
      .waitFor({ timeout: 30_000 });
    return chair;
  }

  /** Picks `label` in the Element Plus select `testId` of `page`. */
  async function choose(page: Page, testId: string, label: string): Promise<void> {
    await page.getByTestId(testId).click();
    await page
      .locator('.el-select-dropdown__item:visible')
      .filter({ hasText: new RegExp(`^${label}$`) })
      .click();
    await eventually(() => page.getByTestId(testId).textContent()).toContain(label);
  }

  it('the chair shares a screen from the console and a site sees it large with the speaker beside it', async () => {
    const meeting = await liveMeetingWithSite();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    await joinBridge(site);
    const chair = await consoleWithHubOnAir(meeting);

    // From the keyboard: the browser counts Enter as the user gesture screen capture needs.
    await chair.getByTestId('share-screen').focus();
    await chair.keyboard.press('Enter');
    await chair
      .locator('[data-testid="screen-share"][data-sharing="yes"]')
      .waitFor({ timeout: 20_000 });
    await site.locator(stage(HUB)).waitFor({ timeout: 20_000 });
    const screen = `${stage(HUB)} [data-testid="shared-screen"] video`;
    await eventually(() => videoWidth(site, screen), { timeout: 20_000 }).toBeGreaterThan(0);
    // The speaker (here the hub's camera) beside it, smaller.
    const speaker = site.locator(`${stage(HUB)} [data-testid="share-speaker"]`);
    expect(await speaker.getAttribute('data-identity')).toBe(HUB);
    const big = await site.locator(`${stage(HUB)} [data-testid="shared-screen"]`).boundingBox();
    const small = await speaker.boundingBox();
    expect(big && small && big.width > small.width * 2).toBe(true);
    expect(await seriousViolations(site)).toEqual([]);
    expect(await seriousViolations(chair)).toEqual([]);

    await chair.getByTestId('share-screen').click();
    await chair
      .locator('[data-testid="screen-share"][data-sharing="no"]')
      .waitFor({ timeout: 20_000 });
    await eventually(() => site.locator(stage(HUB)).count(), { timeout: 20_000 }).toBe(0);
    expect(browser.blockedRequests).toEqual([]);
  });

  it('a site shares only while it holds the floor, and its share stops when the floor ends', async () => {
    const meeting = await liveMeetingWithSite();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    await joinBridge(site);
    const chair = await consoleWithHubOnAir(meeting);
    // Without the floor the button is off and says why.
    await expect.poll(() => site.getByTestId('share-screen').isDisabled()).toBe(true);
    expect(await site.getByTestId('share-screen-hint').textContent()).toContain(
      'người đang được phát biểu',
    );

    await site.getByTestId('bridge-floor-request').click();
    const entry = await waitFor(async () => {
      const f = await c.chair.get<FloorState>(`/api/meetings/${meeting.id}/floor`);
      return f.body.queue.find((e) => e.speaker.kind === 'site');
    }, 'the site in the floor queue');
    await chair.getByTestId(`floor-grant-${entry.id}`).click();
    await site.getByTestId('on-air').waitFor({ timeout: 15_000 });
    await eventually(() => site.getByTestId('share-screen').isEnabled()).toBe(true);
    await site.getByTestId('share-screen').click();
    await site
      .locator('[data-testid="screen-share"][data-sharing="yes"]')
      .waitFor({ timeout: 20_000 });
    // The console shows the site's screen with the site (the floor holder) as the speaker.
    const onConsole = `[data-testid="chair-hub"] ${stage(TAM_HOP)}`;
    await chair.locator(onConsole).waitFor({ timeout: 20_000 });
    // Below the fold on a laptop: LiveKit sends no picture to a video nobody can see.
    await chair.locator(onConsole).scrollIntoViewIfNeeded();
    await eventually(() => videoWidth(chair, `${onConsole} [data-testid="shared-screen"] video`), {
      timeout: 20_000,
    }).toBeGreaterThan(0);

    await chair.getByTestId(`floor-end-${entry.id}`).click();
    await eventually(() => chair.locator(onConsole).count(), { timeout: 20_000 }).toBe(0);
    await site
      .locator('[data-testid="screen-share"][data-sharing="no"]')
      .waitFor({ timeout: 20_000 });
    await eventually(() => site.getByTestId('share-screen').isDisabled()).toBe(true);
  });

  it('the device check before going on air shows a moving level meter, the camera picture and plays a test sound', async () => {
    const meeting = await liveMeetingWithSite();
    const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`);
    await chair.getByTestId('device-check-toggle').click();
    await chair.getByTestId('device-check').waitFor();
    const levels = new Set<string>();
    await eventually(
      async () => {
        levels.add((await chair.getByTestId('mic-level').getAttribute('data-level')) ?? '0');
        return [...levels].filter((l) => l !== '0').length;
      },
      { timeout: 15_000 },
    ).toBeGreaterThanOrEqual(2);
    await eventually(() => videoWidth(chair, '[data-testid="check-preview"]'), {
      timeout: 15_000,
    }).toBeGreaterThan(0);
    await chair.getByTestId('test-sound').click();
    await chair.locator('[data-testid="test-sound"][data-playing="yes"]').waitFor();
    await chair.locator('[data-testid="test-sound"][data-playing="no"]').waitFor();
    expect(await chair.getByTestId('device-check-failure').count()).toBe(0);
    expect(await seriousViolations(chair)).toEqual([]);
    // Audio only is one switch away: the camera goes off in the check.
    await chair.getByTestId('check-audio-only').click();
    await eventually(() => chair.getByTestId('check-preview').count()).toBe(0);
    // Checking put nothing on air; the hub goes on air on the button, and the check closes.
    expect(await chair.getByTestId('hub-on-air').getAttribute('data-on-air')).toBe('no');
    await chair.getByTestId('hub-put-on-air').click();
    await chair
      .locator('[data-testid="hub-on-air"][data-on-air="yes"]')
      .waitFor({ timeout: 30_000 });
    expect(await chair.getByTestId('device-check').count()).toBe(0);
  });

  it('the chosen microphone and speaker are remembered after a reload', async () => {
    const meeting = await liveMeetingWithSite();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    await joinBridge(site);
    await site.getByTestId('device-check-toggle').click();
    await eventually(() => site.getByTestId('check-mic').textContent()).toContain('Fake');
    await choose(site, 'check-mic', SECOND_MIC);
    await choose(site, 'check-speaker', SECOND_SPEAKER);
    // The check now listens to the chosen microphone.
    await eventually(() =>
      site.evaluate(() => {
        const v = document.querySelector('[data-testid="check-preview"]');
        const s = (v as HTMLVideoElement | null)?.srcObject as MediaStream | null;
        return s?.getAudioTracks()[0]?.label ?? '';
      }),
    ).toBe(SECOND_MIC);

    await site.reload();
    await connected(site);
    expect(await site.getByTestId('bridge-mic').textContent()).toContain(SECOND_MIC);
    await site.getByTestId('device-check-toggle').click();
    await eventually(() => site.getByTestId('check-mic').textContent()).toContain(SECOND_MIC);
    expect(await site.getByTestId('check-speaker').textContent()).toContain(SECOND_SPEAKER);
    const stored = await site.evaluate((key) => localStorage.getItem(key), DEVICE_STORAGE_KEY);
    expect(JSON.parse(stored ?? '{}')).toMatchObject({
      audioinput: { label: SECOND_MIC },
      audiooutput: { label: SECOND_SPEAKER },
    });
  });

  it('on a phone without screen capture the share button is off and says why; the check fits 360 px', async () => {
    const meeting = await liveMeetingWithSite();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`, {
      viewport: { width: 360, height: 640 },
      noScreenCapture: true,
    });
    await joinBridge(site);
    expect(await site.getByTestId('share-screen').isDisabled()).toBe(true);
    expect(await site.getByTestId('share-screen-hint').textContent()).toContain(
      'không chia sẻ được màn hình',
    );
    await site.getByTestId('device-check-toggle').click();
    await site.getByTestId('device-check').waitFor();
    expect(await overflowRight(site, '[data-testid="bridge"]')).toBe(0);
    expect(await seriousViolations(site)).toEqual([]);
  });
});
