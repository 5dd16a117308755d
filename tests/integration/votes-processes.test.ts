import { randomBytes } from 'node:crypto';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../server/contracts/meetings';
import type { User } from '../../server/contracts/users';
import type { MyBallot, Poll } from '../../server/contracts/votes';
import { startAppProcess } from '../support/app-process';
import type { AppProcess } from '../support/app-process';
import { must } from '../support/must';
import { directory } from '../support/records';
import type { Directory } from '../support/records';
import { ApiClient, dropDatabase, loginAs, uniqueDbUri } from '../support/stack';

// Casting reads an open poll once and holds it (server/votes/open-polls.ts). Two API processes
// share FerretDB: ballots cast through both are all counted, and a poll closed through one
// process refuses ballots at the other even though that one held it open.

const VOTERS = 200;
const WINDOW_MS = 2000;
const PASSWORD = 'Bau-cu-hai-tien-trinh-2026';

let mongoUri: string;
let mongo: MongoClient;
let apps: AppProcess[] = [];
let dir: Directory;
/** Per process: the chair, the secretary and two delegates. */
let staff: { chair: ApiClient; secretary: ApiClient; d1: ApiClient; d2: ApiClient }[] = [];
/** The 200 voters, logged in through both processes: voters[p][i]. */
let voters: ApiClient[][] = [];
let voterIds: string[] = [];
let meeting: Meeting;

async function pool<T, R>(items: T[], limit: number, task: (item: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i] as T, i);
      }
    }),
  );
  return out;
}

beforeAll(async () => {
  mongoUri = uniqueDbUri('votes_processes');
  const shared = { MONGODB_URI: mongoUri, JWT_SECRET: randomBytes(32).toString('hex') };
  // One after the other: the first seeds the empty database.
  apps.push(await startAppProcess({ ...shared, SEED: 'demo' }));
  apps.push(await startAppProcess({ ...shared, SEED: 'none' }));
  mongo = await MongoClient.connect(mongoUri);
  staff = await Promise.all(
    apps.map(async (a) => {
      const [chair, secretary, d1, d2] = await Promise.all(
        ['chutich', 'thuky', 'daibieu1', 'daibieu2'].map((u) => loginAs(a.url, u)),
      );
      return { chair: must(chair), secretary: must(secretary), d1: must(d1), d2: must(d2) };
    }),
  );
  const admin = await loginAs(must(apps[0]).url, 'admin');
  dir = await directory(admin);
  const run = Date.now().toString(36);
  voterIds = await pool(
    Array.from({ length: VOTERS }, (_, i) => i),
    8,
    async (i) => {
      const res = await admin.post<User>('/api/users', {
        username: `hai-${run}-${i}`,
        fullName: `Đại biểu hai tiến trình ${i}`,
        unitId: dir.unitId('26-SNV'),
        password: PASSWORD,
      });
      if (res.status !== 201) throw new Error(`create user ${i}: ${res.status}`);
      return res.body.id;
    },
  );
  const tokens = await pool(voterIds, 8, async (_, i) => {
    const client = await loginAs(must(apps[0]).url, `hai-${run}-${i}`, PASSWORD);
    return must(client.token);
  });
  voters = apps.map((a) => tokens.map((t) => new ApiClient(a.url, t)));
  const secretary = must(staff[0]).secretary;
  const created = await secretary.post<Meeting>('/api/meetings', {
    title: 'Phiên họp biểu quyết qua hai tiến trình',
    hostUnitId: dir.unitId('26'),
    chairId: dir.userId('chutich'),
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 7_200_000).toISOString(),
  });
  meeting = created.body;
  const invited = await secretary.post(`/api/meetings/${meeting.id}/invitations`, {
    kind: 'person',
    userIds: [...voterIds, dir.userId('daibieu1'), dir.userId('daibieu2')],
  });
  expect(invited.status).toBeLessThan(300);
  for (const to of ['scheduled', 'live']) {
    const moved = await secretary.post(`/api/meetings/${meeting.id}/transitions`, { to });
    expect(moved.status).toBe(200);
  }
}, 600_000);

afterAll(async () => {
  await mongo.close();
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
  await dropDatabase(mongoUri).catch(() => undefined);
});

