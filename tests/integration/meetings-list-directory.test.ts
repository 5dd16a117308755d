import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import type { Db, Filter, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Supervisor } from '../../infra/local/supervisor';
import type { Page } from '../../server/contracts/common';
import type { Meeting, MeetingState, MyMeetingRole } from '../../server/contracts/meetings';
import { searchKey } from '../../server/contracts/search-key';
import { startAppProcess } from '../support/app-process';
import type { AppProcess } from '../support/app-process';
import { directory } from '../support/records';
import type { Directory } from '../support/records';
import { ApiClient, dropDatabase, loginAs, stack, uniqueDbUri, waitFor } from '../support/stack';
import { must } from '../support/must';

// GET /api/meetings is served from a per-process directory held in memory (server/meetings/
// meeting-directory.ts). Two API processes share FerretDB and Redis; random changes go
// through either one, and every list of both must equal what the database answers to the
// same question (the filter the list used to send to the database, run here by FerretDB).

let supervisor: Supervisor;
let redisDir: string;
let mongoUri: string;
let mongo: MongoClient;
let db: Db;
let apps: AppProcess[] = [];
let dir: Directory;
const jwtSecret = randomBytes(32).toString('hex');

const VIEWERS = [
  'admin',
  'chutich',
  'thuky',
  'daibieu1',
  'daibieu3',
  'diemcau.vinhyen',
  'quantri.vinhyen',
] as const;
type Viewer = (typeof VIEWERS)[number];
/** Logged-in clients per process, by username. */
let clients: Map<Viewer, ApiClient>[] = [];
/** Meetings made by this file (the demo seed adds its own, which the lists include). */
const made: string[] = [];

beforeAll(async () => {
  redisDir = mkdtempSync(join(stack().tmpDir, 'redis-'));
  supervisor = new Supervisor({ root: stack().root, dataDir: redisDir, log: () => undefined });
  const redis = await supervisor.startRedis();
  mongoUri = uniqueDbUri('list_directory');
  const shared = { MONGODB_URI: mongoUri, REDIS_URL: redis.url, JWT_SECRET: jwtSecret };
  // One after the other: the first seeds the empty database.
  apps.push(await startAppProcess({ ...shared, SEED: 'demo', SEED_DEMO_MEETINGS: 'true' }));
  apps.push(await startAppProcess({ ...shared, SEED: 'none' }));
  clients = await Promise.all(
    apps.map(
      async (a) =>
        new Map(await Promise.all(VIEWERS.map(async (u) => [u, await loginAs(a.url, u)] as const))),
    ),
  );
  dir = await directory(viewer(0, 'admin'));
  mongo = await MongoClient.connect(mongoUri);
  db = mongo.db();
}, 240_000);

afterAll(async () => {
  await mongo.close();
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
  await supervisor.stop();
  rmSync(redisDir, { recursive: true, force: true });
  await dropDatabase(mongoUri).catch(() => undefined);
});

function viewer(processIndex: number, username: Viewer): ApiClient {
  return must(must(clients[processIndex]).get(username));
}

