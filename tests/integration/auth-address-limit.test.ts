import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../server/contracts/errors';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { ApiClient, startTestApp } from '../support/stack';
import type { ApiResponse, TestApp } from '../support/stack';

// A file of its own: the per-address ceiling counts every failure this app has seen. The app
// trusts the loopback proxy, so X-Forwarded-For stands for the client's address.
const CEILING = 12;

describe('login limits per account and address', () => {
  let app: TestApp;
  let client: ApiClient;
  let mongo: MongoClient;
  beforeAll(async () => {
    app = await startTestApp({
      TRUST_PROXY: 'loopback',
      LOGIN_MAX_FAILURES_PER_ADDRESS: String(CEILING),
    });
    client = new ApiClient(app.url);
    mongo = new MongoClient(app.mongoUri, { serverSelectionTimeoutMS: 5000 });
    await mongo.connect();
  });
  afterAll(async () => {
    await mongo.close();
    await app.stop();
  });

  const login = (
    username: string,
    password: string,
    from: string,
  ): Promise<ApiResponse<ApiErrorBody>> =>
    client.request<ApiErrorBody>(
      'POST',
      '/api/auth/login',
      { username, password },
      { 'x-forwarded-for': from },
    );

  /** Moves the stored failures of one pair back in time, instead of sleeping. */
  const age = async (username: string, address: string, ms: number) => {
    const failures = mongo.db().collection<{ key: string; at: Date }>('login_failures');
    const rows = await failures.find({ key: `pair:${username}|${address}` }).toArray();
    for (const r of rows) {
      await failures.updateOne({ _id: r._id }, { $set: { at: new Date(r.at.getTime() - ms) } });
    }
  };

  it('slows down only the failing account at that address: colleagues behind it still log in', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await login('daibieu1', `wrong-${i}`, '10.0.0.1')).status).toBe(401);
    }
    const limited = await login('daibieu1', DEMO_PASSWORD, '10.0.0.1');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBe(1);
    expect((await login('daibieu2', DEMO_PASSWORD, '10.0.0.1')).status).toBe(200);
    expect((await login('daibieu1', DEMO_PASSWORD, '10.0.0.2')).status).toBe(200);
  });

  it('doubles the wait after each further failure of the pair', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await login('daibieu3', `wrong-${i}`, '10.0.0.3')).status).toBe(401);
    }
    expect(Number((await login('daibieu3', 'x', '10.0.0.3')).headers.get('retry-after'))).toBe(1);
    await age('daibieu3', '10.0.0.3', 1500);
    expect((await login('daibieu3', 'wrong-again', '10.0.0.3')).status).toBe(401);
    const second = await login('daibieu3', DEMO_PASSWORD, '10.0.0.3');
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBe(2);
    await age('daibieu3', '10.0.0.3', 2500);
    expect((await login('daibieu3', 'wrong-once-more', '10.0.0.3')).status).toBe(401);
    expect(
      Number((await login('daibieu3', DEMO_PASSWORD, '10.0.0.3')).headers.get('retry-after')),
    ).toBe(4);
  });

  it('counts a burst of concurrent guesses one by one: only the free failures get through', async () => {
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login('thuky', `guess-${i}`, '10.0.0.4')),
    );
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it(`refuses an address after ${CEILING} failures whatever the accounts (password spraying)`, async () => {
    for (let i = 0; i < CEILING; i++) {
      expect((await login(`ghost${i}`, 'x', '10.0.0.9')).status).toBe(401);
    }
    const limited = await login('chutich', DEMO_PASSWORD, '10.0.0.9');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login('chutich', DEMO_PASSWORD, '10.0.0.10')).status).toBe(200);
  });
});