async function openPoll(p: number, body: Record<string, unknown>): Promise<Poll> {
  const chair = must(staff[p]).chair;
  const created = await chair.post<Poll>(`/api/meetings/${meeting.id}/polls`, {
    question: 'Thông qua dự thảo nghị quyết?',
    electorate: 'listed',
    ...body,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const opened = await chair.post<Poll>(
    `/api/meetings/${meeting.id}/polls/${created.body.id}/open`,
  );
  expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  return opened.body;
}

const cast = (client: ApiClient, pollId: string, choice: number) =>
  client.post<MyBallot>(`/api/meetings/${meeting.id}/polls/${pollId}/ballots`, { choice });

const close = (p: number, pollId: string) =>
  must(staff[p]).chair.post<Poll>(`/api/meetings/${meeting.id}/polls/${pollId}/close`);

const stored = (collection: string, pollId: string) =>
  mongo
    .db()
    .collection(collection)
    .countDocuments({ pollId: new ObjectId(pollId) });

/** Every voter casts once, the i-th at i × 10 ms, alternately through each process. */
async function castWithin2s(pollId: string) {
  const started = performance.now();
  return Promise.all(
    voterIds.map(async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * WINDOW_MS) / VOTERS));
      return cast(must(must(voters[i % 2])[i]), pollId, i % 3);
    }),
  ).then((results) => ({ results, seconds: (performance.now() - started) / 1000 }));
}

const expectedCounts = [0, 1, 2].map(
  (k) => Array.from({ length: VOTERS }, (_, i) => i % 3).filter((x) => x === k).length,
);

describe('casting through two API processes', () => {
  it(
    'counts every named ballot of 200 voters casting within 2 s',
    { timeout: 300_000 },
    async () => {
      const poll = await openPoll(0, { voterIds });
      const { results } = await castWithin2s(poll.id);
      expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body])).toEqual([]);
      const closed = (await close(1, poll.id)).body;
      expect(closed.results?.ballots).toBe(VOTERS);
      expect(closed.results?.options.map((o) => o.count)).toEqual(expectedCounts);
      expect(await stored('ballots', poll.id)).toBe(VOTERS);
    },
  );

  it(
    'counts every secret ballot of 200 voters casting within 2 s',
    { timeout: 300_000 },
    async () => {
      const poll = await openPoll(1, { voterIds, secret: true });
      const { results } = await castWithin2s(poll.id);
      expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body])).toEqual([]);
      const closed = (await close(0, poll.id)).body;
      expect(closed.results?.ballots).toBe(VOTERS);
      expect(closed.results?.options.map((o) => o.count)).toEqual(expectedCounts);
      expect(await stored('ballots', poll.id)).toBe(VOTERS);
      // Who voted is kept on the closed poll only; no voter mark is left beside the ballots.
      expect(await stored('poll_voters', poll.id)).toBe(0);
    },
  );

  it('refuses a named ballot at a process that held the poll open after another closed it', async () => {
    const voting = [dir.userId('daibieu1'), dir.userId('daibieu2')];
    const poll = await openPoll(0, { voterIds: voting });
    // Process 1 reads the poll open and holds it.
    expect((await cast(must(staff[1]).d1, poll.id, 0)).status).toBe(201);
    expect((await close(0, poll.id)).body.results?.ballots).toBe(1);
    const late = await cast(must(staff[1]).d2, poll.id, 1);
    expect(late.status).toBe(409);
    expect(await stored('ballots', poll.id)).toBe(1);
    const after = await must(staff[1]).d2.get<Poll>(`/api/meetings/${meeting.id}/polls/${poll.id}`);
    expect(after.body.results?.ballots).toBe(1);
  });

  it('refuses a secret ballot at a process that held the poll open after another closed it', async () => {
    const voting = [dir.userId('daibieu1'), dir.userId('daibieu2')];
    const poll = await openPoll(0, { voterIds: voting, secret: true });
    expect((await cast(must(staff[1]).d1, poll.id, 0)).status).toBe(201);
    expect((await close(0, poll.id)).body.results?.ballots).toBe(1);
    const late = await cast(must(staff[1]).d2, poll.id, 1);
    expect(late.status).toBe(409);
    expect(await stored('ballots', poll.id)).toBe(1);
    // The refused voter's mark was taken back: no voter record outlives the close.
    expect(await stored('poll_voters', poll.id)).toBe(0);
  });

  it('refuses a second secret ballot of one voter cast through the other process', async () => {
    const voting = [dir.userId('daibieu1'), dir.userId('daibieu2')];
    const poll = await openPoll(1, { voterIds: voting, secret: true });
    expect((await cast(must(staff[0]).d1, poll.id, 0)).status).toBe(201);
    expect((await cast(must(staff[1]).d1, poll.id, 1)).status).toBe(409);
    expect(await stored('ballots', poll.id)).toBe(1);
    expect((await close(1, poll.id)).body.results?.ballots).toBe(1);
  });
});