/** A small seeded generator, so that a failing sequence can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TITLES = ['Họp giao ban', 'Phiên họp thường kỳ', 'Hội nghị trực tuyến', 'Rà soát ngân sách'];
const HOSTS = ['26', '26-VP', '26-SNV', '243'];
const NEXT: Partial<Record<MeetingState, MeetingState[]>> = {
  draft: ['scheduled', 'cancelled'],
  scheduled: ['live', 'cancelled'],
  live: ['ended'],
};

/** One random change through a random process; returns what it did (for failure messages). */
async function randomChange(next: () => number): Promise<string> {
  const pick = <T>(xs: readonly T[]): T => must(xs[Math.floor(next() * xs.length)]);
  const p = next() < 0.5 ? 0 : 1;
  const admin = viewer(p, 'admin');
  const kind = made.length < 4 ? 0 : Math.floor(next() * 5);
  const when = Date.UTC(2027, 2, 1) + Math.floor(next() * 60) * 86_400_000;
  if (kind === 0) {
    const res = await admin.post<Meeting>('/api/meetings', {
      title: `${pick(TITLES)} ${made.length + 1}`,
      hostUnitId: dir.unitId(pick(HOSTS)),
      chairId: dir.userId('chutich'),
      secretaryId: dir.userId('thuky'),
      startsAt: new Date(when).toISOString(),
      endsAt: new Date(when + 7_200_000).toISOString(),
      visibility: pick(['public', 'internal', 'confidential'] as const),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    made.push(res.body.id);
    return `p${p} create ${res.body.id}`;
  }
  const id = pick(made);
  if (kind === 1) {
    const patch = pick([
      { title: `${pick(TITLES)} (sửa)` },
      { visibility: pick(['public', 'internal', 'confidential'] as const) },
      { hostUnitId: dir.unitId(pick(HOSTS)) },
      {
        startsAt: new Date(when).toISOString(),
        endsAt: new Date(when + 3_600_000).toISOString(),
      },
    ]);
    const res = await admin.patch(`/api/meetings/${id}`, patch);
    expect([200, 409], JSON.stringify(res.body)).toContain(res.status);
    return `p${p} update ${id} ${JSON.stringify(patch)} → ${res.status}`;
  }
  if (kind === 2) {
    const current = (await admin.get<Meeting>(`/api/meetings/${id}`)).body.state;
    const to = NEXT[current];
    if (!to) return `p${p} no move from ${current}`;
    const target = pick(to);
    const res = await admin.post(`/api/meetings/${id}/transitions`, {
      to: target,
      ...(target === 'cancelled' ? { reason: 'Đổi lịch' } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return `p${p} ${id} ${current} → ${target}`;
  }
  if (kind === 3) {
    const who = pick(['daibieu1', 'daibieu3', 'quantri.vinhyen'] as const);
    const res = await admin.post<{ skipped: number }>(`/api/meetings/${id}/invitations`, {
      kind: 'person',
      userIds: [dir.userId(who)],
      role: pick(['delegate', 'observer', 'presenter'] as const),
    });
    if (res.body.skipped > 0) {
      // Already taking part: take them out instead.
      const removed = await admin.delete(`/api/meetings/${id}/participants/${dir.userId(who)}`);
      return `p${p} remove ${who} from ${id} → ${removed.status}`;
    }
    return `p${p} invite ${who} to ${id} → ${res.status}`;
  }
  const res = await admin.post(`/api/meetings/${id}/invitations`, {
    kind: 'unit',
    unitId: dir.unitId('243'),
    as: 'site',
    operatorId: dir.userId('diemcau.vinhyen'),
  });
  return `p${p} site 243 in ${id} → ${res.status}`;
}

interface Question {
  query: Record<string, string>;
}

/** The list's answer computed by the database, as the list computed it before the directory. */
async function databaseAnswer(username: Viewer, query: Record<string, string>) {
  const user = must(await db.collection('users').findOne({ username }));
  const me = user._id;
  const unitId = user.unitId as ObjectId;
  const roles = user.roles as string[];
  const unit = must(await db.collection('units').findOne({ _id: unitId }));
  const chain = [...(unit.ancestorIds as ObjectId[]), unitId];
  const and: Filter<Document>[] = [];
  if (!roles.includes('system_admin')) {
    const visible: Filter<Document>[] = [
      { visibility: 'public' },
      { visibility: 'internal', hostUnitId: { $in: chain } },
      { memberIds: me },
    ];
    if (roles.includes('unit_admin')) visible.push({ hostUnitPath: unitId });
    and.push({ $or: visible });
  }
  if (query.mine === 'true') and.push({ memberIds: me });
  if (query.unitId) and.push({ hostUnitId: new ObjectId(query.unitId) });
  if (query.under) and.push({ hostUnitPath: new ObjectId(query.under) });
  if (query.status) and.push({ state: query.status });
  if (query.from) and.push({ endsAt: { $gte: new Date(query.from) } });
  if (query.to) and.push({ startsAt: { $lte: new Date(query.to) } });
  if (query.q)
    and.push({ searchText: { $regex: searchKey(query.q).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') } });
  const filter = and.length ? { $and: and } : {};
  const page = Number(query.page ?? '1');
  const pageSize = Number(query.pageSize ?? '20');
  const meetings = db.collection('meetings');
  const [rows, total] = await Promise.all([
    meetings
      .find(filter, { projection: { _id: 1, hostUnitPath: 1 } })
      .sort({ startsAt: -1, _id: -1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .toArray(),
    meetings.countDocuments(filter),
  ]);
  const items = await Promise.all(
    rows.map(async (m) => {
      const id = m._id.toHexString();
      const myRoles: MyMeetingRole[] = [];
      const p = await db
        .collection<{ _id: string; role: MyMeetingRole }>('meeting_participants')
        .findOne({ _id: `${id}:${me.toHexString()}` });
      if (p) myRoles.push(p.role);
      const site = await db.collection('meeting_sites').findOne({
        meetingId: m._id,
        $or: [{ operatorIds: me }, { operatorId: me }],
      });
      if (site) myRoles.push('site_operator');
      const path = (m.hostUnitPath as ObjectId[]).map((u) => u.toHexString());
      if (
        roles.includes('system_admin') ||
        (roles.includes('unit_admin') && path.includes(unitId.toHexString()))
      )
        myRoles.push('host_admin');
      return { id, myRoles };
    }),
  );
  return { total, items };
}

function questions(): Question[] {
  return [
    { query: {} },
    { query: { page: '2', pageSize: '5' } },
    { query: { mine: 'true' } },
    { query: { status: 'draft' } },
    { query: { status: 'cancelled', pageSize: '50' } },
    { query: { q: 'hop giao' } },
    { query: { q: 'NGÂN SÁCH', pageSize: '3' } },
    { query: { unitId: dir.unitId('26-SNV') } },
    { query: { under: dir.unitId('26') } },
    { query: { from: '2027-03-10T00:00:00.000Z', to: '2027-04-10T00:00:00.000Z' } },
  ];
}

/** Differences between what process `p` lists and what the database answers (empty: none). */
async function differences(p: number): Promise<string[]> {
  const out: string[] = [];
  for (const username of VIEWERS) {
    for (const { query } of questions()) {
      const qs = new URLSearchParams(query).toString();
      const [listed, expected] = await Promise.all([
        viewer(p, username).get<Page<Meeting>>(`/api/meetings?${qs}`),
        databaseAnswer(username, query),
      ]);
      const got = {
        total: listed.body.total,
        items: listed.body.items.map((m) => ({ id: m.id, myRoles: m.myRoles })),
      };
      if (JSON.stringify(got) !== JSON.stringify(expected))
        out.push(
          `p${p} ${username} ?${qs}: got ${JSON.stringify(got)}, database ${JSON.stringify(expected)}`,
        );
    }
  }
  return out;
}

/** The meetings process `p` lists to the administrator, each as its own GET reads it now. */
async function listedAsStored(p: number): Promise<{ listed: Meeting[]; stored: Meeting[] }> {
  const admin = viewer(p, 'admin');
  const listed = (await admin.get<Page<Meeting>>('/api/meetings?pageSize=100')).body.items;
  const stored = await Promise.all(
    listed.map(async (m) => (await admin.get<Meeting>(`/api/meetings/${m.id}`)).body),
  );
  return { listed, stored };
}

describe('GET /api/meetings from the in-memory directory', () => {
  it('lists on both processes exactly what the database answers after random changes through either', async () => {
    const seed = Date.now() % 100_000;
    const next = rng(seed);
    const log: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 10; i++) log.push(await randomChange(next));
      for (const p of [0, 1]) {
        // The other process learns of a change through Redis: a bounded wait, not a sleep.
        let last: string[] = [];
        await waitFor(
          async () => {
            last = await differences(p);
            return last.length === 0;
          },
          `process ${p} to list what the database answers (seed ${seed})`,
          10_000,
          200,
        ).catch(() => {
          throw new Error(
            `seed ${seed}, after:\n${log.join('\n')}\n\ndifferences:\n${last.slice(0, 5).join('\n')}`,
          );
        });
      }
    }
    // 40 changes and 8 comparisons of the whole list: about 20 s idle, more on a loaded machine.
  }, 120_000);

  it('lists each meeting as reading it alone does, details and state included', async () => {
    for (const p of [0, 1]) {
      const { listed, stored } = await waitFor(async () => {
        const both = await listedAsStored(p);
        return JSON.stringify(both.listed) === JSON.stringify(both.stored) ? both : null;
      }, `process ${p}: listed meetings equal to their stored state`);
      expect(listed.length).toBeGreaterThan(0);
      expect(listed).toEqual(stored);
    }
  });

  it('lists a change at once in the process that made it', async () => {
    const admin = viewer(1, 'admin');
    const created = await admin.post<Meeting>('/api/meetings', {
      title: 'Phiên họp đọc ngay sau khi ghi',
      hostUnitId: dir.unitId('26'),
      chairId: dir.userId('chutich'),
      startsAt: '2027-12-31T01:00:00.000Z',
      endsAt: '2027-12-31T03:00:00.000Z',
      visibility: 'confidential',
    });
    expect(created.status).toBe(201);
    made.push(created.body.id);
    const find = async (client: ApiClient) =>
      (await client.get<Page<Meeting>>('/api/meetings?q=doc ngay sau')).body.items.map((m) => m.id);
    expect(await find(admin)).toEqual([created.body.id]);
    // Not visible to a delegate until invited; visible with the role right after.
    const d1 = viewer(1, 'daibieu1');
    expect(await find(d1)).toEqual([]);
    const invited = await admin.post(`/api/meetings/${created.body.id}/invitations`, {
      kind: 'person',
      userIds: [dir.userId('daibieu1')],
      role: 'observer',
    });
    expect(invited.status).toBeLessThan(300);
    const page = (await d1.get<Page<Meeting>>('/api/meetings?q=doc ngay sau')).body;
    expect(page.items.map((m) => [m.id, m.myRoles])).toEqual([[created.body.id, ['observer']]]);
    const renamed = await admin.patch(`/api/meetings/${created.body.id}`, {
      title: 'Phiên họp đã đổi tên',
    });
    expect(renamed.status).toBe(200);
    expect(await find(admin)).toEqual([]);
  });

  it('lists the same in a process started after the changes', async () => {
    const late = await startAppProcess({
      MONGODB_URI: mongoUri,
      SEED: 'none',
      JWT_SECRET: jwtSecret,
    });
    try {
      const token = viewer(0, 'daibieu3').token;
      const fresh = new ApiClient(late.url, token);
      const old = viewer(0, 'daibieu3');
      const [a, b] = await Promise.all([
        fresh.get<Page<Meeting>>('/api/meetings?pageSize=100'),
        old.get<Page<Meeting>>('/api/meetings?pageSize=100'),
      ]);
      expect(a.body.total).toBeGreaterThan(0);
      expect(a.body).toEqual(b.body);
    } finally {
      await late.stop();
    }
  });
});
