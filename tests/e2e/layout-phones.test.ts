import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Page as ApiPage } from '../../server/contracts/common';
import type { Meeting, Participant, Site } from '../../server/contracts/meetings';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { must } from '../support/must';
import { demoClients } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { pickOption } from './meetings-ui';

/**
 * Every screen, for each role, on the two phone sizes people use: nothing sticks out past the
 * right edge (the page does not scroll sideways and no element ends beyond the viewport unless a
 * scrolling box of its own holds it), and axe finds no serious or critical violation. Screens are
 * opened by address after logging in: this checks layout, not the way in (way-in.test.ts does).
 */

const VIEWPORTS = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
];

/** What each role opens; `L` the live demo meeting, `E` the ended one, `P` the published one. */
const SCREENS: Record<string, string[]> = {
  public: ['/login', '/records'],
  chutich: [
    '/',
    '/meetings',
    '/meetings?view=week',
    '/meetings?view=month',
    'L',
    'L/prepare',
    'L/room',
    'L/chair',
    'L/bridge',
    'L/hall',
    'E/minutes',
  ],
  daibieu1: ['/', '/meetings', 'L', 'L/room', 'P/minutes'],
  thuky: ['/', 'L', 'L/minutes', 'E/minutes', 'P/minutes'],
  'diemcau.tamhop': ['/', '/meetings', 'L', 'L/bridge'],
  'quantri.vinhyen': ['/', '/meetings', '/admin/units', '/admin/users'],
  admin: ['/meetings', '/admin/units', '/admin/users'],
};

/**
 * Resolves once the page has stopped changing: no loading mask, live screens connected, no
 * enter/leave transition running, and no element added or removed for 300 ms (at most 3 s).
 */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      !document.querySelector('.el-loading-mask') &&
      !document.querySelector('[class*="-enter-active"], [class*="-leave-active"]') &&
      !document.querySelector('[data-testid="live-status"]:not([data-connection="live"])'),
    undefined,
    { timeout: 15_000 },
  );
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const finish = (): void => {
          observer.disconnect();
          clearTimeout(timer);
          clearTimeout(deadline);
          resolve();
        };
        let timer = setTimeout(finish, 300);
        const deadline = setTimeout(finish, 3_000);
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(finish, 300);
        });
        observer.observe(document.body, { subtree: true, childList: true });
      }),
  );
}

/**
 * Where `locator`'s element lies once scrolled to, against the viewport, and whether the page
 * scrolls sideways.
 */
async function placement(
  page: Page,
  locator: Locator,
): Promise<{ left: number; right: number; height: number; width: number; pageWidth: number }> {
  await locator.scrollIntoViewIfNeeded();
  const box = must(await locator.boundingBox());
  const { width, pageWidth } = await page.evaluate(() => ({
    width: window.innerWidth,
    pageWidth: document.documentElement.scrollWidth,
  }));
  return { left: box.x, right: box.x + box.width, height: box.height, width, pageWidth };
}

