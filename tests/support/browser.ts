import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep Chromium off the (closed) network and give it fake camera and microphone. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/** A launched browser (Playwright gives it a fresh temporary profile). */
export interface TestBrowser {
  browser: Browser;
  newPage(opts?: {
    locale?: string;
    viewport?: { width: number; height: number };
  }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium for a test. Requests to any origin other than loopback are aborted
 * and recorded in `blockedRequests`, so a test can prove the app stays on its own origin.
 */
export async function launchBrowser(): Promise<TestBrowser & { blockedRequests: string[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const blockedRequests: string[] = [];
  return {
    browser,
    blockedRequests,
    async newPage(opts = {}) {
      const context = await browser.newContext({
        locale: opts.locale ?? 'vi-VN',
        viewport: opts.viewport ?? { width: 1280, height: 800 },
      });
      await context.route(
        /^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/]|wss?:\/\/(127\.0\.0\.1|localhost)[:/]|data:|blob:)/,
        async (route) => {
          blockedRequests.push(route.request().url());
          await route.abort();
        },
      );
      const page = await context.newPage();
      return { context, page };
    },
    async close() {
      await browser.close();
    },
  };
}
