import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../server/contracts/meetings';
import { startAppProcess } from '../support/app-process';
import type { AppProcess } from '../support/app-process';
import { pdfBytes, pdfOfSize } from '../support/document-fixtures';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients } from '../support/records';
import { dropDatabase, uniqueDbUri, waitFor } from '../support/stack';

// Issue 12, point 1 and the property tests of the body parsers: malformed, truncated and
// aborted bodies against a real app process. The process stays up, answers 4xx (or the
// connection is gone, for aborts) and stores nothing.

let app: AppProcess;
let mongoUri: string;
let db: MongoClient;
let c: DemoClients;
let meeting: Meeting;
let versionsPath: string;

beforeAll(async () => {
  mongoUri = uniqueDbUri('robust');
  app = await startAppProcess({ MONGODB_URI: mongoUri, SEED: 'demo', UPLOAD_LIMIT_MB: '2' });
  db = new MongoClient(mongoUri);
  await db.connect();
  c = await demoClients(app.url);
  meeting = await buildMeeting(c, await directory(c.admin), { delegates: ['daibieu1'] });
  const first = await post(
    documentsPath(),
    multipart('ZZ', { title: 'First' }, pdfBytes('first')),
    'multipart/form-data; boundary=ZZ',
    c.secretary.token,
  );
  if (first.status !== 201) throw new Error(`upload: ${String(first.status)}`);
  versionsPath = `${documentsPath()}/${(first.body as { id: string }).id}/versions`;
}, 120_000);

afterAll(async () => {
  await db.close();
  await app.stop();
  await dropDatabase(mongoUri).catch(() => undefined);
});

/** Whether the app process is still alive (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What is stored of meeting documents: GridFS files, GridFS chunks, document records. */
function stored(): Promise<number[]> {
  const d = db.db();
  return Promise.all([
    d.collection('document_files.files').countDocuments(),
    d.collection('document_files.chunks').countDocuments(),
    d.collection('meetingdocuments').countDocuments(),
    d.collection('documentversions').countDocuments(),
  ]);
}

async function post(
  path: string,
  body: Buffer | string,
  contentType: string,
  token?: string,
): Promise<{
  status: number;
  body: { id?: string; error?: { code: string; message: string } };
}> {
  const res = await fetch(app.url + path, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
}

/** The body of the curl: a file part without its closing boundary. */
const TRUNCATED_PDF = Buffer.from(
  '--ZZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n' +
    'Content-Type: application/pdf\r\n\r\n%PDF-1.4 truncated',
);

function multipart(
  boundary: string,
  fields: Record<string, string>,
  file: Buffer,
  filename = 'report.pdf',
): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        'Content-Type: application/pdf\r\n\r\n',
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return Buffer.concat(parts);
}

/**
 * Sends the start of a request whose declared length is larger than what is sent, waits until
 * `sent` resolves true (or 300 ms of quiet), then destroys the socket.
 */
async function abortedUpload(
  path: string,
  headers: Record<string, string>,
  head: Buffer,
  declaredLength: number,
  ready: () => Promise<boolean>,
  method = 'POST',
): Promise<void> {
  const req = httpRequest(app.url + path, {
    method,
    headers: { ...headers, 'content-length': String(declaredLength) },
  });
  req.on('error', () => undefined);
  req.write(head);
  await waitFor(ready, 'the server to receive the start of the upload', 10_000);
  req.destroy();
}

const documentsPath = (): string => `/api/meetings/${meeting.id}/documents`;

