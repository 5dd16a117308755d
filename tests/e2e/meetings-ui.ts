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

/**
 * Picks an option of the select marked `testid` by its text. The options are looked up in
 * that select's own list (the combobox's aria-controls), never in another select's list that
 * may still be fading out; the click is dispatched to the option, whose popper may still move.
 */
export async function pickOption(page: Page, testid: string, text: string): Promise<void> {
  const listId = await page.getByTestId(testid).getByRole('combobox').getAttribute('aria-controls');
  if (!listId) throw new Error(`select ${testid} names no option list`);
  const option = page
    .locator(`[id="${listId}"] .el-select-dropdown__item`, { hasText: text })
    .first();
  await option.waitFor();
  await option.dispatchEvent('click');
}

/** Width of the video shown in `selector` (0 while no frame has been decoded). */
export function videoWidth(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const v = document.querySelector<HTMLVideoElement>(sel);
    return v ? v.videoWidth : 0;
  }, selector);
}

/**
 * The loudest moment (peak amplitude, 0–1) of the sound the page receives in the audio element
 * `selector` over about two seconds, measured on the element's stream; 0 when there is no
 * such element or stream. Chromium's fake microphone beeps about once a second.
 */
export function audioLevel(page: Page, selector: string): Promise<number> {
  return page.evaluate(async (sel) => {
    const el = document.querySelector<HTMLAudioElement>(sel);
    const stream = el?.srcObject;
    if (!(stream instanceof MediaStream) || stream.getAudioTracks().length === 0) return 0;
    const ctx = new AudioContext();
    try {
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      let peak = 0;
      const until = performance.now() + 2_000;
      while (performance.now() < until) {
        analyser.getFloatTimeDomainData(samples);
        for (const v of samples) peak = Math.max(peak, Math.abs(v));
        await new Promise((r) => setTimeout(r, 20));
      }
      return peak;
    } finally {
      await ctx.close();
    }
  }, selector);
}
