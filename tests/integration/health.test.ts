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
