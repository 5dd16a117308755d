import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentNote, MeetingDocument } from '../../server/contracts/documents';
import type { Meeting } from '../../server/contracts/meetings';
import {
  exeBytes,
  jpegBytes,
  odtBytes,
  ooxmlBytes,
  pdfBytes,
  pdfOfSize,
  plainZipBytes,
  pngBytes,
} from '../support/document-fixtures';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';
import { must } from '../support/must';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let db: MongoClient;
let meeting: Meeting;

beforeAll(async () => {
  app = await startTestApp({ UPLOAD_LIMIT_MB: '1' });
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  db = new MongoClient(app.mongoUri);
  await db.connect();
  meeting = await buildMeeting(c, dir, { delegates: ['daibieu1'] });
});
afterAll(async () => {
  await db.close();
  await app.stop();
});

type ErrorBody = { error: { code: string; message: string } };

async function upload(
  client: ApiClient,
  path: string,
  file: Buffer,
  filename: string,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(file)]), filename);
  const res = await fetch(client.baseUrl + path, {
    method: 'POST',
    headers: client.token ? { authorization: `Bearer ${client.token}` } : {},
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as unknown };
}

async function download(client: ApiClient, path: string) {
  const res = await fetch(client.baseUrl + path, {
    headers: { authorization: `Bearer ${client.token ?? ''}` },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const storedFiles = () =>
  Promise.all([
    db.db().collection('document_files.files').countDocuments(),
    db.db().collection('document_files.chunks').countDocuments(),
  ]);

describe('uploading documents', () => {
  it('stores a PDF with its Vietnamese name and serves it back to participants', async () => {
    const name = 'Báo cáo tình hình "quý 4" (đợt 1).pdf';
    const bytes = pdfBytes('report');
    const res = await upload(c.secretary, `/api/meetings/${meeting.id}/documents`, bytes, name, {
      title: 'Báo cáo quý 4',
    });
    expect(res.status).toBe(201);
    const doc = res.body as MeetingDocument;
    expect(doc).toMatchObject({ title: 'Báo cáo quý 4', currentVersion: 1 });
    expect(doc.versions[0]).toMatchObject({
      version: 1,
      filename: name,
      type: 'pdf',
      contentType: 'application/pdf',
      size: bytes.length,
    });
    const got = await download(c.d1, `/api/meetings/${meeting.id}/documents/${doc.id}/content`);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    const disposition = got.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(
      /^attachment; filename="Bao cao tinh hinh _quy 4_ \(dot 1\)\.pdf"; filename\*=UTF-8''/,
    );
    expect(decodeURIComponent(disposition.split("UTF-8''")[1] ?? '')).toBe(name);
    const inline = await download(
      c.d1,
      `/api/meetings/${meeting.id}/documents/${doc.id}/content?disposition=inline`,
    );
    expect(inline.headers.get('content-disposition')).toMatch(/^inline;/);
    const byTicket = await fetch(
      app.url +
        (await c.d1.ticketed(
          `/api/meetings/${meeting.id}/documents/${doc.id}/content`,
          'download',
        )),
    );
    expect(byTicket.status).toBe(200);
  });

  it('accepts every allowed format by content and serves its real type', async () => {
    const cases: [Buffer, string, string][] = [
      [ooxmlBytes('docx'), 'Dự thảo.docx', 'docx'],
      [ooxmlBytes('xlsx'), 'Số liệu.xlsx', 'xlsx'],
      [ooxmlBytes('pptx'), 'Trình chiếu.pptx', 'pptx'],
      [odtBytes(), 'Văn bản.odt', 'odt'],
      [pngBytes(), 'Sơ đồ.png', 'png'],
      [jpegBytes(), 'Ảnh.jpg', 'jpeg'],
      [pdfBytes(), 'misnamed.docx', 'pdf'],
    ];
    for (const [bytes, name, type] of cases) {
      const res = await upload(c.secretary, `/api/meetings/${meeting.id}/documents`, bytes, name);
      expect(res.status, name).toBe(201);
      expect((res.body as MeetingDocument).versions[0]?.type).toBe(type);
    }
    const all = (await c.d1.get<MeetingDocument[]>(`/api/meetings/${meeting.id}/documents`)).body;
    expect(all.find((d) => d.versions[0]?.filename === 'misnamed.pdf')).toBeTruthy();
  });

  it('refuses an executable renamed .pdf, a plain ZIP and a macro document (415), keeping nothing', async () => {
    const before = await storedFiles();
    for (const [bytes, name] of [
      [exeBytes(), 'Báo cáo.pdf'],
      [plainZipBytes(), 'tai-lieu.docx'],
      [ooxmlBytes('docx', [{ name: 'word/vbaProject.bin', data: 'macro' }]), 'macro.docx'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'trang.pdf'],
    ] as [Buffer, string][]) {
      const res = await upload(c.secretary, `/api/meetings/${meeting.id}/documents`, bytes, name);
      expect(res.status, name).toBe(415);
      expect((res.body as ErrorBody).error.code).toBe('unsupported_media_type');
    }
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a file over the limit (413), keeping nothing', async () => {
    const before = await storedFiles();
    const over = await upload(
      c.secretary,
      `/api/meetings/${meeting.id}/documents`,
      pdfOfSize(1.5 * 1024 * 1024),
      'lớn.pdf',
    );
    expect(over.status).toBe(413);
    expect((over.body as ErrorBody).error.message).toContain('1 MB');
    const far = await upload(
      c.secretary,
      `/api/meetings/${meeting.id}/documents`,
      pdfOfSize(3 * 1024 * 1024),
      'rất lớn.pdf',
    ).catch(() => ({ status: 413, body: undefined }));
    expect(far.status).toBe(413);
    const under = await upload(
      c.secretary,
      `/api/meetings/${meeting.id}/documents`,
      pdfOfSize(900 * 1024),
      'vừa.pdf',
    );
    expect(under.status).toBe(201);
    const after = await storedFiles();
    expect(after[0]).toBe(before[0] + 1);
  });

  it('answers 400/415 for malformed uploads and 403 to those who may not add documents', async () => {
    const json = await c.secretary.post(`/api/meetings/${meeting.id}/documents`, { file: 'x' });
    expect(json.status).toBe(415);
    const form = new FormData();
    form.append('title', 'Không có tệp');
    const noFile = await fetch(`${app.url}/api/meetings/${meeting.id}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.secretary.token ?? ''}` },
      body: form,
    });
    expect(noFile.status).toBe(400);
    const badField = await upload(
      c.secretary,
      `/api/meetings/${meeting.id}/documents`,
      pdfBytes(),
      'a.pdf',
      { agendaItemId: 'nope' },
    );
    expect(badField.status).toBe(400);
    expect(JSON.stringify(badField.body)).toContain('body.agendaItemId');
    expect(
      (await upload(c.d1, `/api/meetings/${meeting.id}/documents`, pdfBytes(), 'a.pdf')).status,
    ).toBe(403);
    expect(
      (await upload(c.anonymous, `/api/meetings/${meeting.id}/documents`, pdfBytes(), 'a.pdf'))
        .status,
    ).toBe(401);
  });
});

describe('versions and downloads', () => {
  it('keeps old versions when a new one is uploaded', async () => {
    const first = (
      await upload(
        c.secretary,
        `/api/meetings/${meeting.id}/documents`,
        pdfBytes('v1'),
        'Nghị quyết.pdf',
      )
    ).body as MeetingDocument;
    const second = await upload(
      c.secretary,
      `/api/meetings/${meeting.id}/documents/${first.id}/versions`,
      ooxmlBytes('docx'),
      'Nghị quyết (sửa).docx',
    );
    expect(second.status).toBe(201);
    expect((second.body as MeetingDocument).versions.map((v) => [v.version, v.type])).toEqual([
      [1, 'pdf'],
      [2, 'docx'],
    ]);
    const latest = await download(
      c.d1,
      `/api/meetings/${meeting.id}/documents/${first.id}/content`,
    );
    expect(latest.headers.get('content-type')).toContain('wordprocessingml');
    const old = await download(
      c.d1,
      `/api/meetings/${meeting.id}/documents/${first.id}/content?version=1`,
    );
    expect(old.bytes.equals(pdfBytes('v1'))).toBe(true);
    expect(
      (await download(c.d1, `/api/meetings/${meeting.id}/documents/${first.id}/content?version=9`))
        .status,
    ).toBe(404);
  });

  it('renames a document and ties it to an agenda item', async () => {
    const doc = (
      await upload(c.secretary, `/api/meetings/${meeting.id}/documents`, pdfBytes(), 'tờ trình.pdf')
    ).body as MeetingDocument;
    const agenda = await c.secretary.post<{ items: { id: string }[] }>(
      `/api/meetings/${meeting.id}/agenda`,
      { title: 'Mục có tài liệu' },
    );
    const itemId = must(agenda.body.items.at(-1)).id;
    const patched = await c.secretary.patch<MeetingDocument>(
      `/api/meetings/${meeting.id}/documents/${doc.id}`,
      { title: 'Tờ trình số 12', agendaItemId: itemId },
    );
    expect(patched.body).toMatchObject({ title: 'Tờ trình số 12', agendaItemId: itemId });
    expect(
      (await c.d1.get<MeetingDocument>(`/api/meetings/${meeting.id}/documents/${doc.id}`)).body
        .title,
    ).toBe('Tờ trình số 12');
    expect(
      (
        await c.secretary.patch(`/api/meetings/${meeting.id}/documents/${doc.id}`, {
          agendaItemId: 'a'.repeat(24),
        })
      ).status,
    ).toBe(400);
    expect(
      (await c.secretary.patch(`/api/meetings/${meeting.id}/documents/${doc.id}`, {})).status,
    ).toBe(400);
    expect(
      (await c.d1.patch(`/api/meetings/${meeting.id}/documents/${doc.id}`, { title: 'x' })).status,
    ).toBe(403);
    expect((await c.d1.get(`/api/meetings/${meeting.id}/documents/${'b'.repeat(24)}`)).status).toBe(
      404,
    );
  });

  it('serves documents only to participants: 403 for others, 404 when the meeting is confidential', async () => {
    const doc = (
      await upload(c.secretary, `/api/meetings/${meeting.id}/documents`, pdfBytes(), 'a.pdf')
    ).body as MeetingDocument;
    expect(
      (await download(c.d2, `/api/meetings/${meeting.id}/documents/${doc.id}/content`)).status,
    ).toBe(403);
    expect((await c.d2.get(`/api/meetings/${meeting.id}/documents`)).status).toBe(403);
    const secret = await buildMeeting(c, dir, {
      delegates: ['daibieu1'],
      overrides: { visibility: 'confidential' },
    });
    const hidden = (
      await upload(c.secretary, `/api/meetings/${secret.id}/documents`, pdfBytes(), 'mật.pdf')
    ).body as MeetingDocument;
    expect(
      (await download(c.d2, `/api/meetings/${secret.id}/documents/${hidden.id}/content`)).status,
    ).toBe(404);
    expect(
      (await download(c.d1, `/api/meetings/${secret.id}/documents/${hidden.id}/content`)).status,
    ).toBe(200);
    expect(
      (await download(c.d1, `/api/meetings/${meeting.id}/documents/${hidden.id}/content`)).status,
    ).toBe(404);
  });

  it('withdraws a document from the list but keeps its versions in the record', async () => {
    const doc = (
      await upload(c.secretary, `/api/meetings/${meeting.id}/documents`, pdfBytes(), 'rút.pdf')
    ).body as MeetingDocument;
    expect((await c.d1.delete(`/api/meetings/${meeting.id}/documents/${doc.id}`)).status).toBe(403);
    expect(
      (await c.secretary.delete(`/api/meetings/${meeting.id}/documents/${doc.id}`)).status,
    ).toBe(204);
    const list = (await c.d1.get<MeetingDocument[]>(`/api/meetings/${meeting.id}/documents`)).body;
    expect(list.map((d) => d.id)).not.toContain(doc.id);
    expect(
      await db
        .db()
        .collection('document_versions')
        .countDocuments({ documentId: { $exists: true }, version: 1, filename: 'rút.pdf' }),
    ).toBe(1);
  });
});

describe('private notes', () => {
  it('are readable and writable only by their author', async () => {
    const doc = (
      await upload(c.secretary, `/api/meetings/${meeting.id}/documents`, pdfBytes(), 'ghi chú.pdf')
    ).body as MeetingDocument;
    const path = `/api/meetings/${meeting.id}/documents/${doc.id}/notes/mine`;
    const put = await c.d1.put<DocumentNote>(path, { text: 'Cần hỏi lại số liệu trang 3' });
    expect(put.body.text).toBe('Cần hỏi lại số liệu trang 3');
    expect((await c.d1.get<DocumentNote>(path)).body.text).toBe('Cần hỏi lại số liệu trang 3');
    expect((await c.secretary.get<DocumentNote>(path)).body).toMatchObject({
      text: '',
      updatedAt: null,
    });
    expect((await c.chair.get<DocumentNote>(path)).body.text).toBe('');
    expect((await c.d2.get(path)).status).toBe(403);
    expect((await c.d1.put(path, { text: 42 })).status).toBe(400);
    expect((await c.d1.delete(path)).status).toBe(204);
    expect((await c.d1.get<DocumentNote>(path)).body.text).toBe('');
  });
});