describe('point 1: a truncated multipart body does not stop the app', () => {
  it('answers the issue’s truncated verify upload with 400 and keeps serving', async () => {
    const res = await post(
      '/api/minutes/verify',
      TRUNCATED_PDF,
      'multipart/form-data; boundary=ZZ',
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/malformed|ended before/i);
    expect(alive(app.pid)).toBe(true);
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  });

  it('answers a truncated document upload with 400, keeps serving and stores nothing', async () => {
    const before = await stored();
    // Larger than one GridFS chunk (255 KiB), so chunks are written before the body ends.
    const full = multipart('ZZ', { title: 'Truncated' }, pdfOfSize(700 * 1024));
    const body = full.subarray(0, full.length - 200 * 1024);
    const res = await post(
      documentsPath(),
      body,
      'multipart/form-data; boundary=ZZ',
      c.secretary.token,
    );
    expect(res.status).toBe(400);
    expect(alive(app.pid)).toBe(true);
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    expect(await stored()).toEqual(before);
  });

  it('removes what an aborted document upload stored and keeps serving', async () => {
    const before = await stored();
    const full = multipart('ZZ', { title: 'Aborted' }, pdfOfSize(1500 * 1024));
    await abortedUpload(
      documentsPath(),
      {
        'content-type': 'multipart/form-data; boundary=ZZ',
        authorization: `Bearer ${c.secretary.token ?? ''}`,
      },
      full.subarray(0, 900 * 1024),
      full.length,
      async () => ((await stored())[1] ?? 0) > (before[1] ?? 0),
    );
    await waitFor(
      async () => JSON.stringify(await stored()) === JSON.stringify(before),
      'the partial upload to be removed',
    );
    expect(alive(app.pid)).toBe(true);
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  });

  it('keeps serving after a verify upload is aborted mid-body', async () => {
    const full = multipart('ZZ', {}, pdfOfSize(600 * 1024));
    await abortedUpload(
      '/api/minutes/verify',
      { 'content-type': 'multipart/form-data; boundary=ZZ' },
      full.subarray(0, 300 * 1024),
      full.length,
      () => Promise.resolve(true),
    );
    const res = await post(
      '/api/minutes/verify',
      TRUNCATED_PDF,
      'multipart/form-data; boundary=ZZ',
    );
    expect(res.status).toBe(400);
    expect(alive(app.pid)).toBe(true);
  });

  it('still accepts a complete upload afterwards', async () => {
    const res = await post(
      documentsPath(),
      multipart('ZZ', { title: 'Complete' }, pdfBytes('complete')),
      'multipart/form-data; boundary=ZZ',
      c.secretary.token,
    );
    expect(res.status).toBe(201);
  });
});

/** A multipart body and the ways to break it. */
const brokenMultipart = fc
  .record({
    boundary: fc.stringMatching(/^[A-Za-z0-9'()+_,.-]{1,40}$/),
    title: fc.string({ maxLength: 40 }).map((t) => t.replace(/[\r\n"]/g, ' ')),
    size: fc.integer({ min: 0, max: 400 * 1024 }),
    breakage: fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), keep: fc.double({ min: 0, max: 1 }) }),
      fc.record({ kind: fc.constant('wrong-boundary' as const), other: fc.constant('YY') }),
      fc.record({
        kind: fc.constant('no-boundary-param' as const),
        other: fc.constant(''),
      }),
      fc.record({
        kind: fc.constant('garbage' as const),
        bytes: fc.uint8Array({ minLength: 0, maxLength: 2048 }),
      }),
    ),
  })
  .map(({ boundary, title, size, breakage }) => {
    const full = multipart(boundary, { title }, pdfOfSize(Math.max(size, 400)));
    const type = `multipart/form-data; boundary=${boundary}`;
    switch (breakage.kind) {
      case 'truncate': {
        // Cut anywhere before the closing boundary is complete.
        const closing = `\r\n--${boundary}--`.length;
        const cut = Math.floor(breakage.keep * (full.length - closing - 2));
        return { body: full.subarray(0, cut), type };
      }
      case 'wrong-boundary':
        return { body: full, type: `multipart/form-data; boundary=${boundary}X` };
      case 'no-boundary-param':
        return { body: full, type: 'multipart/form-data' };
      case 'garbage':
        return { body: Buffer.from(breakage.bytes), type };
    }
  });

describe('property: broken multipart bodies', () => {
  it('every upload route answers a broken multipart body with 4xx, stays up and stores nothing', async () => {
    const before = await stored();
    const routes = [documentsPath(), versionsPath, '/api/minutes/verify'];
    await fc.assert(
      fc.asyncProperty(brokenMultipart, fc.constantFrom(...routes), async (input, route) => {
        const res = await post(route, input.body, input.type, c.secretary.token);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.error?.code).toBeTypeOf('string');
      }),
      { numRuns: 30 },
    );
    expect(alive(app.pid)).toBe(true);
    expect(await stored()).toEqual(before);
  }, 120_000);

  it('aborted uploads at any point leave nothing stored and the app up', async () => {
    const before = await stored();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 700 * 1024 }),
        fc.constantFrom(documentsPath(), versionsPath, '/api/minutes/verify', 'raw verify'),
        async (sent, route) => {
          const full = multipart('QQ', { title: 'Aborted' }, pdfOfSize(800 * 1024));
          const raw = route === 'raw verify';
          await abortedUpload(
            raw ? '/api/minutes/verify' : route,
            {
              'content-type': raw ? 'application/pdf' : 'multipart/form-data; boundary=QQ',
              authorization: `Bearer ${c.secretary.token ?? ''}`,
            },
            full.subarray(0, sent),
            full.length,
            () => Promise.resolve(true),
          );
        },
      ),
      { numRuns: 10 },
    );
    await waitFor(
      async () => JSON.stringify(await stored()) === JSON.stringify(before),
      'every partial upload to be removed',
    );
    expect(alive(app.pid)).toBe(true);
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  }, 120_000);
});

