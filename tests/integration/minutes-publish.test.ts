import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from '../../server/contracts/common';
import type { MinutesVerifyResult, PublishedMinutesVersion } from '../../server/contracts/minutes';
import { approveAndPublish, download, expectStatus, runMeeting } from '../support/minutes';
import type { RunMeeting } from '../support/minutes';
import { pdfsig, pdftotext } from '../support/poppler';
import { demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let tmp: string;
let publicRun: RunMeeting;
let publicMinutes: PublishedMinutesVersion;
let publicNotice: PublishedMinutesVersion;
let internalMinutes: PublishedMinutesVersion;
let confidentialMinutes: PublishedMinutesVersion;
let pdf: Buffer;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const flat = (s: string): string => s.replace(/\s+/g, ' ');

/** Runs a meeting, ends it, recreates the minutes from the template (final attendance), publishes. */
async function publishedMeeting(
  overrides: Record<string, unknown>,
): Promise<{ run: RunMeeting; minutes: PublishedMinutesVersion }> {
  const run = await runMeeting(c, dir, overrides);
  const id = run.meeting.id;
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
    200,
    'end',
  );
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/minutes/minutes/template`, { confirm: true }),
    200,
    'template',
  );
  return { run, minutes: await approveAndPublish(c, id) };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(inject('stack').tmpDir, 'minutes-publish-'));
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  const pub = await publishedMeeting({
    visibility: 'public',
    title: 'Phiên họp công khai về chuyển đổi số',
  });
  publicRun = pub.run;
  publicMinutes = pub.minutes;
  publicNotice = await approveAndPublish(c, publicRun.meeting.id, 'notice', c.chair);
  internalMinutes = (await publishedMeeting({ visibility: 'internal' })).minutes;
  confidentialMinutes = (await publishedMeeting({ visibility: 'confidential' })).minutes;
  const file = publicMinutes.files.find((f) => f.format === 'pdf');
  pdf = (await download(app.url, file?.url ?? '/missing')).bytes;
}, 180_000);
afterAll(async () => {
  await app.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('published files', () => {
  it('are HTML, PDF and DOCX whose bytes match the recorded SHA-256, with content type and name', async () => {
    expect(publicMinutes.files.map((f) => f.format)).toEqual(['html', 'pdf', 'docx']);
    const types = {
      html: 'text/html; charset=utf-8',
      pdf: 'application/pdf',
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    };
    for (const f of publicMinutes.files) {
      const res = await download(app.url, f.url);
      expect(res.status).toBe(200);
      expect(sha256(res.bytes)).toBe(f.sha256);
      expect(res.bytes.length).toBe(f.size);
      expect(res.headers.get('content-type')).toBe(types[f.format]);
      const disposition = res.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment; filename="Bien ban /);
      expect(disposition).toContain(`.${f.format}`);
      expect(disposition).toContain("filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n");
    }
    const inline = await download(app.url, `${publicMinutes.files[1]?.url ?? ''}?inline=true`);
    expect(inline.headers.get('content-disposition')).toMatch(/^inline;/);
    const html = (await download(app.url, publicMinutes.files[0]?.url ?? '')).bytes.toString();
    expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(html).toContain('Nguyễn Văn An');
    const notice = publicNotice.files.find((f) => f.format === 'pdf');
    const noticePdf = (await download(app.url, notice?.url ?? '')).bytes;
    expect(sha256(noticePdf)).toBe(notice?.sha256);
    writeFileSync(join(tmp, 'notice.pdf'), noticePdf);
    expect(flat(pdftotext(join(tmp, 'notice.pdf')))).toContain('THÔNG BÁO');
  });

  it('the PDF reads back in Vietnamese with the national title, motto and attendees', () => {
    const file = join(tmp, 'minutes.pdf');
    writeFileSync(file, pdf);
    const text = flat(pdftotext(file));
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toContain('BIÊN BẢN');
    for (const name of ['Lê Minh Quân', 'Phạm Thu Hà', 'Nguyễn Văn An', 'Trần Thị Bình']) {
      expect(text).toContain(name);
    }
    expect(text).toContain('Hoàng Đức Cường');
    expect(text).toContain(flat(publicRun.pollQuestion));
  });

  it('pdfsig accepts the signature and reports a digest mismatch after one byte changes', () => {
    const file = join(tmp, 'signed.pdf');
    writeFileSync(file, pdf);
    const out = pdfsig(file);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Ủy ban nhân dân tỉnh Vĩnh Phúc');
    const tampered = Buffer.from(pdf);
    const at = Math.floor(tampered.indexOf('/ByteRange') / 2);
    tampered[at] = (tampered[at] ?? 0) ^ 0x20;
    writeFileSync(join(tmp, 'tampered.pdf'), tampered);
    expect(pdfsig(join(tmp, 'tampered.pdf'))).toContain('Signature Validation: Digest Mismatch.');
  });
});

describe('POST /api/minutes/verify', () => {
  const verifyFile = async (bytes: Buffer) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'x.pdf');
    const res = await fetch(`${app.url}/api/minutes/verify`, { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as MinutesVerifyResult };
  };

  it('accepts the published file: which meeting and version, hash and signature hold', async () => {
    const res = await verifyFile(pdf);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sha256: sha256(pdf),
      published: true,
      version: {
        id: publicMinutes.id,
        meetingId: publicRun.meeting.id,
        version: 1,
        meetingTitle: 'Phiên họp công khai về chuyển đổi số',
      },
      verification: { signed: true, digestValid: true, signatureValid: true },
    });
    // Raw body and hash only give the same answer.
    const raw = await fetch(`${app.url}/api/minutes/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: new Uint8Array(pdf),
    });
    expect(((await raw.json()) as MinutesVerifyResult).published).toBe(true);
    const byHash = expectStatus(
      await c.anonymous.post<MinutesVerifyResult>('/api/minutes/verify', { sha256: sha256(pdf) }),
      200,
      'by hash',
    );
    expect(byHash).toMatchObject({ published: true, verification: null });
    expect(byHash.version?.id).toBe(publicMinutes.id);
  });

  it('tells a caller who may not read a confidential record only that the digest is published', async () => {
    const digest = confidentialMinutes.files.find((f) => f.format === 'pdf')?.sha256 ?? '';
    for (const outsider of [c.anonymous, c.opTamHop]) {
      const res = expectStatus(
        await outsider.post<MinutesVerifyResult>('/api/minutes/verify', { sha256: digest }),
        200,
        'verify as outsider',
      );
      expect(res).toEqual({ sha256: digest, published: true, version: null, verification: null });
    }
    const insider = expectStatus(
      await c.d1.post<MinutesVerifyResult>('/api/minutes/verify', { sha256: digest }),
      200,
      'verify as participant',
    );
    expect(insider.version?.id).toBe(confidentialMinutes.id);
  });

  it('rejects a modified file and says why; bad input is 400/415', async () => {
    const modified = Buffer.from(pdf);
    const at = Math.floor(modified.indexOf('/ByteRange') / 2);
    modified[at] = (modified[at] ?? 0) ^ 0x20;
    const res = await verifyFile(modified);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      published: false,
      version: null,
      verification: { signed: true, digestValid: false },
    });
    expect(res.body.verification?.signatures[0]?.status).toBe('digest-mismatch');
    const unknown = await c.anonymous.post<MinutesVerifyResult>('/api/minutes/verify', {
      sha256: 'a'.repeat(64),
    });
    expect(unknown.body).toMatchObject({ published: false, version: null });
    expect((await c.anonymous.post('/api/minutes/verify', { sha256: 'xyz' })).status).toBe(400);
    const text = await fetch(`${app.url}/api/minutes/verify`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
  });
});

