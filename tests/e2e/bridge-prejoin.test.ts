import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ConferenceRollCall } from '../../server/contracts/conference';
import type { Meeting } from '../../server/contracts/meetings';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { videoWidth } from './meetings-ui';

// Chromium's fake devices (--use-fake-device-for-media-stream): three microphones, one camera.
const SECOND_MIC = 'Fake Audio Input 2';
const TAM_HOP = 'site:VP-249-11';

function eventually<T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) {
  return expect.poll(fn, { timeout: opts.timeout ?? 10_000 });
}

const connected = (page: Page) =>
  page.locator('[data-testid="bridge"][data-status="connected"]').waitFor({ timeout: 30_000 });

/**
 * The site operator's step before the bridge: the device check comes first on a browser that
 * remembers no devices, nothing joins until the operator confirms, and a browser that
 * remembers devices still plugged in joins by itself with the check one click away.
 */
describe('the device check before a site joins the bridge (Chromium with fake media)', () => {
  let app: TestApp;
  let browser: TestBrowser;
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

  /** Logs in through the login screen; the context is closed after the test. */
  async function login(
    username: string,
    viewport = { width: 1366, height: 768 },
  ): Promise<{ page: Page; newTab: () => Promise<Page> }> {
    const { page, context } = await browser.newPage({ viewport });
    open.push(() => context.close());
    await page.goto(app.url + '/login');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('welcome').waitFor();
    return { page, newTab: () => context.newPage() };
  }

  /** A meeting with the commune Tam Hợp as a site, live unless asked otherwise. */
  async function meetingWithTamHop(state: 'live' | 'scheduled' = 'live'): Promise<Meeting> {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled', delegates: ['daibieu1'] });
    const inv = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
      kind: 'unit',
      unitId: dir.unitId('VP-249-11'),
      as: 'site',
    });
    expect(inv.status).toBe(200);
    if (state === 'live') {
      const res = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
      expect(res.status).toBe(200);
    }
    return meeting;
  }

  /** Opens the bridge from the meetings list, as an operator does. */
  async function bridgeFromList(page: Page, meeting: Meeting): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Menu chính' })
      .getByRole('link', { name: 'Cuộc họp' })
      .click();
    const row = page.getByTestId('meetings-table').locator('tr', { hasText: meeting.title });
    await row.getByTestId('entry-bridge').click();
    await page.getByTestId('bridge').waitFor();
  }

  /** Whether the chair's roll call lists Tam Hợp as connected. */
  async function tamHopConnected(meeting: Meeting): Promise<boolean> {
    const res = await c.chair.get<ConferenceRollCall>(
      `/api/meetings/${meeting.id}/conference/roll-call`,
    );
    expect(res.status).toBe(200);
    return res.body.sites.some((s) => s.identity === TAM_HOP && s.status === 'connected');
  }

  /** Distinct non-zero readings of the level meter (the fake microphone beeps). */
  async function meterMoves(page: Page): Promise<void> {
    const levels = new Set<string>();
    await eventually(
      async () => {
        levels.add((await page.getByTestId('mic-level').getAttribute('data-level')) ?? '0');
        return [...levels].filter((l) => l !== '0').length;
      },
      { timeout: 15_000 },
    ).toBeGreaterThanOrEqual(2);
  }

  it('a site operator from the meetings list checks microphone, camera and speaker, and joins only on confirming', async () => {
    const meeting = await meetingWithTamHop();
    const { page } = await login('diemcau.tamhop');
    const prefix = `/api/meetings/${meeting.id}`;
    const asked: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith(prefix)) asked.push(path.slice(prefix.length));
    });
    await bridgeFromList(page, meeting);
    await page.getByTestId('bridge-prejoin').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('prejoin-site').textContent()).toContain('Tam Hợp');
    await meterMoves(page);
    await eventually(() => videoWidth(page, '[data-testid="check-preview"]'), {
      timeout: 15_000,
    }).toBeGreaterThan(0);
    await page.getByTestId('test-sound').click();
    await page.locator('[data-testid="test-sound"][data-playing="yes"]').waitFor();
    await page.locator('[data-testid="test-sound"][data-playing="no"]').waitFor();
    expect(await page.getByTestId('device-check-failure').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Checked for seconds, still not on the bridge: no programme, the chair sees no site.
    expect(await page.getByTestId('bridge').getAttribute('data-status')).toBe('idle');
    expect(await page.getByTestId('programme').count()).toBe(0);
    expect(await tamHopConnected(meeting)).toBe(false);

    // A chat message started while checking is still there on the bridge.
    await page.getByTestId('chat-input').fill('Xin chào');
    await page.getByTestId('bridge-join').click();
    await connected(page);
    expect(await page.getByTestId('bridge-prejoin').count()).toBe(0);
    expect(await page.getByTestId('chat-input').inputValue()).toBe('Xin chào');
    // The operator has no seat in the room: no link there.
    expect(await page.getByRole('link', { name: 'Phòng họp' }).count()).toBe(0);
    await eventually(() => tamHopConnected(meeting), { timeout: 20_000 }).toBe(true);
    // The site's own camera on the bridge.
    await eventually(() => videoWidth(page, '.preview video'), { timeout: 15_000 }).toBeGreaterThan(
      0,
    );
    // The bridge opened with the snapshot and the stream; joining asked for its media token.
    expect(asked.sort()).toEqual(['/conference/token', '/live', '/live/state']);
  });

  it('devices chosen in the check are remembered: the next visit joins by itself, the check one click away', async () => {
    const meeting = await meetingWithTamHop();
    const { page, newTab } = await login('diemcau.tamhop');
    await bridgeFromList(page, meeting);
    await page.getByTestId('bridge-prejoin').waitFor({ timeout: 15_000 });
    await eventually(() => page.getByTestId('check-mic').textContent()).toContain('Fake');
    await page.getByTestId('check-mic').click();
    await page
      .locator('.el-select-dropdown__item:visible')
      .filter({ hasText: new RegExp(`^${SECOND_MIC}$`) })
      .click();
    await eventually(() => page.getByTestId('check-mic').textContent()).toContain(SECOND_MIC);
    await page.getByTestId('bridge-join').click();
    await connected(page);
    await page.close();

    // Another visit on this browser: no check in the way, the remembered microphone in use.
    const again = await newTab();
    await again.goto(app.url + `/meetings/${meeting.id}/bridge`);
    await connected(again);
    expect(await again.getByTestId('bridge-prejoin').count()).toBe(0);
    expect(await again.getByTestId('bridge-mic').textContent()).toContain(SECOND_MIC);
    await eventually(() => tamHopConnected(meeting), { timeout: 20_000 }).toBe(true);
    await again.getByTestId('device-check-toggle').click();
    await again.getByTestId('device-check').waitFor();
    await eventually(() => again.getByTestId('check-mic').textContent()).toContain(SECOND_MIC);
    await meterMoves(again);
  });

  it('audio only chosen in the check keeps the camera off on the bridge', async () => {
    const meeting = await meetingWithTamHop();
    const { page } = await login('diemcau.tamhop', { width: 390, height: 844 });
    await bridgeFromList(page, meeting);
    await page.getByTestId('bridge-prejoin').waitFor({ timeout: 15_000 });
    // On a phone the check (camera picture included) is taller than the screen: the join
    // button stays in view.
    await page.getByTestId('check-preview').waitFor();
    const box = await page.getByTestId('bridge-join').boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 844).toBe(true);
    await page.getByTestId('check-audio-only').click();
    await eventually(() => page.getByTestId('check-preview').count()).toBe(0);
    await page.getByTestId('bridge-join').click();
    await connected(page);
    expect(await page.getByTestId('audio-only').getAttribute('class')).toContain('is-checked');
    await eventually(() => tamHopConnected(meeting), { timeout: 20_000 }).toBe(true);
    expect(await page.locator('.preview video').count()).toBe(0);
  });

  it('before the start the operator checks and confirms; the site joins when the chair starts', async () => {
    const meeting = await meetingWithTamHop('scheduled');
    const { page } = await login('diemcau.tamhop');
    await bridgeFromList(page, meeting);
    await page.getByTestId('bridge-prejoin').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('bridge-join').textContent()).toContain('Sẵn sàng');
    await meterMoves(page);
    await page.getByTestId('bridge-join').click();
    await eventually(() => page.getByTestId('bridge-unavailable').textContent(), {
      timeout: 15_000,
    }).toContain('Cuộc họp chưa bắt đầu');

    const chair = (await login('chutich')).page;
    await chair.goto(app.url + `/meetings/${meeting.id}/chair`);
    await chair.getByTestId('meeting-start').click();
    await connected(page);
    await eventually(() => tamHopConnected(meeting), { timeout: 20_000 }).toBe(true);
  });
});