describe('property: broken JSON bodies', () => {
  /** JSON routes tried, each with a valid body to cut short. */
  const jsonRoutes = (): { method: string; path: string; valid: unknown }[] => [
    { method: 'POST', path: '/api/auth/login', valid: { username: 'thuky', password: 'wrong' } },
    { method: 'POST', path: '/api/minutes/verify', valid: { sha256: 'a'.repeat(64) } },
    { method: 'POST', path: '/api/meetings', valid: { title: 'Họp', startsAt: 'x' } },
    { method: 'PATCH', path: `/api/meetings/${meeting.id}`, valid: { title: 'Họp mới' } },
    { method: 'PATCH', path: `${documentsPath()}/x`, valid: { title: 'Tài liệu' } },
  ];

  async function send(
    route: { method: string; path: string },
    body: Buffer | string,
  ): Promise<number> {
    const res = await fetch(app.url + route.path, {
      method: route.method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${c.secretary.token ?? ''}`,
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    await res.arrayBuffer();
    return res.status;
  }

  const meetingsStored = (): Promise<number> => db.db().collection('meetings').countDocuments();

  it('truncated JSON answers 400 on every JSON route tried, stores nothing, and the app stays up', async () => {
    const before = [await meetingsStored(), ...(await stored())];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...jsonRoutes()),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (route, keep) => {
          const text = JSON.stringify(route.valid);
          const cut = Math.max(1, Math.floor(keep * (text.length - 1)));
          expect(await send(route, text.slice(0, cut))).toBe(400);
        },
      ),
      { numRuns: 30 },
    );
    expect(alive(app.pid)).toBe(true);
    expect([await meetingsStored(), ...(await stored())]).toEqual(before);
  }, 60_000);

  it('arbitrary bytes sent as JSON answer 4xx, store nothing, and the app stays up', async () => {
    const before = [await meetingsStored(), ...(await stored())];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...jsonRoutes()),
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        async (route, bytes) => {
          const status = await send(route, Buffer.from(bytes));
          expect(status).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: 30 },
    );
    expect(alive(app.pid)).toBe(true);
    expect([await meetingsStored(), ...(await stored())]).toEqual(before);
  }, 60_000);

  it('the signed webhook answers truncated or arbitrary bodies with 4xx, and the app stays up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 1024 }), async (bytes) => {
        const res = await fetch(`${app.url}/api/livekit/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/webhook+json', authorization: 'x.y.z' },
          body: Buffer.from(bytes),
        });
        await res.arrayBuffer();
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 20 },
    );
    expect(alive(app.pid)).toBe(true);
  }, 60_000);

  it('a JSON body cut off by a dropped connection leaves the app up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2000 }), async (sent) => {
        const body = Buffer.from(JSON.stringify({ title: 'x'.repeat(4000) }));
        await abortedUpload(
          `/api/meetings/${meeting.id}`,
          {
            'content-type': 'application/json',
            authorization: `Bearer ${c.secretary.token ?? ''}`,
          },
          body.subarray(0, sent),
          body.length,
          () => Promise.resolve(true),
          'PATCH',
        );
      }),
      { numRuns: 10 },
    );
    expect(alive(app.pid)).toBe(true);
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  }, 60_000);
});

describe('point 9: download names', () => {
  it('serves a document uploaded as "hoá đơn<RLO>fdp.exe" without the override', async () => {
    const res = await post(
      documentsPath(),
      multipart('ZZ', { title: 'RLO' }, pdfBytes('rlo'), 'hoá đơn\u202Efdp.exe'),
      'multipart/form-data; boundary=ZZ',
      c.secretary.token,
    );
    expect(res.status).toBe(201);
    const download = await fetch(`${app.url}${documentsPath()}/${res.body.id ?? ''}/content`, {
      headers: { authorization: `Bearer ${c.secretary.token ?? ''}` },
    });
    await download.arrayBuffer();
    const header = download.headers.get('content-disposition') ?? '';
    expect(header).toContain(`filename*=UTF-8''${encodeURIComponent('hoá đơnfdp.pdf')}`);
    expect(header).not.toMatch(/%E2%80%AE/i);
  });
});