describe('finding published records', () => {
  const ids = (page: Page<PublishedMinutesVersion>) => page.items.map((v) => v.id);

  it('lists public records without login and searches by text, unit and date', async () => {
    const all = expectStatus(
      await c.anonymous.get<Page<PublishedMinutesVersion>>('/api/minutes/published?pageSize=200'),
      200,
      'list',
    );
    expect(ids(all)).toEqual(expect.arrayContaining([publicMinutes.id, publicNotice.id]));
    expect(ids(all)).not.toContain(internalMinutes.id);
    expect(ids(all)).not.toContain(confidentialMinutes.id);
    const search = async (q: string) =>
      ids(
        expectStatus(
          await c.anonymous.get<Page<PublishedMinutesVersion>>(`/api/minutes/published?${q}`),
          200,
          q,
        ),
      );
    expect(await search('q=chuyen%20doi%20so')).toEqual(
      expect.arrayContaining([publicMinutes.id, publicNotice.id]),
    );
    expect(await search('q=kh%C3%B4ng%20c%C3%B3%20g%C3%AC')).toEqual([]);
    expect(await search(`unitId=${dir.unitId('26')}&kind=minutes`)).toContain(publicMinutes.id);
    expect(await search(`unitId=${dir.unitId('243')}`)).not.toContain(publicMinutes.id);
    const day = publicRun.meeting.startsAt.slice(0, 10);
    expect(await search(`from=${day}&to=${day}`)).toContain(publicMinutes.id);
    expect(await search('from=2030-01-01')).not.toContain(publicMinutes.id);
    expect((await c.anonymous.get('/api/minutes/published?from=yesterday')).status).toBe(400);
  });

  it('internal records only for logged-in members of the host unit, confidential only for participants', async () => {
    const list = async (client = c.anonymous) =>
      ids(
        expectStatus(
          await client.get<Page<PublishedMinutesVersion>>('/api/minutes/published?pageSize=200'),
          200,
          'list',
        ),
      );
    // Anonymous: no internal record, and its files ask for a login.
    const internalPdf = internalMinutes.files[1]?.url ?? '';
    expect((await download(app.url, internalPdf)).status).toBe(401);
    expect((await c.anonymous.get(`/api/minutes/published/${internalMinutes.id}`)).status).toBe(
      401,
    );
    // A member of a unit under the host (not invited) sees the internal record, not the confidential one.
    expect(await list(c.opTamHop)).toContain(internalMinutes.id);
    expect(await list(c.opTamHop)).not.toContain(confidentialMinutes.id);
    expect((await download(app.url, internalPdf, c.opTamHop.token)).status).toBe(200);
    const hidden = confidentialMinutes.files[1]?.url ?? '';
    expect((await download(app.url, hidden, c.opTamHop.token)).status).toBe(404);
    expect((await download(app.url, hidden)).status).toBe(404);
    // A participant sees and downloads it (a ticket in the query works for links).
    expect(await list(c.d1)).toContain(confidentialMinutes.id);
    expect((await download(app.url, await c.d1.ticketed(hidden, 'download'))).status).toBe(200);
  });
});
