import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConferenceRecording,
  ProgrammeRecordingStatus,
} from '../../server/contracts/conference';
import type { Meeting } from '../../server/contracts/meetings';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { ffprobe } from '../support/ffprobe';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { loggedInPage } from './meetings-ui';

// The chair records the programme from the console; a delegate finds the recording on the
// meeting page (reached from the meetings list) and downloads it: the file is the one stored,
// byte for byte (SHA-256 shown on the page), and plays as H.264 + AAC.

describe('meeting recordings on the meeting page (real livekit-server and ffmpeg)', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let c: DemoClients;
  let dir: Directory;
  let meeting: Meeting;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    c = await demoClients(app.url);
    dir = await directory(c.admin);
    meeting = await buildMeeting(c, dir, { state: 'live', delegates: ['daibieu1'] });
  });
  afterAll(async () => {
    await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'ended' });
    await browser.close();
    await app.stop();
  });

  const conf = (path: string): string => `/api/meetings/${meeting.id}/conference${path}`;

  async function rowOf(page: Page) {
    await page
      .getByRole('navigation', { name: 'Menu chính' })
      .getByRole('link', { name: 'Cuộc họp' })
      .click();
    const row = page.getByTestId('meetings-table').locator('tr', { hasText: meeting.title });
    await row.waitFor();
    return row;
  }

  it('the chair records the video from the console and a delegate downloads it intact from the meeting page', async () => {
    const chair = await loggedInPage(browser, app.url, 'chutich');
    try {
      const row = await rowOf(chair.page);
      await row.getByTestId('entry-chair').click();
      const toggle = chair.page.getByTestId('video-recording-toggle');
      await toggle.click();
      await expect
        .poll(
          async () =>
            (await c.chair.get<ProgrammeRecordingStatus>(conf('/video-recording'))).body.durationMs,
          { timeout: 30_000 },
        )
        .toBeGreaterThan(3_000);
      await expect.poll(() => toggle.textContent(), { timeout: 15_000 }).toContain('Dừng');
      await toggle.click();
      await expect
        .poll(
          async () => (await c.chair.get<ConferenceRecording[]>(conf('/recordings'))).body.length,
          { timeout: 90_000 },
        )
        .toBe(1);
    } finally {
      await chair.close();
    }
    const [stored] = (await c.chair.get<ConferenceRecording[]>(conf('/recordings'))).body;

    const delegate = await loggedInPage(browser, app.url, 'daibieu1');
    try {
      const row = await rowOf(delegate.page);
      await row.getByRole('link', { name: meeting.title }).click();
      const card = delegate.page.getByTestId('recordings-card');
      await card.getByText('Ghi hình (MP4)').waitFor();
      expect(await card.textContent()).toContain(stored?.sha256?.slice(0, 16));
      expect(await seriousViolations(delegate.page)).toEqual([]);
      const [download] = await Promise.all([
        delegate.page.waitForEvent('download'),
        card.getByTestId('recording-download').click(),
      ]);
      const path = await download.path();
      const bytes = await readFile(path);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored?.sha256);
      const probed = ffprobe(path);
      expect(probed.streams.map((st) => st.codec_name).sort()).toEqual(['aac', 'h264']);
      expect(probed.durationSec).toBeGreaterThan(2);
    } finally {
      await delegate.close();
    }
  });

  it('on a phone (360 px) each recording is listed with a download button on the screen', async () => {
    const [stored] = (await c.chair.get<ConferenceRecording[]>(conf('/recordings'))).body;
    const { page, context } = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      await page.goto(app.url + '/login');
      await page.getByTestId('login-username').fill('daibieu1');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('welcome').waitFor();
      await page.goto(`${app.url}/meetings/${meeting.id}`);
      const card = page.getByTestId('recordings-card');
      const button = card.getByTestId('recording-download');
      await button.waitFor();
      expect(await card.textContent()).toContain(stored?.sha256);
      await button.scrollIntoViewIfNeeded();
      const box = await button.boundingBox();
      expect(box).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
      expect(box?.height).toBeGreaterThanOrEqual(24);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        360,
      );
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      const bytes = await readFile(await download.path());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored?.sha256);
    } finally {
      await context.close();
    }
  });

  it('someone outside the meeting sees no recordings card', async () => {
    const outsider = await loggedInPage(browser, app.url, 'daibieu3');
    try {
      await outsider.page.goto(`${app.url}/meetings/${meeting.id}`);
      await outsider.page
        .getByTestId('meeting-heading')
        .or(outsider.page.getByRole('alert'))
        .first()
        .waitFor();
      expect(await outsider.page.getByTestId('recordings-card').count()).toBe(0);
    } finally {
      await outsider.close();
    }
  });
});
