import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Supervisor } from '../../infra/local/supervisor';
import type { Agenda } from '../../server/contracts/agenda';
import type { LiveSnapshot } from '../../server/contracts/live';
import type { Meeting } from '../../server/contracts/meetings';
import type { FloorState } from '../../server/contracts/speakers';
import type { Poll } from '../../server/contracts/votes';
import { startAppProcess } from '../support/app-process';
import type { AppProcess } from '../support/app-process';
import { must } from '../support/must';
import { buildMeeting, directory } from '../support/records';
import type { Directory } from '../support/records';
import { ApiClient, dropDatabase, loginAs, stack, uniqueDbUri, waitFor } from '../support/stack';

// The live read model (server/live/read-model.ts) against the record: random sequences of
// changes made through the API of two processes (sharing FerretDB, events through Redis); after
// each, the snapshot every screen opens with must equal what the REST API reads from the
// database, on both processes, for a delegate and for the chair (who reads private chat), and
// again after a process restarts.

let supervisor: Supervisor;
let redisDir: string;
let mongoUri: string;
let shared: Record<string, string>;
const apps: AppProcess[] = [];
let dir: Directory;
const usernames = ['chutich', 'thuky', 'daibieu1', 'daibieu2'] as const;
type Who = (typeof usernames)[number];
/** Each person's session on each process: tokens work on both (one JWT secret). */
let tokens: Record<Who, string>;

const on = (app: AppProcess, who: Who): ApiClient => new ApiClient(app.url, tokens[who]);

beforeAll(async () => {
  redisDir = mkdtempSync(join(stack().tmpDir, 'redis-'));
  supervisor = new Supervisor({ root: stack().root, dataDir: redisDir, log: () => undefined });
  const redis = await supervisor.startRedis();
  mongoUri = uniqueDbUri('readmodel');
  shared = {
    MONGODB_URI: mongoUri,
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  apps.push(await startAppProcess({ ...shared, SEED: 'demo' }));
  apps.push(await startAppProcess({ ...shared, SEED: 'none' }));
  const first = must(apps[0]);
  const clients = await Promise.all(usernames.map((u) => loginAs(first.url, u)));
  tokens = Object.fromEntries(usernames.map((u, i) => [u, must(clients[i]).token])) as Record<
    Who,
    string
  >;
  dir = await directory(await loginAs(first.url, 'admin'));
});

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await supervisor.stop();
  rmSync(redisDir, { recursive: true, force: true });
  await dropDatabase(mongoUri).catch(() => undefined);
});

/** A small seeded generator, so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a screen's snapshot must hold for `client`, read from the record by the REST API. */
async function fromDatabase(client: ApiClient, meetingId: string) {
  const m = `/api/meetings/${meetingId}`;
  const [meeting, access, agenda, floor, polls, attendance, documents, sites, chat] =
    await Promise.all([
      client.get<Meeting>(m),
      client.get(`${m}/access`),
      client.get<Agenda>(`${m}/agenda`),
      client.get<FloorState>(`${m}/floor`),
      client.get<Poll[]>(`${m}/polls`),
      client.get(`${m}/attendance`),
      client.get(`${m}/documents`),
      client.get(`${m}/sites`),
      client.get(`${m}/chat`),
    ]);
  const ballots = await Promise.all(
    polls.body
      .filter((p) => p.status === 'open')
      .map(async (p) => (await client.get(`${m}/polls/${p.id}/ballots/mine`)).body),
  );
  return {
    state: meeting.body.state,
    meeting: {
      title: meeting.body.title,
      place: meeting.body.place,
      startsAt: meeting.body.startsAt,
      hostUnitName: meeting.body.hostUnitName,
    },
    access: access.body,
    currentItemId: agenda.body.currentItemId,
    agenda: agenda.body.items,
    floor: floor.body,
    polls: polls.body,
    attendance: attendance.body,
    documents: documents.status === 200 ? documents.body : [],
    sites: sites.body,
    chat: chat.status === 200 ? chat.body : null,
    ballots,
  };
}

async function fromReadModel(client: ApiClient, meetingId: string) {
  const res = await client.get<LiveSnapshot>(`/api/meetings/${meetingId}/live/state?ticket=0`);
  if (res.status !== 200) throw new Error(`snapshot: ${res.status} ${JSON.stringify(res.body)}`);
  // The bridge's state comes from LiveKit, not from the record (see the conference tests).
  const {
    seq: _seq,
    at: _at,
    meetingId: _id,
    ticket: _ticket,
    conference: _conference,
    ...rest
  } = res.body;
  return rest;
}

