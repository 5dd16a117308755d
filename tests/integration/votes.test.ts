import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyBallot, Poll, PollVoters } from '../../server/contracts/votes';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let db: MongoClient;

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

/** A live meeting whose chair and three delegates have checked in. */
async function liveMeeting(checkIn: ApiClient[] = [c.chair, c.d1, c.d2, c.d3]) {
  const m = await buildMeeting(c, dir, { state: 'live' });
  for (const u of checkIn) await u.post(`/api/meetings/${m.id}/attendance/check-in`);
  return m;
}

async function openPoll(meetingId: string, body: Record<string, unknown> = {}): Promise<Poll> {
  const created = await c.chair.post<Poll>(`/api/meetings/${meetingId}/polls`, {
    question: 'Thông qua nghị quyết?',
    ...body,
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const opened = await c.chair.post<Poll>(
    `/api/meetings/${meetingId}/polls/${created.body.id}/open`,
  );
  if (opened.status !== 200) throw new Error(JSON.stringify(opened.body));
  return opened.body;
}

const cast = (client: ApiClient, meetingId: string, pollId: string, choice: number) =>
  client.post<MyBallot>(`/api/meetings/${meetingId}/polls/${pollId}/ballots`, { choice });

describe('polls', () => {
  it('uses the default options and opens for the delegates present', async () => {
    const m = await liveMeeting([c.chair, c.d1, c.d2]);
    const created = await c.chair.post<Poll>(`/api/meetings/${m.id}/polls`, {
      question: 'Thông qua báo cáo?',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      options: ['Tán thành', 'Không tán thành', 'Không ý kiến'],
      status: 'draft',
      secret: false,
      electorate: 'present_delegates',
    });
    const opened = await c.chair.post<Poll>(`/api/meetings/${m.id}/polls/${created.body.id}/open`);
    expect(opened.body).toMatchObject({ status: 'open', eligibleCount: 2 });
    expect((await cast(c.d3, m.id, created.body.id, 0)).status).toBe(403);
    expect((await cast(c.chair, m.id, created.body.id, 0)).status).toBe(403);
    const ok = await cast(c.d1, m.id, created.body.id, 1);
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ pollId: created.body.id, voted: true, choice: 1, replaced: false });
    const list = (await c.d2.get<Poll[]>(`/api/meetings/${m.id}/polls`)).body;
    expect(list.map((p) => [p.id, p.status, p.ballotsCast, p.results])).toEqual([
      [created.body.id, 'open', 1, null],
    ]);
    expect((await c.d2.get(`/api/meetings/${m.id}/polls/${'e'.repeat(24)}`)).status).toBe(404);
  });

  it('answers 400/403/409 for bad polls and ballots', async () => {
    const m = await liveMeeting();
    expect(
      (await c.d1.post(`/api/meetings/${m.id}/polls`, { question: 'Ai được tạo?' })).status,
    ).toBe(403);
    const secretChange = await c.chair.post(`/api/meetings/${m.id}/polls`, {
      question: 'Bỏ phiếu kín?',
      secret: true,
      allowChange: true,
    });
    expect(secretChange.status).toBe(400);
    expect(JSON.stringify(secretChange.body)).toContain('body.allowChange');
    expect(
      (
        await c.chair.post(`/api/meetings/${m.id}/polls`, {
          question: 'Một lựa chọn?',
          options: ['Có'],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await c.chair.post(`/api/meetings/${m.id}/polls`, {
          question: 'Danh sách?',
          electorate: 'listed',
          voterIds: [dir.userId('admin')],
        })
      ).status,
    ).toBe(400);
    const draft = (
      await c.chair.post<Poll>(`/api/meetings/${m.id}/polls`, { question: 'Chưa mở?' })
    ).body;
    expect((await cast(c.d1, m.id, draft.id, 0)).status).toBe(409);
    const poll = await openPoll(m.id);
    expect((await cast(c.d1, m.id, poll.id, 3)).status).toBe(400);
    expect(
      (await c.d1.post(`/api/meetings/${m.id}/polls/${poll.id}/ballots`, { choice: 'yes' })).status,
    ).toBe(400);
    expect((await c.chair.post(`/api/meetings/${m.id}/polls/${poll.id}/open`)).status).toBe(409);
    const notLive = await buildMeeting(c, dir, { state: 'scheduled' });
    const early = (
      await c.chair.post<Poll>(`/api/meetings/${notLive.id}/polls`, { question: 'Sớm?' })
    ).body;
    expect((await c.chair.post(`/api/meetings/${notLive.id}/polls/${early.id}/open`)).status).toBe(
      409,
    );
  });

  it('replaces a named ballot when the poll allows it, and refuses a second one otherwise', async () => {
    const m = await liveMeeting();
    const changeable = await openPoll(m.id, { allowChange: true });
    await cast(c.d1, m.id, changeable.id, 0);
    const again = await cast(c.d1, m.id, changeable.id, 2);
    expect(again.body).toMatchObject({ choice: 2, replaced: true });
    expect(
      (await c.d1.get<MyBallot>(`/api/meetings/${m.id}/polls/${changeable.id}/ballots/mine`)).body
        .choice,
    ).toBe(2);
    const fixed = await openPoll(m.id);
    await cast(c.d1, m.id, fixed.id, 0);
    const refused = await cast(c.d1, m.id, fixed.id, 1);
    expect(refused.status).toBe(409);
    expect(
      (await c.d1.get<MyBallot>(`/api/meetings/${m.id}/polls/${fixed.id}/ballots/mine`)).body
        .choice,
    ).toBe(0);
  });

  it('keeps one ballot per voter under 50 concurrent casts by that voter', async () => {
    const m = await liveMeeting();
    for (const allowChange of [false, true]) {
      const poll = await openPoll(m.id, { allowChange });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => cast(c.d2, m.id, poll.id, i % 3)),
      );
      const ok = results.filter((r) => r.status === 201);
      if (allowChange) expect(ok).toHaveLength(50);
      else {
        expect(ok).toHaveLength(1);
        expect(results.filter((r) => r.status === 409)).toHaveLength(49);
      }
      const stored = await db
        .db()
        .collection('ballots')
        .countDocuments({ pollId: new ObjectId(poll.id) });
      expect(stored, `allowChange=${allowChange}`).toBe(1);
      const closed = (await c.chair.post<Poll>(`/api/meetings/${m.id}/polls/${poll.id}/close`))
        .body;
      expect(closed.results?.ballots).toBe(1);
    }
    const secret = await openPoll(m.id, { secret: true });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => cast(c.d2, m.id, secret.id, 1)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(
      await db
        .db()
        .collection('ballots')
        .countDocuments({ pollId: new ObjectId(secret.id) }),
    ).toBe(1);
    expect(
      await db
        .db()
        .collection('poll_voters')
        .countDocuments({ pollId: new ObjectId(secret.id) }),
    ).toBe(1);
  });

  it('closes with counts, percentages and the quorum; a closed poll never changes', async () => {
    const m = await liveMeeting();
    const poll = await openPoll(m.id, { electorate: 'present_voting_members' });
    expect(poll.eligibleCount).toBe(4);
    await cast(c.d1, m.id, poll.id, 0);
    await cast(c.d2, m.id, poll.id, 0);
    await cast(c.chair, m.id, poll.id, 2);
    const open = (await c.d3.get<Poll>(`/api/meetings/${m.id}/polls/${poll.id}`)).body;
    expect(open).toMatchObject({ status: 'open', ballotsCast: 3, results: null });
    expect((await c.d1.post(`/api/meetings/${m.id}/polls/${poll.id}/close`)).status).toBe(403);
    const closed = (await c.chair.post<Poll>(`/api/meetings/${m.id}/polls/${poll.id}/close`)).body;
    expect(closed.results).toEqual({
      ballots: 3,
      eligible: 4,
      quorumRequired: 3,
      quorumMet: true,
      options: [
        { index: 0, label: 'Tán thành', count: 2, percent: 66.67 },
        { index: 1, label: 'Không tán thành', count: 0, percent: 0 },
        { index: 2, label: 'Không ý kiến', count: 1, percent: 33.33 },
      ],
      // 2 approvals of 4 voting seats is not more than half: the motion did not carry.
      outcome: {
        passed: false,
        approvals: 2,
        required: 3,
        base: 4,
        rule: { numerator: 1, denominator: 2, inclusive: false },
      },
    });
    const late = await cast(c.d3, m.id, poll.id, 1);
    expect(late.status).toBe(409);
    expect((await c.chair.post(`/api/meetings/${m.id}/polls/${poll.id}/close`)).status).toBe(409);
    expect((await c.chair.post(`/api/meetings/${m.id}/polls/${poll.id}/open`)).status).toBe(409);
    expect((await c.d3.get<Poll>(`/api/meetings/${m.id}/polls/${poll.id}`)).body.results).toEqual(
      closed.results,
    );
    const voters = (await c.d3.get<PollVoters>(`/api/meetings/${m.id}/polls/${poll.id}/voters`))
      .body;
    expect(voters.voters.map((v) => [v.fullName, v.choice])).toEqual([
      ['Lê Minh Quân', 2],
      ['Nguyễn Văn An', 0],
      ['Trần Thị Bình', 0],
    ]);
  });

  it('reports a missed quorum', async () => {
    const m = await liveMeeting();
    const poll = await openPoll(m.id, {
      quorum: { numerator: 2, denominator: 3, inclusive: true },
    });
    await cast(c.d1, m.id, poll.id, 0);
    await cast(c.d2, m.id, poll.id, 0);
    const closed = (await c.chair.post<Poll>(`/api/meetings/${m.id}/polls/${poll.id}/close`)).body;
    // Four voting seats (chair + three delegates): two thirds needs three ballots.
    expect(closed.results).toMatchObject({ ballots: 2, quorumRequired: 3, quorumMet: false });
  });

  it('closes open polls when the meeting ends', async () => {
    const m = await liveMeeting();
    const poll = await openPoll(m.id);
    await cast(c.d1, m.id, poll.id, 0);
    await c.secretary.post(`/api/meetings/${m.id}/transitions`, { to: 'ended' });
    const after = (await c.d1.get<Poll>(`/api/meetings/${m.id}/polls/${poll.id}`)).body;
    expect(after).toMatchObject({ status: 'closed', results: { ballots: 1 } });
  });
});

