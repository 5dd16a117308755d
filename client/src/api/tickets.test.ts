import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTokenProvider } from './http';
import { ticketedUrl } from './tickets';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('ticketedUrl', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('asks for a ticket for the path and purpose, and never puts the access token in the URL', async () => {
    useTokenProvider({
      token: () => 'secret-access-token',
      refresh: () => Promise.resolve(false),
      expired: vi.fn(),
    });
    const fetchMock = vi.fn((_url: string, _init: RequestInit) =>
      Promise.resolve(json(201, { ticket: 'T1', expiresAt: '2027-01-01T00:00:00.000Z' })),
    );
    vi.stubGlobal('fetch', fetchMock);
    const url = await ticketedUrl('/api/meetings/m1/live', 'live', { lastEventId: '7' });
    expect(url).toBe('/api/meetings/m1/live?lastEventId=7&ticket=T1');
    const [called, init] = fetchMock.mock.calls[0] ?? [];
    expect(called).toBe('/api/tickets');
    expect(JSON.parse(init?.body as string)).toEqual({
      purpose: 'live',
      resource: '/api/meetings/m1/live',
    });
  });

  it('leaves the URL plain without a session (public records need no ticket)', async () => {
    useTokenProvider({
      token: () => undefined,
      refresh: () => Promise.resolve(false),
      expired: vi.fn(),
    });
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    expect(await ticketedUrl('/api/minutes/published/v1/files/pdf', 'download')).toBe(
      '/api/minutes/published/v1/files/pdf',
    );
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
