import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from '../../server/contracts/agenda';
import type { Draft } from '../../server/contracts/collab';
import type { MeetingDocument } from '../../server/contracts/documents';
import { seriousViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { exeBytes, pdfOfSize } from '../support/document-fixtures';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';
import { loggedInPage } from './meetings-ui';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function editorText(page: Page): Promise<string> {
  return (await page.locator('[data-testid="draft-editor"] .ProseMirror').textContent()) ?? '';
}

async function agendaTitles(page: Page): Promise<string[]> {
  return page
    .getByTestId('agenda-title')
    .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
}

describe('meeting preparation: co-edited agenda and drafts, documents', () => {
  let app: TestApp;
  let browser: TestBrowser & { blockedRequests: string[] };
  let c: DemoClients;
  let dir: Directory;

  beforeAll(async () => {
    app = await startTestApp({ UPLOAD_LIMIT_MB: '1' });
    browser = await launchBrowser();
    c = await demoClients(app.url);
    dir = await directory(c.admin);
  });
  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  it('two users co-edit a draft: each sees the other’s text and named caret; versions restore', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled' });
    const draft = await c.secretary.post<Draft>(`/api/meetings/${meeting.id}/drafts`, {
      title: 'Dự thảo nghị quyết về đầu tư công',
    });
    expect(draft.status).toBe(201);
    const a = await loggedInPage(browser, app.url, 'thuky');
    const b = await loggedInPage(browser, app.url, 'daibieu1');
    try {
      for (const { page } of [a, b]) {
        await page.goto(`${app.url}/meetings/${meeting.id}/prepare?tab=drafts`);
        await page.locator('[data-testid="draft-editor"] [data-status="online"]').waitFor();
      }
      const editorA = a.page.locator('[data-testid="draft-editor"] .ProseMirror');
      const editorB = b.page.locator('[data-testid="draft-editor"] .ProseMirror');
      await editorA.click();
      await a.page.keyboard.type('Điều 1. Thông qua kế hoạch.');
      await expect.poll(() => editorText(b.page)).toContain('Điều 1. Thông qua kế hoạch.');
      await editorB.click();
      await b.page.keyboard.press('Control+End');
      await b.page.keyboard.press('Enter');
      await b.page.keyboard.type('Điều 2. Giao Sở Tài chính.');
      await expect.poll(() => editorText(a.page)).toContain('Điều 2. Giao Sở Tài chính.');
      expect(await editorText(b.page)).toContain('Điều 1. Thông qua kế hoạch.');
      // named carets: each sees the other's name on a caret, in the other's colour
      await a.page.locator('.collaboration-carets__label', { hasText: 'Nguyễn Văn An' }).waitFor();
      await b.page.locator('.collaboration-carets__label', { hasText: 'Phạm Thu Hà' }).waitFor();
      await b.page.getByTestId('draft-presence').locator('[data-user="Phạm Thu Hà"]').waitFor();

      // a named version, later changes, then a restore brings the text back for both
      await a.page.getByTestId('version-label').fill('Dự thảo lần 1');
      await a.page.getByTestId('version-save').click();
      await a.page.getByTestId('version-list').getByText('Dự thảo lần 1').waitFor();
      await editorB.click();
      await b.page.keyboard.press('Control+End');
      await b.page.keyboard.type(' Bỏ đoạn này.');
      await expect.poll(() => editorText(a.page)).toContain('Bỏ đoạn này.');
      await a.page.getByRole('button', { name: 'Xem Dự thảo lần 1' }).click();
      const preview = a.page.getByTestId('version-preview');
      await expect.poll(() => preview.textContent()).toContain('Điều 2. Giao Sở Tài chính.');
      expect(await preview.textContent()).not.toContain('Bỏ đoạn này.');
      await a.page.getByRole('dialog').getByRole('button', { name: 'Khôi phục' }).click();
      await a.page.locator('.el-message-box').getByRole('button', { name: 'Khôi phục' }).click();
      await expect.poll(() => editorText(b.page)).not.toContain('Bỏ đoạn này.');
      expect(await editorText(b.page)).toContain('Điều 2. Giao Sở Tài chính.');
      expect(await editorText(a.page)).not.toContain('Bỏ đoạn này.');
      await a.page
        .getByTestId('version-list')
        .getByText(/Trước khi khôi phục/)
        .waitFor();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('an agenda reorder by one user appears for the other and in the record', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled' });
    const a = await loggedInPage(browser, app.url, 'thuky');
    const b = await loggedInPage(browser, app.url, 'chutich');
    try {
      for (const { page } of [a, b]) {
        await page.goto(`${app.url}/meetings/${meeting.id}/prepare`);
        await page.locator('[data-testid="agenda-status"] [data-status="online"]').waitFor();
      }
      for (const title of ['Khai mạc', 'Báo cáo tình hình', 'Bế mạc']) {
        await a.page.getByTestId('agenda-new-title').fill(title);
        await a.page.getByTestId('agenda-new-title').press('Enter');
      }
      await expect
        .poll(() => agendaTitles(b.page))
        .toEqual(['Khai mạc', 'Báo cáo tình hình', 'Bế mạc']);
      // both are present (awareness avatars)
      await a.page.getByTestId('agenda-presence').locator('[data-user="Lê Minh Quân"]').waitFor();

      // keyboard reorder by B: focus "move down" of the first item and press Enter
      await b.page.getByRole('button', { name: 'Chuyển “Khai mạc” xuống' }).focus();
      await b.page.keyboard.press('Enter');
      await expect
        .poll(() => agendaTitles(a.page))
        .toEqual(['Báo cáo tình hình', 'Khai mạc', 'Bế mạc']);
      // focus followed the moved item, so Enter again moves it once more
      await b.page.keyboard.press('Enter');
      await expect
        .poll(() => agendaTitles(a.page))
        .toEqual(['Báo cáo tình hình', 'Bế mạc', 'Khai mạc']);

      // drag by A: "Khai mạc" onto the first item
      const handles = a.page.getByTestId('agenda-handle');
      await handles.nth(2).dragTo(a.page.getByTestId('agenda-item').nth(0), {
        targetPosition: { x: 40, y: 4 },
      });
      await expect
        .poll(() => agendaTitles(b.page))
        .toEqual(['Khai mạc', 'Báo cáo tình hình', 'Bế mạc']);

      // a delegate follows the same agenda read-only, and the page passes an axe scan
      const d = await loggedInPage(browser, app.url, 'daibieu1');
      try {
        await d.page.goto(`${app.url}/meetings/${meeting.id}/prepare`);
        await d.page.locator('[data-testid="agenda-status"] [data-status="read-only"]').waitFor();
        await expect
          .poll(() => agendaTitles(d.page))
          .toEqual(['Khai mạc', 'Báo cáo tình hình', 'Bế mạc']);
        expect(await d.page.getByTestId('agenda-add').count()).toBe(0);
        expect(await d.page.getByTestId('agenda-handle').count()).toBe(0);
      } finally {
        await d.close();
      }
      expect(await seriousViolations(a.page)).toEqual([]);

      // the server materializes the co-edited agenda into the record
      await waitFor(async () => {
        const res = await c.secretary.get<Agenda>(`/api/meetings/${meeting.id}/agenda`);
        return res.body.items.map((i) => i.title).join('|') === 'Khai mạc|Báo cáo tình hình|Bế mạc';
      }, 'the agenda record in the new order');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('an upload shows progress, the file downloads intact; size and type errors are clear', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled' });
    const a = await loggedInPage(browser, app.url, 'thuky');
    try {
      const page = a.page;
      await page.goto(`${app.url}/meetings/${meeting.id}/prepare?tab=documents`);
      await page.getByTestId('document-file').waitFor({ state: 'attached' });
      // Slow the upload link down (DevTools network emulation) so progress is observable.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 256 * 1024,
      });
      await page.evaluate(() => {
        const seen: number[] = [];
        (window as unknown as { progressSeen: number[] }).progressSeen = seen;
        new MutationObserver(() => {
          const bar = document.querySelector('[data-testid="upload-progress"] [data-percent]');
          const v = Number(bar?.getAttribute('data-percent'));
          if (bar && seen.at(-1) !== v) seen.push(v);
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      const file = pdfOfSize(900_000);
      await page.getByTestId('document-file').setInputFiles({
        name: 'Báo cáo kinh tế - xã hội.pdf',
        mimeType: 'application/pdf',
        buffer: file,
      });
      await page.getByTestId('upload-progress').waitFor();
      await page
        .getByTestId('documents-list')
        .getByText('Báo cáo kinh tế - xã hội', { exact: true })
        .waitFor({
          timeout: 30_000,
        });
      const seen = await page.evaluate(
        () => (window as unknown as { progressSeen: number[] }).progressSeen,
      );
      const between = seen.filter((v) => v > 0 && v < 100);
      expect(between.length).toBeGreaterThanOrEqual(3);
      expect([...between].sort((x, y) => x - y)).toEqual(between);
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });

      const docs = await c.secretary.get<MeetingDocument[]>(
        `/api/meetings/${meeting.id}/documents`,
      );
      expect(docs.body[0]?.versions[0]?.sha256).toBe(sha256(file));
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('document-download').first().click(),
      ]);
      const downloaded = await readFile(await download.path());
      expect(sha256(downloaded)).toBe(sha256(file));

      // wrong type: a clear message in Vietnamese, nothing stored
      await page.getByTestId('document-file').setInputFiles({
        name: 'caidat.exe',
        mimeType: 'application/octet-stream',
        buffer: exeBytes(),
      });
      await expect
        .poll(() => page.getByTestId('upload-error').textContent())
        .toContain('Tệp “caidat.exe” không đúng định dạng cho phép');
      // too large (the limit of this app is 1 MB)
      await page.getByTestId('document-file').setInputFiles({
        name: 'quá-lớn.pdf',
        mimeType: 'application/pdf',
        buffer: pdfOfSize(1_500_000),
      });
      await expect
        .poll(() => page.getByTestId('upload-error').textContent())
        .toContain('Tệp “quá-lớn.pdf” quá lớn. Giới hạn là 1 MB');
      const after = await c.secretary.get<MeetingDocument[]>(
        `/api/meetings/${meeting.id}/documents`,
      );
      expect(after.body).toHaveLength(1);
      expect(browser.blockedRequests).toEqual([]);
    } finally {
      await a.close();
    }
  });
});