describe('a secret poll', () => {
  it('links no voter to a choice, through the API or the stored documents', async () => {
    const m = await liveMeeting();
    const poll = await openPoll(m.id, { secret: true });
    const choices: [ApiClient, number, string][] = [
      [c.d1, 0, 'daibieu1'],
      [c.d2, 1, 'daibieu2'],
      [c.d3, 2, 'daibieu3'],
    ];
    for (const [client, choice] of choices) {
      const res = await cast(client, m.id, poll.id, choice);
      expect(res.body).toEqual({ pollId: poll.id, voted: true, choice: null, replaced: false });
    }
    const voterIds = choices.map(([, , u]) => dir.userId(u));
    // Through the API: who voted, never how.
    const mine = await c.d1.get<MyBallot>(`/api/meetings/${m.id}/polls/${poll.id}/ballots/mine`);
    expect(mine.body).toMatchObject({ voted: true, choice: null });
    const openVoters = (
      await c.chair.get<PollVoters>(`/api/meetings/${m.id}/polls/${poll.id}/voters`)
    ).body;
    expect(openVoters.voters.every((v) => v.choice === null)).toBe(true);
    const closed = (await c.chair.post<Poll>(`/api/meetings/${m.id}/polls/${poll.id}/close`)).body;
    expect(closed.results?.options.map((o) => o.count)).toEqual([1, 1, 1]);
    const voters = (await c.chair.get<PollVoters>(`/api/meetings/${m.id}/polls/${poll.id}/voters`))
      .body;
    expect(voters.voters.map((v) => v.userId).sort()).toEqual([...voterIds].sort());
    expect(voters.voters.every((v) => v.choice === null)).toBe(true);

    // In the stored documents: ballots carry no voter, no time, no ObjectId (which holds a time).
    const raw = db.db();
    const ballots = await raw
      .collection('ballots')
      .find({ pollId: new ObjectId(poll.id) })
      .toArray();
    expect(ballots).toHaveLength(3);
    for (const b of ballots) {
      expect(Object.keys(b).sort()).toEqual([
        '_id',
        'castAt',
        'choice',
        'key',
        'pollId',
        'voterId',
      ]);
      expect(b.voterId).toBeNull();
      expect(b.castAt).toBeNull();
      expect(typeof b._id).toBe('string');
      expect(b._id).toMatch(/^[0-9a-f]{32}$/);
      expect(b.key).toBe(b._id);
    }
    // Who voted is a sorted list on the poll; the per-vote records are gone.
    expect(
      await raw.collection('poll_voters').countDocuments({ pollId: new ObjectId(poll.id) }),
    ).toBe(0);
    const stored = await raw.collection('polls').findOne({ _id: new ObjectId(poll.id) });
    const voted = (stored?.votedIds as ObjectId[]).map((v) => v.toHexString());
    expect(voted).toEqual([...voterIds].sort());
    // Nothing else recorded who chose what: no document anywhere holds a voter id next to a choice.
    for (const name of ['audit_entries', 'live_events', 'revisions', 'polls']) {
      const docs = await raw.collection(name).find({}).toArray();
      for (const d of docs) {
        const text = JSON.stringify(d);
        if (!text.includes(poll.id)) continue;
        for (const voter of voterIds) {
          if (!text.includes(voter)) continue;
          expect(text, `${name} links ${voter}`).not.toMatch(/choice/);
        }
      }
    }
    const audit = (
      await raw
        .collection('audit_entries')
        .find({ action: 'poll.ballots_cast', 'target.id': poll.id })
        .toArray()
    ).map((e) => JSON.parse(String(e.after)) as Record<string, unknown>);
    expect(audit.length).toBeGreaterThan(0);
    for (const a of audit) expect(Object.keys(a)).toEqual(['count']);
  });
});
