import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Supervisor } from '../../infra/local/supervisor';
import type { Agenda } from '../../server/contracts/agenda';
import type { LiveEvent, LiveSnapshot } from '../../server/contracts/live';
import type { FloorState } from '../../server/contracts/speakers';
import type { Poll } from '../../server/contracts/votes';
import { startAppProcess } from '../support/app-process';
import type { AppProcess } from '../support/app-process';
import { buildMeeting, directory } from '../support/records';
import type { Directory } from '../support/records';
import { startRoundRobinProxy } from '../support/round-robin-proxy';
import type { RoundRobinProxy } from '../support/round-robin-proxy';
import { SseClient } from '../support/sse-client';
import { ApiClient, dropDatabase, loginAs, stack, uniqueDbUri, waitFor } from '../support/stack';
import { must } from '../support/must';

// Two API processes share FerretDB and fan live events out through Redis; one round-robin
// proxy sits in front, as in production behind a load balancer.

let supervisor: Supervisor;
let redisDir: string;
let mongoUri: string;
let apps: AppProcess[] = [];
let proxy: RoundRobinProxy;
let dir: Directory;
let chair: ApiClient;
let secretary: ApiClient;
let d1: ApiClient;
let d2: ApiClient;
const clients: SseClient[] = [];

beforeAll(async () => {
  redisDir = mkdtempSync(join(stack().tmpDir, 'redis-'));
  supervisor = new Supervisor({ root: stack().root, dataDir: redisDir, log: () => undefined });
  const redis = await supervisor.startRedis();
  mongoUri = uniqueDbUri('live');
  const shared = {
    MONGODB_URI: mongoUri,
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LIVE_HEARTBEAT_SECONDS: '1',
  };
  // One after the other: the first seeds the empty database.
  apps.push(await startAppProcess({ ...shared, SEED: 'demo' }));
  apps.push(await startAppProcess({ ...shared, SEED: 'none' }));
  proxy = await startRoundRobinProxy(apps.map((a) => a.url));
  [chair, secretary, d1, d2] = (await Promise.all(
    ['chutich', 'thuky', 'daibieu1', 'daibieu2'].map((u) => loginAs(proxy.url, u)),
  )) as [ApiClient, ApiClient, ApiClient, ApiClient];
  dir = await directory(await loginAs(proxy.url, 'admin'));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await proxy.close();
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
  await supervisor.stop();
  rmSync(redisDir, { recursive: true, force: true });
  await dropDatabase(mongoUri).catch(() => undefined);
});

/** Opens a stream through the proxy and reports which backend serves it. */
async function stream(
  client: ApiClient,
  meetingId: string,
  opts: { lastEventId?: number; header?: boolean } = {},
) {
  const query: Record<string, string> = {};
  if (opts.lastEventId !== undefined && !opts.header) query.lastEventId = String(opts.lastEventId);
  const headers =
    opts.lastEventId !== undefined && opts.header
      ? { 'last-event-id': String(opts.lastEventId) }
      : undefined;
  // The ticket comes straight from the first process (not through the proxy, whose round
  // robin would count it); either process redeems it, as tickets live in MongoDB.
  const direct = new ApiClient(must(apps[0]).url, client.token);
  const sse = await SseClient.connect(
    `${proxy.url}${await direct.ticketed(`/api/meetings/${meetingId}/live`, 'live', query)}`,
    headers,
  );
  clients.push(sse);
  const backend = proxy.served.at(-1) as number;
  await sse.next((e) => e.event === 'ready', 'the ready event', 10_000);
  return { sse, backend };
}

const live = (sse: SseClient) => sse.messages<LiveEvent>();

