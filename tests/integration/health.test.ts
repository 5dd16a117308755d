import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../../server/contracts/health';
import { ApiClient, startTestApp, uniqueDbUri } from '../support/stack';
import type { TestApp } from '../support/stack';

describe('GET /api/health', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers 200 with each dependency ok while FerretDB and livekit-server run', async () => {
    const res = await new ApiClient(app.url).get<Health>('/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.mongo.status).toBe('ok');
    expect(res.body.livekit.status).toBe('ok');
    expect(res.body.collab.status).toBe('ok');
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('GET /api/health with a dependency stopped', () => {
  it('answers 503 naming MongoDB when the embedded FerretDB is stopped', async () => {
    // No MONGODB_URI: this server starts (and owns) its own FerretDB.
    const app = await startTestApp({ MONGODB_URI: '' });
    try {
      const client = new ApiClient(app.url);
      expect((await client.get('/api/health')).status).toBe(200);
      await app.supervisor?.stopService('ferretdb');
      const res = await client.get<Health>('/api/health');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('degraded');
      expect(res.body.mongo.status).toBe('down');
      expect(res.body.mongo.error).toBeTruthy();
      expect(res.body.livekit.status).toBe('ok');
    } finally {
      await app.stop();
    }
  });

  it('answers 503 naming LiveKit when the embedded livekit-server is stopped', async () => {
    const app = await startTestApp({
      LIVEKIT_URL: '',
      LIVEKIT_API_KEY: '',
      LIVEKIT_API_SECRET: '',
      MONGODB_URI: uniqueDbUri('health'),
    });
    try {
      const client = new ApiClient(app.url);
      expect((await client.get('/api/health')).status).toBe(200);
      await app.supervisor?.stopService('livekit');
      const res = await client.get<Health>('/api/health');
      expect(res.status).toBe(503);
      expect(res.body.livekit.status).toBe('down');
      expect(res.body.mongo.status).toBe('ok');
    } finally {
      await app.stop();
    }
  });
});

describe('the edge of the API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  interface ErrorBody {
    error: { code: string; message: string; details?: unknown };
  }

  it('answers an unknown /api route with 404 in the error shape, never a stack trace', async () => {
    const res = await fetch(`${app.url}/api/no-such-thing?x=1`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const text = await res.text();
    const body = JSON.parse(text) as ErrorBody;
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('POST /api/no-such-thing');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers malformed JSON with 400 and a body over the limit with 413', async () => {
    const malformed = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": "admin",',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error.code).toBe('malformed_json');

    // The default BODY_LIMIT is 1 MB.
    const tooLarge = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    const body = (await tooLarge.json()) as ErrorBody;
    expect(body.error.code).toBe('payload_too_large');
    expect(body.error.details).toMatchObject({ limit: 1024 * 1024 });
  });

  it('serves the app with a Content-Security-Policy that allows no other origin', async () => {
    // 200 once the client is built, 503 with a hint before: the policy is on both.
    const res = await fetch(`${app.url}/meetings`, { headers: { accept: 'text/html' } });
    expect([200, 503]).toContain(res.status);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Every source list names only this origin, data:/blob: URLs, or the app's own LiveKit.
    for (const directive of csp.split(';')) {
      const sources = directive.trim().split(/\s+/).slice(1);
      for (const s of sources) {
        expect(s, directive).toMatch(
          /^('self'|'none'|'unsafe-inline'|'wasm-unsafe-eval'|data:|blob:|(wss?|https?):\/\/(127\.0\.0\.1|localhost)(:\d+)?)$/,
        );
      }
    }
  });
});