/** Waits until the snapshot from `app` equals the record for `who`; then asserts it. */
async function agrees(app: AppProcess, who: Who, meetingId: string, label: string) {
  const client = on(app, who);
  let last: { got: unknown; want: unknown } | null = null;
  try {
    await waitFor(
      async () => {
        const [got, want] = await Promise.all([
          fromReadModel(client, meetingId),
          fromDatabase(client, meetingId),
        ]);
        last = { got, want };
        return isDeepStrictEqual(got, want);
      },
      `${label}: the read model of ${app.url} for ${who}`,
      10_000,
      100,
    );
  } catch {
    // Show the difference.
    const shown = last as { got: unknown; want: unknown } | null;
    expect(shown?.got, label).toEqual(shown?.want);
  }
}

/** One random change through one of the two processes; refusals (e.g. 409) are fine. */
async function randomChange(next: () => number, meetingId: string, step: number): Promise<string> {
  const app = must(apps[Math.floor(next() * apps.length)]);
  const pick = <T>(xs: readonly T[]): T => must(xs[Math.floor(next() * xs.length)]);
  const m = `/api/meetings/${meetingId}`;
  const delegate = pick(['daibieu1', 'daibieu2'] as const);
  const ops: [string, () => Promise<unknown>][] = [
    ['add item', () => on(app, 'thuky').post(`${m}/agenda`, { title: `Mục ${step}` })],
    [
      'current item',
      async () => {
        const items = (await on(app, 'chutich').get<Agenda>(`${m}/agenda`)).body.items;
        const item = items.length ? pick(items) : null;
        return on(app, 'chutich').put(`${m}/agenda/current`, { itemId: item?.id ?? null });
      },
    ],
    ['ask floor', () => on(app, delegate).post(`${m}/floor`, {})],
    [
      'grant floor',
      async () => {
        const floor = (await on(app, 'chutich').get<FloorState>(`${m}/floor`)).body;
        const entry = floor.queue[0];
        return entry
          ? on(app, 'chutich').post(`${m}/floor/${entry.id}/grant`, { endCurrent: true })
          : null;
      },
    ],
    ['check in', () => on(app, delegate).post(`${m}/attendance/check-in`)],
    ['new poll', () => on(app, 'chutich').post(`${m}/polls`, { question: `Biểu quyết ${step}?` })],
    [
      'open or close a poll',
      async () => {
        const polls = (await on(app, 'chutich').get<Poll[]>(`${m}/polls`)).body;
        const poll = polls.find((p) => p.status !== 'closed');
        if (!poll) return null;
        const to = poll.status === 'draft' ? 'open' : 'close';
        return on(app, 'chutich').post(`${m}/polls/${poll.id}/${to}`);
      },
    ],
    [
      'vote',
      async () => {
        const polls = (await on(app, delegate).get<Poll[]>(`${m}/polls`)).body;
        const poll = polls.find((p) => p.status === 'open');
        return poll
          ? on(app, delegate).post(`${m}/polls/${poll.id}/ballots`, {
              choice: Math.floor(next() * poll.options.length),
            })
          : null;
      },
    ],
    [
      'chat',
      () =>
        on(app, delegate).post(`${m}/chat`, {
          text: `Tin nhắn ${step}`,
          to: next() < 0.5 ? 'everyone' : 'chair',
        }),
    ],
    ['retitle', () => on(app, 'thuky').patch(m, { title: `Phiên họp đổi tên lần ${step}` })],
  ];
  const [name, op] = pick(ops);
  await op();
  return name;
}

describe('the live read model against the record', () => {
  it('matches the database after random changes, on both processes and after a restart', async () => {
    const meeting = await buildMeeting({ secretary: on(must(apps[0]), 'thuky') }, dir, {
      state: 'live',
      delegates: ['daibieu1', 'daibieu2'],
    });
    const seed = Date.now() % 1_000_000;
    const next = random(seed);
    // Opened before the changes, so that the views follow events rather than load afresh.
    for (const app of apps) await agrees(app, 'daibieu1', meeting.id, `seed ${seed}, start`);
    let step = 0;
    for (let round = 0; round < 4; round++) {
      const done: string[] = [];
      for (let i = 0; i < 8; i++) done.push(await randomChange(next, meeting.id, ++step));
      const label = `seed ${seed}, after ${done.join(', ')}`;
      for (const app of apps) {
        await agrees(app, 'daibieu1', meeting.id, label);
        await agrees(app, 'chutich', meeting.id, label);
      }
    }
    // A restarted process reads its view from the record, then follows events again.
    const restarted = must(apps.pop());
    await restarted.stop();
    apps.push(await startAppProcess({ ...shared, SEED: 'none' }));
    for (const app of apps) await agrees(app, 'daibieu2', meeting.id, `seed ${seed}, restart`);
    for (let i = 0; i < 8; i++) await randomChange(next, meeting.id, ++step);
    for (const app of apps) {
      await agrees(app, 'daibieu2', meeting.id, `seed ${seed}, after the restart`);
      await agrees(app, 'chutich', meeting.id, `seed ${seed}, after the restart`);
    }
  });
});
