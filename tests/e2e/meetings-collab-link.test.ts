import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft } from '../../server/contracts/collab';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { loggedInPage } from './meetings-ui';

async function editorText(page: Page): Promise<string> {
  return (await page.locator('[data-testid="draft-editor"] .ProseMirror').textContent()) ?? '';
}

/** Number of stored updates in a y-indexeddb database of the page. */
function idbUpdates(page: Page, name: string): Promise<number> {
  return page.evaluate(
    (db) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => {
          reject(new Error('cannot open IndexedDB'));
        };
        open.onsuccess = () => {
          const conn = open.result;
          if (!conn.objectStoreNames.contains('updates')) {
            conn.close();
            resolve(0);
            return;
          }
          const req = conn.transaction('updates').objectStore('updates').count();
          req.onsuccess = () => {
            conn.close();
            resolve(req.result);
          };
        };
      }),
    name,
  );
}

/**
 * The co-editing link of one page, which the test can cut and restore: while it is down every
 * connection to /collab is closed (a transient code, so the provider keeps retrying).
 */
async function cuttableLink(page: Page): Promise<{ down(): void; up(): void }> {
  let isDown = false;
  const open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  await page.routeWebSocket(/\/collab\//, (ws) => {
    if (isDown) {
      void ws.close({ code: 4503, reason: 'unavailable' });
      return;
    }
    const server = ws.connectToServer();
    const pair = { page: ws, server };
    open.add(pair);
    ws.onClose(() => open.delete(pair));
  });
  return {
    down() {
      isDown = true;
      for (const pair of open) {
        void pair.server.close();
        void pair.page.close({ code: 4503, reason: 'unavailable' });
      }
      open.clear();
    },
    up() {
      isDown = false;
    },
  };
}

describe('co-editing link: token renewal and offline drafts', () => {
  let app: TestApp;
  let browser: TestBrowser & { blockedRequests: string[] };
  let c: DemoClients;
  let dir: Directory;

  beforeAll(async () => {
    // Short access tokens: the co-editing server closes with 4408 when a token expires.
    app = await startTestApp({ ACCESS_TOKEN_TTL: '60' });
    browser = await launchBrowser();
    c = await demoClients(app.url);
    dir = await directory(c.admin);
  });
  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  it('a draft edited while the link is down survives a reload and reaches the others when it returns', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled' });
    const draft = await c.secretary.post<Draft>(`/api/meetings/${meeting.id}/drafts`, {
      title: 'Dự thảo ngoại tuyến',
    });
    const a = await loggedInPage(browser, app.url, 'thuky');
    const b = await loggedInPage(browser, app.url, 'daibieu1');
    try {
      const link = await cuttableLink(a.page);
      for (const { page } of [a, b]) {
        await page.goto(`${app.url}/meetings/${meeting.id}/prepare?tab=drafts`);
        await page.locator('[data-testid="draft-editor"] [data-status="online"]').waitFor();
      }
      await a.page.locator('[data-testid="draft-editor"] .ProseMirror').click();
      await a.page.keyboard.type('Trực tuyến.');
      await expect.poll(() => editorText(b.page)).toContain('Trực tuyến.');

      link.down();
      await a.page.locator('[data-testid="draft-editor"] [data-status="offline"]').waitFor();
      const store = `dienhong:${dir.userId('thuky')}:${draft.body.docName}`;
      const before = await idbUpdates(a.page, store);
      const offlineText = ' Soạn khi mất mạng.';
      await a.page.keyboard.press('End');
      await a.page.keyboard.type(offlineText);
      await expect
        .poll(() => idbUpdates(a.page, store))
        .toBeGreaterThanOrEqual(before + offlineText.length);

      // reload while the link is still down: the text comes back from IndexedDB
      await a.page.reload();
      await expect.poll(() => editorText(a.page)).toContain('Trực tuyến. Soạn khi mất mạng.');
      expect(await editorText(b.page)).not.toContain('Soạn khi mất mạng.');

      link.up();
      await a.page.locator('[data-testid="draft-editor"] [data-status="online"]').waitFor({
        timeout: 30_000,
      });
      await expect
        .poll(() => editorText(b.page), { timeout: 15_000 })
        .toContain('Trực tuyến. Soạn khi mất mạng.');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('co-editing goes on after the access token expires (4408, renewed and reconnected)', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled' });
    await c.secretary.post<Draft>(`/api/meetings/${meeting.id}/drafts`, { title: 'Dự thảo dài' });
    const a = await loggedInPage(browser, app.url, 'thuky');
    const b = await loggedInPage(browser, app.url, 'daibieu2');
    try {
      const closes: number[] = [];
      a.page.on('websocket', (ws) => {
        ws.on('close', () => closes.push(Date.now()));
      });
      for (const { page } of [a, b]) {
        await page.goto(`${app.url}/meetings/${meeting.id}/prepare?tab=drafts`);
        await page.locator('[data-testid="draft-editor"] [data-status="online"]').waitFor();
      }
      // the token of the first connection expires within 60 s; the server closes it (4408)
      await expect.poll(() => closes.length, { timeout: 90_000, interval: 500 }).toBeGreaterThan(0);
      await a.page.locator('[data-testid="draft-editor"] [data-status="online"]').waitFor();
      expect(await a.page.locator('.collab-status__reason').count()).toBe(0);
      await a.page.locator('[data-testid="draft-editor"] .ProseMirror').click();
      await a.page.keyboard.type('Sau khi gia hạn phiên.');
      await expect.poll(() => editorText(b.page)).toContain('Sau khi gia hạn phiên.');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
