import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { VideoStream } from '@livekit/rtc-node';
import type { RemoteTrack } from '@livekit/rtc-node';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConferenceToken } from '../../media/access-tokens';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { ConferenceControl } from '../../media/conference-control';
import { siteIdentity } from '../../media/contracts/participant-identity';
import { stack, waitFor } from '../support/stack';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';

// Chromium with fake camera and microphone joins as a commune site through livekit-client,
// exactly with the options in media/contracts/client-options.ts; the chair bot must receive
// its video once the floor is granted.
describe('a browser site in the conference', () => {
  const endpoint = stack().livekit;
  const control = new ConferenceControl({ endpoint });
  const meetingId = randomObjectId();
  const site = unit('VP-249-11', 'commune', 'UBND xã Tam Hợp');
  const outDir = join(stack().tmpDir, `media-page-${process.pid}`);
  let server: Server;
  let pageUrl: string;
  let browser: Browser | undefined;
  let page: Page;
  let chair: ConferenceBot | undefined;

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    await build({
      configFile: false,
      logLevel: 'silent',
      root: resolve(import.meta.dirname, '..', 'support', 'media-page'),
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        write: true,
        rollupOptions: {
          input: resolve(import.meta.dirname, '..', 'support', 'media-page', 'page-entry.ts'),
          output: { entryFileNames: 'page.js', format: 'es' },
        },
      },
    });
    writeFileSync(
      join(outDir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>site</title><script type="module" src="/page.js"></script>',
    );
    server = createServer((req, res) => {
      const file = req.url?.startsWith('/page.js') ? 'page.js' : 'index.html';
      res.writeHead(200, {
        'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8',
      });
      createReadStream(join(outDir, file)).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    pageUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

    await control.openRoom({ meetingId, title: 'Hội nghị trực tuyến toàn tỉnh' });
    chair = await joinBot(endpoint, meetingId, { userId: randomObjectId(), role: 'chair' });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-domain-reliability',
        '--disable-sync',
        '--no-first-run',
        '--no-default-browser-check',
        '--metrics-recording-only',
        '--no-sandbox',
      ],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await disconnectAll([chair]);
    await control.closeRoom(meetingId);
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(outDir, { recursive: true, force: true });
  });

  it('joins as a commune site and the chair receives its camera when it gets the floor', async () => {
    const { token, identity } = await createConferenceToken(endpoint, {
      meetingId,
      identity: { kind: 'site', unitCode: site.code },
      role: 'site',
      displayName: site.name,
      unit: site,
    });
    expect(identity).toBe(siteIdentity(site.code));
    await page.goto(`${pageUrl}#${new URLSearchParams({ url: endpoint.url, token }).toString()}`);
    await waitFor(
      () => page.evaluate(() => window.conference.connected || window.conference.errors.length > 0),
      'the page connected',
      30_000,
    );
    expect(await page.evaluate(() => window.conference.errors)).toEqual([]);
    const joined = await control.getParticipant(meetingId, identity);
    expect(joined.metadata).toMatchObject({ role: 'site', unit: { level: 'commune' } });
    expect(joined.tracks).toEqual([]);

    await control.grantFloor(meetingId, identity);
    const bot = chair as ConferenceBot;
    const track: RemoteTrack = await bot.waitForTrack(identity, 'video', 30_000);
    const reader = new VideoStream(track).getReader();
    try {
      const first = await reader.read();
      expect(first.done).toBe(false);
      expect(first.value?.frame.width).toBeGreaterThan(0);
    } finally {
      await reader.cancel();
    }
    await waitFor(async () => {
      const sources = (await control.getParticipant(meetingId, identity)).tracks.map(
        (t) => t.source,
      );
      return sources.sort().join() === 'camera,microphone';
    }, 'camera and microphone published');
    expect(await page.evaluate(() => window.conference.errors)).toEqual([]);
  });
});
