import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Meeting, Site } from '../../server/contracts/meetings';
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

/** The hub's identity: the host unit of the test meetings is the province (unit 26). */
const HUB = '[data-testid="programme"][data-identity="site:26"]';
const TAM_HOP = '[data-testid="programme"][data-identity="site:VP-249-11"]';

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

/** Camera and microphone tracks the page opened that are still live (see the init script). */
function liveLocalTracks(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window as unknown as { __dhTracks: MediaStreamTrack[] }).__dhTracks.filter(
        (t) => t.readyState === 'live',
      ).length,
  );
}

/**
 * How far the screen's own content (under `root`) reaches past the right edge of the window, 0
 * when it fits. The app shell around it is checked by the cross-screen layout test.
 */
function overflowRight(page: Page, root: string): Promise<number> {
  return page.evaluate((sel) => {
    const width = document.documentElement.clientWidth;
    const all = [...document.querySelectorAll(`${sel}, ${sel} *`)];
    const right = Math.max(...all.map((e) => e.getBoundingClientRect().right));
    return Math.max(0, Math.ceil(right - width));
  }, root);
}

const connected = (page: Page) =>
  page.locator('[data-testid="bridge"][data-status="connected"]').waitFor({ timeout: 30_000 });

describe('bridge view and chair console (real livekit-server, Chromium with fake media)', () => {
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

  /** Logs in through the login screen and opens `path`; recorded to be closed after the test. */
  async function openAs(
    username: string,
    path: string,
    viewport?: { width: number; height: number },
  ): Promise<Page> {
    const { page, context } = await browser.newPage(viewport ? { viewport } : {});
    open.push(() => context.close());
    // Every camera and microphone track the page opens, to check that it releases them.
    await context.addInitScript(() => {
      const tracks: MediaStreamTrack[] = [];
      (window as unknown as { __dhTracks: MediaStreamTrack[] }).__dhTracks = tracks;
      const devices = navigator.mediaDevices;
      const getUserMedia = devices.getUserMedia.bind(devices);
      devices.getUserMedia = async (constraints) => {
        const stream = await getUserMedia(constraints);
        tracks.push(...stream.getTracks());
        return stream;
      };
    });
    await page.goto(app.url + '/login');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('welcome').waitFor();
    await page.goto(app.url + path);
    return page;
  }

  /**
   * A meeting with the communes Tam Hợp (and Vĩnh Yên when asked) as sites, added without naming
   * an operator: the unit's site operators run them.
   */
  async function meetingWithSites(
    opts: { state?: 'scheduled' | 'live'; vinhYen?: boolean } = {},
  ): Promise<{ meeting: Meeting; tamHop: Site; vinhYen: Site | null }> {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled', delegates: ['daibieu1'] });
    for (const code of opts.vinhYen ? ['VP-249-11', '243'] : ['VP-249-11']) {
      const inv = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
        kind: 'unit',
        unitId: dir.unitId(code),
        as: 'site',
      });
      expect(inv.status).toBe(200);
    }
    if ((opts.state ?? 'live') === 'live') {
      const res = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
      expect(res.status).toBe(200);
    }
    const sites = (await c.secretary.get<Site[]>(`/api/meetings/${meeting.id}/sites`)).body;
    return {
      meeting,
      tamHop: must(sites.find((s) => s.unitId === dir.unitId('VP-249-11'))),
      vinhYen: sites.find((s) => s.unitId === dir.unitId('243')) ?? null,
    };
  }

  /** The chair's console with the hub put on air from it (no second tab). */
  async function consoleWithHubOnAir(meeting: Meeting): Promise<Page> {
    const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`);
    await chair.getByTestId('hub-put-on-air').click();
    await chair
      .locator('[data-testid="hub-on-air"][data-on-air="yes"]')
      .waitFor({ timeout: 30_000 });
    return chair;
  }

  async function siteRequestsAndIsGranted(meeting: Meeting, site: Page, chair: Page) {
    await site.getByTestId('bridge-floor-request').click();
    const entry = await waitFor(async () => {
      const f = await c.chair.get<FloorState>(`/api/meetings/${meeting.id}/floor`);
      return f.body.queue.find((e) => e.speaker.kind === 'site');
    }, 'the site in the floor queue');
    await chair.getByTestId(`floor-grant-${entry.id}`).click();
    await site.getByTestId('on-air').waitFor({ timeout: 15_000 });
  }

  it('the chair puts the hub on air from the console and the site sees it without a second chair tab', async () => {
    const { meeting } = await meetingWithSites();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    await connected(site);
    await eventually(() => videoWidth(site, '.preview video'), { timeout: 15_000 }).toBeGreaterThan(
      0,
    );
    const chair = await consoleWithHubOnAir(meeting);
    await site.locator(HUB).waitFor({ timeout: 20_000 });
    await eventually(() => videoWidth(site, `${HUB} video`), { timeout: 20_000 }).toBeGreaterThan(
      0,
    );
    // The console lists the site as connected in the roll call.
    await eventually(() => chair.getByTestId('roll-counts').textContent(), {
      timeout: 20_000,
    }).toContain('Đã kết nối 1');
    expect(browser.blockedRequests).toEqual([]);
    expect(await seriousViolations(site)).toEqual([]);
    expect(await seriousViolations(chair)).toEqual([]);
  });

  it('given the floor from the queue, the site is shown large on the chair’s bridge with its video', async () => {
    const { meeting } = await meetingWithSites();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    const chairBridge = await openAs('chutich', `/meetings/${meeting.id}/bridge`);
    const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`);
    await connected(site);
    await connected(chairBridge);
    await siteRequestsAndIsGranted(meeting, site, chair);
    await chairBridge.locator(TAM_HOP).waitFor({ timeout: 20_000 });
    await eventually(() => videoWidth(chairBridge, `${TAM_HOP} video`), {
      timeout: 20_000,
    }).toBeGreaterThan(0);
    expect(must(await chairBridge.getByTestId('programme-name').textContent())).toContain(
      'Tam Hợp',
    );
  });

  it('the hall screen shows the programme without any chrome', async () => {
    const { meeting } = await meetingWithSites();
    await consoleWithHubOnAir(meeting);
    const hall = await openAs('thuky', `/meetings/${meeting.id}/hall`);
    await hall.locator(HUB).waitFor({ timeout: 20_000 });
    await eventually(() => videoWidth(hall, `${HUB} video`), { timeout: 20_000 }).toBeGreaterThan(
      0,
    );
    expect(await hall.locator('header').count()).toBe(0);
  });

  it('audio only stops the incoming video and keeps the site connected; switching back brings it back', async () => {
    const { meeting } = await meetingWithSites();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    await connected(site);
    await consoleWithHubOnAir(meeting);
    await eventually(() => videoWidth(site, `${HUB} video`), { timeout: 20_000 }).toBeGreaterThan(
      0,
    );
    await site.getByTestId('audio-only').click();
    await eventually(() => site.locator('[data-testid="programme"] video').count()).toBe(0);
    expect(await site.getByTestId('bridge').getAttribute('data-status')).toBe('connected');
    await site.getByTestId('audio-only').click();
    await eventually(() => videoWidth(site, `${HUB} video`), { timeout: 20_000 }).toBeGreaterThan(
      0,
    );
  });

  it('a site the chair removes cannot rejoin until the chair lets it back in', async () => {
    const { meeting } = await meetingWithSites();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`);
    await connected(site);
    await chair.getByRole('button', { name: /^Mời ra: điểm cầu/ }).click({ timeout: 20_000 });
    await site.locator('[data-testid="bridge"][data-status="ended"]').waitFor({ timeout: 20_000 });
    const refused = await c.opTamHop.post<{ error: { code: string } }>(
      `/api/meetings/${meeting.id}/conference/token`,
      {},
    );
    expect(refused.body.error.code).toBe('removed_from_conference');
    await chair.getByTestId('readmit-site:VP-249-11').click({ timeout: 15_000 });
    await eventually(() => chair.getByTestId('conference-removed').count()).toBe(0);
    await site.getByTestId('bridge-join-again').click();
    await connected(site);
  });

  it('ending the bridge while the meeting goes on tells the site, and the chair can reopen it', async () => {
    const { meeting } = await meetingWithSites();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`);
    await connected(site);
    await chair.getByTestId('conference-end').click({ timeout: 20_000 });
    await chair
      .locator('.el-popconfirm')
      .getByRole('button', { name: 'Kết thúc cầu truyền hình' })
      .click();
    await chair.getByTestId('conference-ended').waitFor({ timeout: 15_000 });
    await site.locator('[data-testid="bridge"][data-status="ended"]').waitFor({ timeout: 20_000 });
    expect((await c.chair.get<Meeting>(`/api/meetings/${meeting.id}`)).body.state).toBe('live');
    await chair.getByTestId('conference-reopen').click();
    await chair.getByTestId('conference-end').waitFor({ timeout: 15_000 });
  });

  it('everyone sees who is muted: the floor holder mutes and unmutes itself, the chair mutes it and asks it to unmute', async () => {
    const { meeting, tamHop } = await meetingWithSites();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`);
    const hall = await openAs('thuky', `/meetings/${meeting.id}/hall`);
    await connected(site);
    await siteRequestsAndIsGranted(meeting, site, chair);
    const own = site.getByTestId('own-microphone');
    const consoleMic = chair.getByTestId(`site-mic-${tamHop.id}`);
    const hallCaption = hall.locator(`${TAM_HOP} [data-testid="programme-name"]`);
    await eventually(() => own.getAttribute('data-microphone'), { timeout: 15_000 }).toBe('on');
    await eventually(() => consoleMic.getAttribute('data-microphone'), { timeout: 15_000 }).toBe(
      'on',
    );

    // The site mutes itself: the console and the hall screen show it muted.
    await site.getByTestId('bridge-mute').click();
    await eventually(() => consoleMic.getAttribute('data-microphone'), { timeout: 15_000 }).toBe(
      'muted',
    );
    await eventually(() => hallCaption.getAttribute('data-microphone'), { timeout: 15_000 }).toBe(
      'muted',
    );
    expect(await consoleMic.textContent()).toContain('Đã tắt micrô');
    await site.getByTestId('bridge-unmute').click();
    await eventually(() => consoleMic.getAttribute('data-microphone'), { timeout: 15_000 }).toBe(
      'on',
    );

    // The chair mutes it, then asks it to unmute; the site accepts.
    await chair.getByTestId(`site-mute-${tamHop.id}`).click();
    await eventually(() => own.getAttribute('data-microphone'), { timeout: 15_000 }).toBe('muted');
    await chair.getByTestId(`site-ask-unmute-${tamHop.id}`).click({ timeout: 15_000 });
    await site.getByTestId('unmute-request').waitFor({ timeout: 15_000 });
    await site.getByTestId('unmute-accept').click();
    await eventually(() => own.getAttribute('data-microphone'), { timeout: 15_000 }).toBe('on');
    await eventually(() => consoleMic.getAttribute('data-microphone'), { timeout: 15_000 }).toBe(
      'on',
    );
    await eventually(() => site.getByTestId('unmute-request').count()).toBe(0);
  });

  it("another site's floor request shows as waiting, with no position and no withdraw button", async () => {
    const { meeting } = await meetingWithSites({ vinhYen: true });
    const vinhYen = await openAs('diemcau.vinhyen', `/meetings/${meeting.id}/bridge`);
    const tamHop = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    await vinhYen.getByTestId('bridge-floor-request').click();
    await vinhYen.getByTestId('bridge-floor-withdraw').waitFor({ timeout: 15_000 });
    expect(await vinhYen.locator('.side').textContent()).toContain('Bạn đứng thứ 1/1');

    const waiting = tamHop.getByTestId('others-waiting');
    await eventually(() => waiting.textContent(), { timeout: 15_000 }).toContain('đang chờ');
    expect(await tamHop.locator('.side').textContent()).not.toContain('Bạn đứng thứ');
    expect(await tamHop.getByTestId('bridge-floor-withdraw').count()).toBe(0);
    expect(await tamHop.getByTestId('bridge-floor-request').isVisible()).toBe(true);
  });

  it('an operator of no site is told so, and a site waiting for the start joins when the chair starts', async () => {
    const { meeting } = await meetingWithSites({ state: 'scheduled' });
    const outsider = await openAs('diemcau.vinhyen', `/meetings/${meeting.id}/bridge`);
    await eventually(() => outsider.getByTestId('bridge-unavailable').textContent(), {
      timeout: 15_000,
    }).toContain('không phải người vận hành điểm cầu nào');

    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    await eventually(() => site.getByTestId('bridge-unavailable').textContent(), {
      timeout: 15_000,
    }).toContain('Cuộc họp chưa bắt đầu');
    // Waiting: the camera is not on.
    expect(await liveLocalTracks(site)).toBe(0);
    const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`);
    await chair.getByTestId('meeting-start').click();
    await connected(site);
  });

  it('after the end the console, the bridge and the hall screen show it, lose their live controls and release camera and microphone', async () => {
    const { meeting } = await meetingWithSites();
    const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`);
    await connected(site);
    const chair = await consoleWithHubOnAir(meeting);
    const hall = await openAs('thuky', `/meetings/${meeting.id}/hall`);
    await hall.locator(HUB).waitFor({ timeout: 20_000 });
    expect(await liveLocalTracks(site)).toBeGreaterThan(0);
    expect(await liveLocalTracks(chair)).toBeGreaterThan(0);

    // Live controls before the end, none after it.
    const liveControls = ['poll-form', 'hub-off-air', 'meeting-end', 'mute-all', 'chair-floor'];
    for (const id of liveControls) expect(await chair.getByTestId(id).count(), id).toBe(1);
    expect(await site.getByTestId('bridge-floor-request').count()).toBe(1);
    await chair.getByTestId('meeting-end').click();
    await chair
      .locator('.el-popconfirm')
      .getByRole('button', { name: 'Kết thúc cuộc họp' })
      .click();

    for (const page of [chair, site, hall]) {
      await page.getByTestId('meeting-over').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('meeting-over').textContent()).toContain(
        'Cuộc họp đã kết thúc',
      );
    }
    for (const id of [...liveControls, 'hub-put-on-air'])
      expect(await chair.getByTestId(id).count(), id).toBe(0);
    for (const id of ['bridge-join-again', 'bridge-retry', 'bridge-floor-request'])
      expect(await site.getByTestId(id).count(), id).toBe(0);
    await eventually(() => liveLocalTracks(site), { timeout: 15_000 }).toBe(0);
    await eventually(() => liveLocalTracks(chair), { timeout: 15_000 }).toBe(0);
    expect(await site.getByTestId('conference-status').textContent()).toContain('Đã kết thúc');
  });

  for (const viewport of [
    { width: 360, height: 640 },
    { width: 390, height: 844 },
  ]) {
    it(`the bridge view and the chair console fit ${viewport.width} px wide`, async () => {
      const { meeting } = await meetingWithSites();
      const site = await openAs('diemcau.tamhop', `/meetings/${meeting.id}/bridge`, viewport);
      await connected(site);
      expect(await overflowRight(site, '[data-testid="bridge"]')).toBe(0);
      const chair = await openAs('chutich', `/meetings/${meeting.id}/chair`, viewport);
      await chair.getByTestId('chair-sites').waitFor();
      await chair.getByTestId('roll-counts').waitFor({ timeout: 20_000 });
      expect(await overflowRight(chair, '[data-testid="chair-console"]')).toBe(0);
    });
  }

  it("a site's operators are named in the sites list and can be changed there", async () => {
    const { meeting, tamHop } = await meetingWithSites({ state: 'scheduled' });
    const page = await openAs('thuky', `/meetings/${meeting.id}`);
    const cell = page.getByTestId(`site-operators-${tamHop.id}`);
    await eventually(() => cell.textContent(), { timeout: 15_000 }).toContain('Đỗ Thị Hạnh');

    await cell.getByTestId('site-operators-edit').click();
    await cell.locator('.el-tag__close').first().click();
    await cell.getByTestId('site-operators-save').click();
    await eventually(() => cell.textContent(), { timeout: 15_000 }).toContain(
      'Chưa có người vận hành',
    );
    const cleared = (await c.secretary.get<Site[]>(`/api/meetings/${meeting.id}/sites`)).body;
    expect(must(cleared.find((s) => s.id === tamHop.id)).operators).toEqual([]);

    await cell.getByTestId('site-operators-edit').click();
    await cell.getByTestId('site-operators-select').click();
    // The unit's people, its site operators first and marked as such.
    await page.getByRole('option', { name: 'Đỗ Thị Hạnh · Vận hành điểm cầu' }).click();
    await cell.getByTestId('site-operators-save').click();
    await eventually(() => cell.textContent(), { timeout: 15_000 }).toContain('Đỗ Thị Hạnh');
    const saved = (await c.secretary.get<Site[]>(`/api/meetings/${meeting.id}/sites`)).body;
    expect(must(saved.find((s) => s.id === tamHop.id)).operators.map((o) => o.id)).toEqual([
      dir.userId('diemcau.tamhop'),
    ]);
  });
});
