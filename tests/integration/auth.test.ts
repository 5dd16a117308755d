import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionResponse } from '../../server/contracts/auth';
import type { ApiErrorBody } from '../../server/contracts/errors';
import type { User } from '../../server/contracts/users';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { ObjectId } from 'mongodb';
import type { Db } from 'mongodb';
import { MongoClient } from 'mongodb';
import { must } from '../support/must';
import { ApiClient, loginAs, startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';

/** Runs `fn` on the app's database (to move a stored time into the past without sleeping). */
async function withDb<T>(uri: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    return await fn(client.db());
  } finally {
    await client.close();
  }
}

describe('authentication', () => {
  let app: TestApp;
  let anon: ApiClient;
  beforeAll(async () => {
    app = await startTestApp();
    anon = new ApiClient(app.url);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('logs in with the right password and answers the user and tokens', async () => {
    const res = await anon.post<SessionResponse>('/api/auth/login', {
      username: 'chutich',
      password: DEMO_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe('chutich');
    expect(res.body.user.fullName).toBe('Lê Minh Quân');
    expect(res.body.token.split('.')).toHaveLength(3);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(res.headers.get('set-cookie')).toMatch(/dh_refresh=.+HttpOnly.+SameSite=Strict/i);
    expect(JSON.stringify(res.body)).not.toMatch(/hash|argon/i);

    const me = await new ApiClient(app.url, res.body.token).get<User>('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('chutich');
  });

  it('answers the same 401 for a wrong password and for an unknown user', async () => {
    const wrong = await anon.post<ApiErrorBody>('/api/auth/login', {
      username: 'thuky',
      password: 'not the password',
    });
    const unknown = await anon.post<ApiErrorBody>('/api/auth/login', {
      username: 'nobody.here',
      password: 'whatever',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(unknown.body.error.code).toBe('invalid_credentials');
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('rejects malformed login bodies with field paths and changes nothing', async () => {
    const res = await anon.post<ApiErrorBody>('/api/auth/login', { username: '', password: 42 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = (res.body.error.details as { issues: { path: string }[] }).issues.map(
      (i) => i.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.password']));
  });

  it('rate-limits repeated failures on one account with 429 and Retry-After, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await anon.post('/api/auth/login', {
        username: 'daibieu3',
        password: `wrong-${i}`,
      });
      expect(r.status).toBe(401);
    }
    const limited = await anon.post<ApiErrorBody>('/api/auth/login', {
      username: 'daibieu3',
      password: DEMO_PASSWORD,
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other accounts are not affected.
    expect(
      (await anon.post('/api/auth/login', { username: 'daibieu2', password: DEMO_PASSWORD }))
        .status,
    ).toBe(200);
  });

  it('rotates the refresh token, keeps the previous one briefly, and ends the session on logout', async () => {
    const login = await anon.post<SessionResponse>('/api/auth/login', {
      username: 'daibieu1',
      password: DEMO_PASSWORD,
    });
    const first = login.body.refreshToken;
    const refreshed = await anon.post<SessionResponse>('/api/auth/refresh', {
      refreshToken: first,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(first);
    // A second tab still holding the previous token within the grace period is not logged out.
    expect((await anon.post('/api/auth/refresh', { refreshToken: first })).status).toBe(200);

    const client = new ApiClient(app.url, refreshed.body.token);
    expect((await client.post('/api/auth/logout', {})).status).toBe(204);
    const after = await client.get<ApiErrorBody>('/api/auth/me');
    expect(after.status).toBe(401);
    expect(
      (await anon.post('/api/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status,
    ).toBe(401);
  });

  it('treats a refresh token replayed after its minute of grace as theft: the whole session ends', async () => {
    const login = await anon.post<SessionResponse>('/api/auth/login', {
      username: 'daibieu2',
      password: DEMO_PASSWORD,
    });
    const stolen = login.body.refreshToken;
    const rotated = await anon.post<SessionResponse>('/api/auth/refresh', { refreshToken: stolen });
    expect(rotated.status).toBe(200);
    const sessionId = must(stolen.split('.')[0]);
    // The rotation happened more than 60 s ago: move its grace period into the past.
    await withDb(app.mongoUri, (db) =>
      db
        .collection('sessions')
        .updateOne(
          { _id: new ObjectId(sessionId) },
          { $set: { previousValidUntil: new Date(Date.now() - 1000) } },
        ),
    );
    const replay = await anon.post<ApiErrorBody>('/api/auth/refresh', { refreshToken: stolen });
    expect(replay.status).toBe(401);
    // The legitimate holder's newer tokens die with it: refresh and access alike.
    const owner = await anon.post('/api/auth/refresh', {
      refreshToken: rotated.body.refreshToken,
    });
    expect(owner.status).toBe(401);
    expect((await new ApiClient(app.url, rotated.body.token).get('/api/auth/me')).status).toBe(401);
    const row = await withDb(app.mongoUri, (db) =>
      db.collection('sessions').findOne({ _id: new ObjectId(sessionId) }),
    );
    expect(row?.revokedReason).toBe('refresh_replay');
  });

  it('also ends the session when a token two rotations old comes back after its minute', async () => {
    const refresh = (refreshToken: string) =>
      anon.post<SessionResponse>('/api/auth/refresh', { refreshToken });
    const login = await anon.post<SessionResponse>('/api/auth/login', {
      username: 'diemcau.vinhyen',
      password: DEMO_PASSWORD,
    });
    const stolen = login.body.refreshToken;
    const second = await refresh(stolen);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    const sessionId = must(stolen.split('.')[0]);
    const past = new Date(Date.now() - 1000);
    await withDb(app.mongoUri, async (db) => {
      const sessions = db.collection<{ retired: { hash: string; validUntil: Date }[] }>('sessions');
      const row = await sessions.findOne({ _id: new ObjectId(sessionId) });
      const retired = (row?.retired ?? []).map((r) => ({ ...r, validUntil: past }));
      expect(retired).toHaveLength(1);
      await sessions.updateOne(
        { _id: new ObjectId(sessionId) },
        { $set: { previousValidUntil: past, retired } },
      );
    });
    expect((await refresh(stolen)).status).toBe(401);
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
  });

  it('keeps the session when three tabs present the same token within its minute', async () => {
    const refresh = (refreshToken: string) =>
      anon.post<SessionResponse>('/api/auth/refresh', { refreshToken });
    const login = await anon.post<SessionResponse>('/api/auth/login', {
      username: 'chutich',
      password: DEMO_PASSWORD,
    });
    const shared = login.body.refreshToken;
    expect((await refresh(shared)).status).toBe(200);
    const second = await refresh(shared);
    expect(second.status).toBe(200);
    // Now two rotations old, but its minute is not over: refused, not read as theft.
    expect((await refresh(shared)).status).toBe(401);
    expect((await refresh(second.body.refreshToken)).status).toBe(200);
  });

  it('refuses forged and garbage tokens', async () => {
    const me = await loginAs(app.url, 'thuky');
    const [h, p] = (me.token ?? '').split('.');
    const forged = new ApiClient(app.url, `${h}.${p}.AAAA`);
    expect((await forged.get('/api/auth/me')).status).toBe(401);
    expect((await new ApiClient(app.url, 'garbage').get('/api/auth/me')).status).toBe(401);
    expect((await anon.get('/api/auth/me')).status).toBe(401);
  });

  it('a deactivated account can no longer log in and its tokens stop working', async () => {
    const admin = await loginAs(app.url, 'admin');
    const users = await admin.get<{ items: User[] }>('/api/users?q=diemcau.tamhop');
    const target = users.body.items[0];
    expect(target).toBeDefined();
    const operator = await loginAs(app.url, 'diemcau.tamhop');
    expect((await admin.post(`/api/users/${target?.id}/deactivate`)).status).toBe(200);
    const relogin = await anon.post<ApiErrorBody>('/api/auth/login', {
      username: 'diemcau.tamhop',
      password: DEMO_PASSWORD,
    });
    expect(relogin.status).toBe(403);
    expect(relogin.body.error.code).toBe('account_disabled');
    // Its sessions were revoked: once the 5 s per-process cache lapses, the token stops working.
    await waitFor(
      async () => (await operator.get('/api/auth/me')).status === 401,
      'the revoked token to be refused',
      10_000,
      200,
    );
  });

  it('lets a user change their own password after giving the current one', async () => {
    const user = await loginAs(app.url, 'daibieu2');
    const bad = await user.post<ApiErrorBody>('/api/auth/password', {
      currentPassword: 'nope',
      newPassword: 'Mat-khau-moi-2026',
    });
    expect(bad.status).toBe(401);
    const short = await user.post<ApiErrorBody>('/api/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'short',
    });
    expect(short.status).toBe(400);
    const ok = await user.post('/api/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'Mat-khau-moi-2026',
    });
    expect(ok.status).toBe(200);
    expect(
      (await anon.post('/api/auth/login', { username: 'daibieu2', password: 'Mat-khau-moi-2026' }))
        .status,
    ).toBe(200);
    expect(
      (await anon.post('/api/auth/login', { username: 'daibieu2', password: DEMO_PASSWORD }))
        .status,
    ).toBe(401);
  });
});
