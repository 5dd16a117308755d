import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, request, useTokenProvider } from './http';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('request', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('renews an expired token once and retries with the new one', async () => {
    let token = 'old';
    const refresh = vi.fn(() => {
      token = 'new';
      return Promise.resolve(true);
    });
    useTokenProvider({ token: () => token, refresh, expired: vi.fn() });
    const fetchMock = vi.fn((_url: string, init: RequestInit) =>
      Promise.resolve(
        (init.headers as Record<string, string>).Authorization === 'Bearer new'
          ? json(200, { ok: true })
          : json(401, { error: { code: 'token_expired', message: 'expired' } }),
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    await expect(request('GET', '/api/auth/me')).resolves.toEqual({ ok: true });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('reports the end of the session when renewal fails', async () => {
    const expired = vi.fn();
    useTokenProvider({ token: () => 'old', refresh: () => Promise.resolve(false), expired });
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(json(401, { error: { code: 'unauthenticated', message: 'no' } })),
      ),
    );
    await expect(request('GET', '/api/auth/me')).rejects.toMatchObject({
      code: 'unauthenticated',
      status: 401,
    });
    expect(expired).toHaveBeenCalled();
  });

  it('turns validation errors into field errors and network failures into code network', async () => {
    useTokenProvider({
      token: () => undefined,
      refresh: () => Promise.resolve(false),
      expired: vi.fn(),
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          json(400, {
            error: {
              code: 'validation_failed',
              message: 'bad',
              details: { issues: [{ path: 'body.fullName', message: 'too short' }] },
            },
          }),
        ),
      ),
    );
    const err = await request('POST', '/api/users', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).fieldErrors()).toEqual({ fullName: 'too short' });

    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(request('GET', '/api/units')).rejects.toMatchObject({ code: 'network' });
  });
});