describe('live state across two API processes', () => {
  it('brings every change to clients on both processes within 500 ms', async () => {
    const m = await buildMeeting({ secretary }, dir, { state: 'live' });
    const agenda = (
      await secretary.post<Agenda>(`/api/meetings/${m.id}/agenda`, { title: 'Mục 1' })
    ).body;
    await d1.post(`/api/meetings/${m.id}/attendance/check-in`);
    const a = await stream(d1, m.id);
    const b = await stream(d2, m.id);
    expect(a.backend).not.toBe(b.backend);

    const changes: [string, () => Promise<unknown>][] = [
      [
        'agenda.current',
        () =>
          chair.put(`/api/meetings/${m.id}/agenda/current`, { itemId: must(agenda.items[0]).id }),
      ],
      ['floor.changed', () => d1.post<FloorState>(`/api/meetings/${m.id}/floor`, {})],
      ['attendance.changed', () => d2.post(`/api/meetings/${m.id}/attendance/check-in`)],
      [
        'poll.changed',
        () => chair.post<Poll>(`/api/meetings/${m.id}/polls`, { question: 'Thông qua?' }),
      ],
    ];
    for (const [type, change] of changes) {
      const seen = (sse: SseClient) => live(sse).filter((e) => e.type === type).length;
      const before = [seen(a.sse), seen(b.sse)];
      const started = performance.now();
      await change();
      const arrivals = await Promise.all(
        [a.sse, b.sse].map((sse, i) =>
          sse.next(
            (e) =>
              e.event === 'message' &&
              (JSON.parse(e.data) as LiveEvent).type === type &&
              live(sse).filter((x) => x.type === type).length > (before[i] ?? 0),
            type,
          ),
        ),
      );
      for (const [i, arrival] of arrivals.entries()) {
        // From the moment the change is stored (the event's `at`, same clock) to the screen:
        // the 500 ms the issue asks for. The whole round trip, request included, has a looser
        // bound because the request itself queues behind everything else on a busy machine.
        const event = JSON.parse(arrival.data) as LiveEvent;
        const propagation = performance.timeOrigin + arrival.receivedAt - Date.parse(event.at);
        expect(propagation, `${type} on client ${i}: stored → received`).toBeLessThan(500);
        expect(
          arrival.receivedAt - started,
          `${type} on client ${i}: request → received`,
        ).toBeLessThan(3000);
      }
    }
    // Both clients saw the same events in the same order, numbered without gaps, from when
    // both were connected (the bridge's state may have been pushed between the two connects).
    const from = Math.max(live(a.sse)[0]?.seq ?? 0, live(b.sse)[0]?.seq ?? 0);
    const seqA = live(a.sse)
      .map((e) => e.seq)
      .filter((n) => n >= from);
    expect(
      live(b.sse)
        .map((e) => e.seq)
        .filter((n) => n >= from),
    ).toEqual(seqA);
    expect(seqA).toEqual(seqA.map((_, i) => from + i));
    expect(seqA.length).toBeGreaterThanOrEqual(changes.length);
    // Keep-alive comments (every second here) pass the proxy and keep the stream open.
    await waitFor(() => a.sse.comments > 0 && b.sse.comments > 0, 'keep-alive comments', 5000);
  });

  it('catches a reconnecting client up from Last-Event-ID, then continues live', async () => {
    const m = await buildMeeting({ secretary }, dir, { state: 'live' });
    const first = await stream(d1, m.id);
    await secretary.post(`/api/meetings/${m.id}/agenda`, { title: 'Trước khi mất kết nối' });
    await first.sse.next(
      (e) => e.event === 'message' && (JSON.parse(e.data) as LiveEvent).type === 'agenda.changed',
      'the first agenda change',
    );
    const lastSeen = must(live(first.sse).at(-1)).seq;
    await first.sse.close();

    await secretary.post(`/api/meetings/${m.id}/agenda`, { title: 'Trong khi mất kết nối 1' });
    await secretary.post(`/api/meetings/${m.id}/agenda`, { title: 'Trong khi mất kết nối 2' });
    await d1.post(`/api/meetings/${m.id}/attendance/check-in`);
    const snapshot = (await d1.get<LiveSnapshot>(`/api/meetings/${m.id}/live/state`)).body;
    expect(snapshot.seq).toBeGreaterThan(lastSeen);

    for (const header of [true, false]) {
      const again = await stream(d1, m.id, { lastEventId: lastSeen, header });
      const missed = live(again.sse);
      // Every event since lastSeen, in order, without a gap (the bridge's may follow).
      expect(missed.map((e) => e.seq).slice(0, snapshot.seq - lastSeen)).toEqual(
        Array.from({ length: snapshot.seq - lastSeen }, (_, i) => lastSeen + 1 + i),
      );
      // The bridge's state is pushed to the chair and secretary at its own time (the others
      // see it as 'restricted'): only the changes made here are checked by type.
      const made = missed.filter((e) => e.type !== 'restricted' && e.type !== 'conference.changed');
      expect(made.map((e) => e.type)).toEqual([
        'agenda.changed',
        'agenda.changed',
        'attendance.changed',
      ]);
      const titles = (made[1]?.data.items as { title: string }[]).map((i) => i.title);
      expect(titles).toEqual([
        'Trước khi mất kết nối',
        'Trong khi mất kết nối 1',
        'Trong khi mất kết nối 2',
      ]);
      await again.sse.close();
    }
    const resumed = await stream(d1, m.id, { lastEventId: snapshot.seq });
    const own = (e: LiveEvent) => e.type !== 'restricted' && e.type !== 'conference.changed';
    expect(live(resumed.sse).filter(own)).toEqual([]);
    await chair.post(`/api/meetings/${m.id}/polls`, { question: 'Sau khi nối lại?' });
    const next = await resumed.sse.next(
      (e) => e.event === 'message' && own(JSON.parse(e.data) as LiveEvent),
      'a live event after catching up',
    );
    const after = JSON.parse(next.data) as LiveEvent;
    expect(after.type).toMatch(/^poll/);
    expect(after.seq).toBeGreaterThan(snapshot.seq);
  });

  it('authorizes the stream like the rest of the API', async () => {
    const m = await buildMeeting({ secretary }, dir, {
      delegates: ['daibieu1'],
      overrides: { visibility: 'confidential' },
    });
    const anonymous = await SseClient.connect(`${proxy.url}/api/meetings/${m.id}/live`);
    expect(anonymous.status).toBe(401);
    const path = `/api/meetings/${m.id}/live`;
    const outsider = await SseClient.connect(`${proxy.url}${await d2.ticketed(path, 'live')}`);
    expect(outsider.status).toBe(404);
    const bad = await SseClient.connect(
      `${proxy.url}${await d1.ticketed(path, 'live', { lastEventId: '-1' })}`,
    );
    expect(bad.status).toBe(400);
    expect((await d2.get(`/api/meetings/${m.id}/live/state`)).status).toBe(404);
  });

  it('opens the minutes screen with one snapshot that carries the minutes record', async () => {
    const m = await buildMeeting({ secretary }, dir, { delegates: ['daibieu1'] });
    const state = `/api/meetings/${m.id}/live/state`;
    const withMinutes = await secretary.get<LiveSnapshot>(`${state}?include=minutes`);
    expect(withMinutes.status).toBe(200);
    const alone = await secretary.get(`/api/meetings/${m.id}/minutes`);
    expect(alone.status).toBe(200);
    expect(withMinutes.body.minutes).toEqual(alone.body);
    expect(withMinutes.body.ticket).not.toBeNull();
    expect(withMinutes.body.meetingId).toBe(m.id);

    const plain = await secretary.get<LiveSnapshot>(state);
    expect(plain.body).not.toHaveProperty('minutes');
    expect((await secretary.get(`${state}?include=everything`)).status).toBe(400);
    // Someone outside this open meeting may follow it, but the minutes' own rule applies.
    expect((await d2.get(state)).status).toBe(200);
    const refused = (await d2.get(`/api/meetings/${m.id}/minutes`)).status;
    expect(refused).toBe(403);
    expect((await d2.get(`${state}?include=minutes`)).status).toBe(refused);
  });
});
