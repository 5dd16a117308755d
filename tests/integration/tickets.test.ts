import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../server/contracts/errors';
import type { Meeting } from '../../server/contracts/meetings';
import { pdfBytes } from '../support/document-fixtures';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { loginAs, startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

// Issue 12 point 10: access tokens never travel in URLs. Streams and links carry single-use
// tickets bound to a user's session, one purpose and one path.
let app: TestApp;
let c: DemoClients;
let dir: Directory;
let meeting: Meeting;
let contentPath: string;
let otherContentPath: string;
let livePath: string;

async function uploadPdf(meetingId: string, title: string): Promise<string> {
  const form = new FormData();
  form.append('title', title);
  form.append('file', new Blob([new Uint8Array(pdfBytes(title))]), `${title}.pdf`);
  const res = await fetch(`${app.url}/api/meetings/${meetingId}/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.secretary.token ?? ''}` },
    body: form,
  });
  const body = (await res.json()) as { id: string };
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  meeting = await buildMeeting(c, dir, {
    delegates: ['daibieu1'],
    overrides: { visibility: 'confidential' },
  });
  contentPath = `/api/meetings/${meeting.id}/documents/${await uploadPdf(meeting.id, 'Tờ trình')}/content`;
  otherContentPath = `/api/meetings/${meeting.id}/documents/${await uploadPdf(meeting.id, 'Phụ lục')}/content`;
  livePath = `/api/meetings/${meeting.id}/live`;
}, 60_000);
afterAll(async () => {
  await app.stop();
});

const get = (url: string) => fetch(app.url + url, { headers: { accept: '*/*' } });

describe('access tokens in URLs', () => {
  it('are refused on a download, even a participant’s valid token', async () => {
    const res = await get(`${contentPath}?token=${c.d1.token ?? ''}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as ApiErrorBody).error.message).toMatch(/not accepted in URLs/);
  });

  it('are refused on a live stream', async () => {
    const res = await get(`${livePath}?token=${c.d1.token ?? ''}`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });
});

describe('POST /api/tickets', () => {
  it('gives a ticket that opens its download once', async () => {
    const url = await c.d1.ticketed(contentPath, 'download');
    expect(url).not.toContain(c.d1.token ?? 'no token');
    const first = await get(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    await first.arrayBuffer();
    expect((await get(url)).status).toBe(401);
  });

  it('gives a ticket that opens one live stream', async () => {
    const first = await get(await c.d1.ticketed(livePath, 'live'));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await first.body?.cancel();
  });

  it('refuses a ticket on another path or for another purpose', async () => {
    const forOther = await c.d1.ticketed(otherContentPath, 'download');
    expect((await get(`${contentPath}?${forOther.split('?')[1] ?? ''}`)).status).toBe(401);
    const liveTicket = await c.d1.ticketed(contentPath, 'live');
    expect((await get(liveTicket)).status).toBe(401);
  });

  it('refuses an expired ticket', async () => {
    const url = await c.d1.ticketed(contentPath, 'download');
    const mongo = new MongoClient(app.mongoUri, { serverSelectionTimeoutMS: 5000 });
    try {
      await mongo.connect();
      await mongo
        .db()
        .collection('tickets')
        .updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    } finally {
      await mongo.close();
    }
    expect((await get(url)).status).toBe(401);
  });

  it('refuses a ticket whose session has ended', async () => {
    const d1 = await loginAs(app.url, 'daibieu1');
    const url = await d1.ticketed(contentPath, 'download');
    expect((await d1.post('/api/auth/logout', {})).status).toBe(204);
    expect((await get(url)).status).toBe(401);
  });

  it('still authorizes: an outsider’s ticket opens nothing of a confidential meeting', async () => {
    expect((await get(await c.d2.ticketed(contentPath, 'download'))).status).toBe(404);
    expect((await get(await c.d2.ticketed(livePath, 'live'))).status).toBe(404);
  });

  it('is refused without a session, and for a resource outside the API', async () => {
    const anonymous = await c.anonymous.post('/api/tickets', {
      purpose: 'download',
      resource: contentPath,
    });
    expect(anonymous.status).toBe(401);
    const outside = await c.d1.post('/api/tickets', {
      purpose: 'download',
      resource: 'https://elsewhere.example/x',
    });
    expect(outside.status).toBe(400);
  });
});