/** Elements whose right edge lies past the viewport and that no scrolling box of theirs holds. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width)
      found.push(`page scrolls sideways: ${String(document.documentElement.scrollWidth)}px`);
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= width + 1) continue;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      let held = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (
          getComputedStyle(a).overflowX !== 'visible' &&
          a.getBoundingClientRect().right <= width + 1
        ) {
          held = true;
          break;
        }
      }
      if (!held) {
        const cls = typeof el.className === 'string' ? el.className.split(' ')[0] : '';
        found.push(
          `${el.tagName.toLowerCase()}${cls ? '.' + cls : ''} ends at ${String(Math.round(r.right))}px`,
        );
      }
    }
    return found.slice(0, 5);
  });
}

describe('every screen fits a phone', () => {
  let app: TestApp;
  let browser: TestBrowser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp({ SEED_DEMO_MEETINGS: 'true' });
    browser = await launchBrowser();
    const c = await demoClients(app.url);
    const all = (await c.chair.get<ApiPage<Meeting>>('/api/meetings?pageSize=100')).body.items;
    ids.L = must(all.find((m) => m.state === 'live')).id;
    ids.E = must(all.find((m) => m.state === 'ended')).id;
    ids.P = must(all.find((m) => m.state === 'minutes_published')).id;
  });
  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  const pathOf = (screen: string): string =>
    screen.startsWith('/') ? screen : `/meetings/${must(ids[screen[0] ?? ''])}${screen.slice(1)}`;

  for (const viewport of VIEWPORTS) {
    it(`the meeting form at ${String(viewport.width)}×${String(viewport.height)}`, async () => {
      const { page, context } = await browser.newPage({ viewport });
      try {
        await page.goto(app.url + '/login');
        await page.getByTestId('login-username').fill('chutich');
        await page.getByTestId('login-password').fill(DEMO_PASSWORD);
        await page.getByTestId('login-submit').click();
        await page.getByTestId('welcome').waitFor();
        await page
          .getByRole('navigation', { name: 'Menu chính' })
          .getByRole('link', { name: 'Cuộc họp' })
          .click();
        await page.getByTestId('meeting-create').click();
        await page.getByTestId('visibility-hint').waitFor();
        await settled(page);
        const problems = await overflowing(page);
        expect(problems, problems.join('\n')).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('shows every link of the top menu whole at 360 px, none hidden in a sideways scroll', async () => {
    const { page, context } = await browser.newPage({ viewport: { width: 360, height: 640 } });
    try {
      await page.goto(app.url + '/login');
      // The unit administrator has the longest menu: home, meetings, tasks, units, users, statistics.
      await page.getByTestId('login-username').fill('quantri.vinhyen');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('welcome').waitFor();
      const nav = page.getByRole('navigation', { name: 'Menu chính' });
      const links = nav.getByRole('link');
      const names = await links.allInnerTexts();
      expect(names).toContain('Nhiệm vụ được giao');
      expect(names).toContain('Thống kê');
      for (const [i, name] of names.entries()) {
        const box = must(await links.nth(i).boundingBox());
        expect(box.x, name).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, name).toBeLessThanOrEqual(360);
      }
      const scroll = await nav.evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(scroll).toBeLessThanOrEqual(0);
      // The last link works with one tap.
      await nav.getByRole('link', { name: 'Nhiệm vụ được giao' }).click();
      await page.waitForURL(/\/tasks/);
    } finally {
      await context.close();
    }
  });

  for (const [role, screens] of Object.entries(SCREENS)) {
    for (const viewport of VIEWPORTS) {
      it(`${role} at ${String(viewport.width)}×${String(viewport.height)}`, async () => {
        const { page, context } = await browser.newPage({ viewport });
        // Transitions end at once: what is measured is the screen, not a tag fading in.
        await page.emulateMedia({ reducedMotion: 'reduce' });
        const problems: string[] = [];
        try {
          if (role !== 'public') {
            await page.goto(app.url + '/login');
            await page.getByTestId('login-username').fill(role);
            await page.getByTestId('login-password').fill(DEMO_PASSWORD);
            await page.getByTestId('login-submit').click();
            await page.getByTestId('welcome').waitFor();
          }
          for (const screen of screens) {
            const path = pathOf(screen);
            await page.goto(app.url + path);
            // The hall screen has no heading of its own: its stage stands for it.
            await page.locator('h1, [data-testid="bridge"]').first().waitFor();
            await settled(page);
            for (const p of await overflowing(page)) problems.push(`${path}: ${p}`);
            for (const v of await seriousViolations(page))
              problems.push(`${path}: axe ${v.id} (${v.nodes.slice(0, 2).join(', ')})`);
          }
        } finally {
          await context.close();
        }
        expect(problems, problems.join('\n')).toEqual([]);
      });
    }
  }
  describe("a meeting's manager at 360 px", () => {
    const DRAFT = 'Họp chuyên đề về chuyển đổi số';
    let draftId = '';

    beforeAll(async () => {
      const c = await demoClients(app.url);
      const all = (await c.secretary.get<ApiPage<Meeting>>('/api/meetings?pageSize=100')).body;
      draftId = must(all.items.find((m) => m.title === DRAFT)).id;
    });

    /** The secretary's page of the draft meeting, reached from the meetings list. */
    async function openDraft(): Promise<{ page: Page; close: () => Promise<void> }> {
      const { page, context } = await browser.newPage({ viewport: { width: 360, height: 640 } });
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.goto(app.url + '/login');
      await page.getByTestId('login-username').fill('thuky');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('welcome').waitFor();
      await page
        .getByRole('navigation', { name: 'Menu chính' })
        .getByRole('link', { name: 'Cuộc họp' })
        .click();
      await page.getByRole('link', { name: DRAFT }).click();
      await page.getByTestId('meeting-heading').waitFor();
      return { page, close: () => context.close() };
    }

    /** Accepts the removal dialog that asks about `name`. */
    async function confirmRemoval(page: Page, name: string): Promise<void> {
      const dialog = page.getByRole('dialog', { name: 'Bỏ' });
      await dialog.getByText(`Bỏ “${name}” khỏi cuộc họp?`).waitFor();
      await dialog.getByRole('button', { name: 'Xác nhận' }).click();
    }

    it('removes a participant with a remove button on screen, after confirming', async () => {
      const name = 'Hoàng Đức Cường';
      const c = await demoClients(app.url);
      const { page, close } = await openDraft();
      try {
        const item = page.getByTestId('participant-item').filter({ hasText: name });
        const remove = item.getByTestId('participant-remove');
        const at = await placement(page, remove);
        expect(at.pageWidth).toBeLessThanOrEqual(at.width);
        expect(at.left).toBeGreaterThanOrEqual(0);
        expect(at.right).toBeLessThanOrEqual(at.width);
        expect(at.height).toBeGreaterThanOrEqual(24);
        await expect.poll(() => item.textContent()).toContain('Đại biểu · Sở Nội vụ');

        await remove.click();
        await confirmRemoval(page, name);
        await item.waitFor({ state: 'detached' });
        const left = await c.secretary.get<Participant[]>(`/api/meetings/${draftId}/participants`);
        expect(left.body.map((p) => p.fullName)).not.toContain(name);

        // Invited back from the same screen, as a delegate (the form's default role).
        await page.getByTestId('invite-people').click();
        await page.keyboard.type('hoang duc');
        // The list of people stays as wide as the field, inside the screen.
        const listId = await page
          .getByTestId('invite-people')
          .getByRole('combobox')
          .getAttribute('aria-controls');
        const list = page.locator(`[id="${must(listId)}"]`);
        await list.getByText(name).waitFor();
        const listAt = await placement(page, list);
        expect(listAt.right).toBeLessThanOrEqual(listAt.width);
        await pickOption(page, 'invite-people', name);
        // On a phone the list closes after a pick: an open list reflowed the form when a tap
        // outside closed it, and the first tap on "Mời" only closed the list.
        await list.waitFor({ state: 'hidden' });
        await page.getByRole('button', { name: 'Mời', exact: true }).click();
        await item.waitFor();
      } finally {
        await close();
      }
    });

    it('removes a site with a remove button on screen, after confirming', async () => {
      const name = 'Xã Tam Hợp';
      const c = await demoClients(app.url);
      const { page, close } = await openDraft();
      try {
        const item = page.getByTestId('site-item').filter({ hasText: name });
        const remove = item.getByTestId('site-remove');
        const at = await placement(page, remove);
        expect(at.pageWidth).toBeLessThanOrEqual(at.width);
        expect(at.left).toBeGreaterThanOrEqual(0);
        expect(at.right).toBeLessThanOrEqual(at.width);
        expect(at.height).toBeGreaterThanOrEqual(24);
        const edit = await placement(page, item.getByTestId('site-operators-edit'));
        expect(edit.right).toBeLessThanOrEqual(edit.width);
        expect(edit.height).toBeGreaterThanOrEqual(24);

        await remove.click();
        await confirmRemoval(page, name);
        await item.waitFor({ state: 'detached' });
        const left = await c.secretary.get<Site[]>(`/api/meetings/${draftId}/sites`);
        expect(left.body.map((s) => s.name)).not.toContain(name);

        // Added back from the same screen.
        const picker = page.getByTestId('site-picker');
        await picker.getByRole('combobox', { name: 'Đơn vị' }).click();
        await page.keyboard.type('tam hop');
        await page.locator('.el-tree-node__content', { hasText: name }).first().click();
        await picker.getByRole('button', { name: 'Thêm điểm cầu' }).click();
        await item.waitFor();
      } finally {
        await close();
      }
    });
  });
});
