import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../server/contracts/errors';
import { ApiClient, startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

// A file of its own: the per-address limit counts every failure this app has seen.
describe('login rate limit per address', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers 429 after 30 failures from one address, whichever accounts they name', async () => {
    const client = new ApiClient(app.url);
    for (let i = 0; i < 30; i++) {
      expect(
        (await client.post('/api/auth/login', { username: `ghost${i}`, password: 'x' })).status,
      ).toBe(401);
    }
    const limited = await client.post<ApiErrorBody>('/api/auth/login', {
      username: 'ghost-last',
      password: 'x',
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
  });
});
