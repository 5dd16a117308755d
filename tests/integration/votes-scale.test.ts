import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../server/contracts/meetings';
import type { MyBallot, Poll } from '../../server/contracts/votes';
import type { User } from '../../server/contracts/users';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { loginAs, startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let db: MongoClient;
const VOTERS = 200;
const PASSWORD = 'Bau-cu-kiem-thu-2026';

/** Runs `task` over `items` with at most `limit` at a time. */
async function pool<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
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
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  db = new MongoClient(app.mongoUri);
  await db.connect();
});
afterAll(async () => {
  await db.close();
  await app.stop();
});

describe('200 voters at once', () => {
  it('counts exactly one ballot per voter, named and secret', { timeout: 600_000 }, async () => {
    // Accounts through the API, as an administrator would create them.
    const run = Date.now().toString(36);
    const users = await pool(
      Array.from({ length: VOTERS }, (_, i) => i),
      8,
      async (i) => {
        const res = await c.admin.post<User>('/api/users', {
          username: `cutri-${run}-${i}`,
          fullName: `Đại biểu kiểm thử ${i}`,
          unitId: dir.unitId('26-SNV'),
          password: PASSWORD,
        });
        if (res.status !== 201)
          throw new Error(`create user ${i}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body;
      },
    );
    const voters: ApiClient[] = await pool(users, 8, (u) => loginAs(app.url, u.username, PASSWORD));
    const meeting: Meeting = await buildMeeting(c, dir, { delegates: [] });
    const invited = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
      kind: 'person',
      userIds: users.map((u) => u.id),
    });
    expect(invited.body).toMatchObject({ participantsAdded: VOTERS });
    await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'scheduled' });
    await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
    await pool(voters, 20, async (v) => {
      const res = await v.post(`/api/meetings/${meeting.id}/attendance/check-in`);
      if (res.status !== 200) throw new Error(`check-in: ${res.status}`);
    });

    for (const secret of [false, true]) {
      const created = await c.chair.post<Poll>(`/api/meetings/${meeting.id}/polls`, {
        question: `Biểu quyết ${secret ? 'kín' : 'công khai'}?`,
        secret,
      });
      const opened = await c.chair.post<Poll>(
        `/api/meetings/${meeting.id}/polls/${created.body.id}/open`,
      );
      expect(opened.body.eligibleCount).toBe(VOTERS);
      const pollId = created.body.id;
      const results = await Promise.all(
        voters.map((v, i) =>
          v.post<MyBallot>(`/api/meetings/${meeting.id}/polls/${pollId}/ballots`, {
            choice: i % 3,
          }),
        ),
      );
      expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body])).toEqual([]);
      const closed = await c.chair.post<Poll>(`/api/meetings/${meeting.id}/polls/${pollId}/close`);
      const expected = [0, 1, 2].map(
        (k) => Array.from({ length: VOTERS }, (_, i) => i % 3).filter((x) => x === k).length,
      );
      expect(
        closed.body.results?.options.map((o) => o.count),
        `secret=${secret}`,
      ).toEqual(expected);
      expect(closed.body.results).toMatchObject({
        ballots: VOTERS,
        eligible: VOTERS,
        quorumMet: true,
      });
      expect(
        await db
          .db()
          .collection('ballots')
          .countDocuments({ pollId: new ObjectId(pollId) }),
      ).toBe(VOTERS);
    }
  });
});
