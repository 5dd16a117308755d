import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { freeTcpPort } from '../../infra/local/ports';
import type { Page } from '../../server/contracts/common';
import type { Meeting } from '../../server/contracts/meetings';
import type { Unit } from '../../server/contracts/units';
import type { User } from '../../server/contracts/users';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { percentile, writeBenchSection } from './report';

// `npm run bench -- records`: p50/p99 of GET /api/meetings and of casting a ballot with 200
// concurrent clients. The app runs as its own process (`node --import tsx server/main.ts`,
// with its embedded FerretDB and livekit-server); this process is only the load generator.

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLIENTS = 200;
const ROUNDS = 10;
/** Requests of the one-client-at-a-time rows. */
const SOLO_ROUNDS = 200;
const PASSWORD = 'Bench-ballot-2026';
const APP_LOG = join(ROOT, 'tests', '.tmp', 'bench-records-app.log');

interface Client {
  token: string;
}

async function call(
  url: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, ms };
  } catch (err) {
    return {
      status: 0,
      body: { error: { code: String((err as Error).cause ?? err) } },
      ms: performance.now() - started,
    };
  }
}

async function pool<T, R>(
  items: T[],
  limit: number,
  task: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
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

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await call(url, 'POST', '/api/auth/login', null, { username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return (res.body as { token: string }).token;
}

interface Measured {
  latencies: number[];
  errors: number;
  /** Statuses of failed requests and their counts. */
  failures: Map<string, number>;
  seconds: number;
}

/** `CLIENTS` clients, each running `rounds` requests back to back (closed loop). */
async function closedLoop(
  clients: Client[],
  rounds: number,
  request: (c: Client, round: number) => Promise<{ status: number; body: unknown; ms: number }>,
  ok: number,
): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  const failures = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (let r = 0; r < rounds; r++) {
        const res = await request(c, r);
        if (res.status === ok) latencies.push(res.ms);
        else {
          errors++;
          const code = (res.body as { error?: { code?: string } } | undefined)?.error?.code ?? '';
          const key = `${res.status} ${code}`.trim();
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
    }),
  );
  return { latencies, errors, failures, seconds: (performance.now() - started) / 1000 };
}

function row(name: string, m: Measured): string {
  const fmt = (v: number) => v.toFixed(1);
  const failed = [...m.failures].map(([k, n]) => `${n}× ${k}`).join(', ');
  return `| ${name} | ${m.latencies.length} | ${fmt(percentile(m.latencies, 50))} | ${fmt(percentile(m.latencies, 90))} | ${fmt(percentile(m.latencies, 99))} | ${fmt(Math.max(...m.latencies))} | ${(m.latencies.length / m.seconds).toFixed(0)} | ${m.errors ? `${m.errors} (${failed})` : '0'} |`;
}

async function startApp(): Promise<{ url: string; stop: () => Promise<void> }> {
  mkdirSync(join(ROOT, 'tests', '.tmp'), { recursive: true });
  const dataDir = mkdtempSync(join(ROOT, 'tests', '.tmp', 'bench-records-'));
  const port = await freeTcpPort();
  // The app's log (warnings and errors, e.g. behind a 500) is kept for reading afterwards.
  const log = openSync(APP_LOG, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      SEED: 'demo',
      SEED_DEMO_MEETINGS: 'true',
    },
    stdio: ['ignore', log, 'inherit'],
  });
  closeSync(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('the app exited during start');
    if (
      await fetch(`${url}/api/health`).then(
        () => true,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the app did not start within 180 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop };
}

async function main(): Promise<void> {
  const app = await startApp();
  const { url } = app;
  try {
    const admin = await login(url, 'admin', DEMO_PASSWORD);
    const secretary = await login(url, 'thuky', DEMO_PASSWORD);
    const chair = await login(url, 'chutich', DEMO_PASSWORD);
    const units = ((await call(url, 'GET', '/api/units?pageSize=200', admin)).body as Page<Unit>)
      .items;
    const unit = (code: string) => units.find((u) => u.code === code)?.id ?? '';
    const users = ((await call(url, 'GET', '/api/users?pageSize=200', admin)).body as Page<User>)
      .items;
    const chairId = users.find((u) => u.username === 'chutich')?.id ?? '';
    console.log('creating 100 meetings, 200 voters ...');
    await pool(
      Array.from({ length: 100 }, (_, i) => i),
      4,
      async (i) => {
        const start = Date.UTC(2027, 0, 1) + i * 86_400_000;
        await call(url, 'POST', '/api/meetings', secretary, {
          title: `Phiên họp số ${i + 1} năm 2027`,
          hostUnitId: unit(i % 2 ? '26' : '26-VP'),
          chairId,
          startsAt: new Date(start).toISOString(),
          endsAt: new Date(start + 7_200_000).toISOString(),
          visibility: i % 3 ? 'internal' : 'public',
        });
      },
    );
    const run = Date.now().toString(36);
    const voterIds = await pool(
      Array.from({ length: CLIENTS }, (_, i) => i),
      8,
      async (i) => {
        const res = await call(url, 'POST', '/api/users', admin, {
          username: `bench-${run}-${i}`,
          fullName: `Đại biểu ${i}`,
          unitId: unit('26-SNV'),
          password: PASSWORD,
        });
        if (res.status !== 201) throw new Error(`create user: ${res.status}`);
        return (res.body as User).id;
      },
    );
    const clients: Client[] = await pool(voterIds, 8, async (_, i) => ({
      token: await login(url, `bench-${run}-${i}`, PASSWORD),
    }));
    const meeting = (
      await call(url, 'POST', '/api/meetings', secretary, {
        title: 'Phiên họp đo hiệu năng',
        hostUnitId: unit('26'),
        chairId,
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      })
    ).body as Meeting;
    await call(url, 'POST', `/api/meetings/${meeting.id}/invitations`, secretary, {
      kind: 'person',
      userIds: voterIds,
    });
    await call(url, 'POST', `/api/meetings/${meeting.id}/transitions`, secretary, {
      to: 'scheduled',
    });
    await call(url, 'POST', `/api/meetings/${meeting.id}/transitions`, secretary, { to: 'live' });
    const openPoll = async (body: Record<string, unknown>): Promise<string> => {
      const poll = await call(url, 'POST', `/api/meetings/${meeting.id}/polls`, chair, {
        question: 'Thông qua dự thảo?',
        electorate: 'listed',
        voterIds,
        ...body,
      });
      const pollId = (poll.body as { id: string }).id;
      const opened = await call(
        url,
        'POST',
        `/api/meetings/${meeting.id}/polls/${pollId}/open`,
        chair,
      );
      if (opened.status !== 200)
        throw new Error(`open poll: ${opened.status} ${JSON.stringify(opened.body)}`);
      return pollId;
    };
    const total = (
      (await call(url, 'GET', '/api/meetings?pageSize=1', admin)).body as Page<Meeting>
    ).total;
    const load = loadavg()[0] ?? 0;

    console.log('GET /api/meetings ...');
    const list = (c: Client, r: number) =>
      call(url, 'GET', `/api/meetings?page=${(r % 3) + 1}&pageSize=20`, c.token);
    await closedLoop(clients, 1, list, 200);
    const listing = await closedLoop(clients, ROUNDS, list, 200);

    console.log('casting (named poll, a ballot may be changed) ...');
    const named = await openPoll({ allowChange: true });
    const castNamed = (c: Client, r: number) =>
      call(url, 'POST', `/api/meetings/${meeting.id}/polls/${named}/ballots`, c.token, {
        choice: r % 3,
      });
    await closedLoop(clients, 1, castNamed, 201);
    const casting = await closedLoop(clients, ROUNDS, castNamed, 201);

    console.log('one ballot each at the same moment (secret poll) ...');
    const secret = await openPoll({ secret: true });
    const burst = await closedLoop(
      clients,
      1,
      (c) =>
        call(url, 'POST', `/api/meetings/${meeting.id}/polls/${secret}/ballots`, c.token, {
          choice: 0,
        }),
      201,
    );
    // The same requests from one client at a time: the cost of the code path with no queue.
    console.log('one client at a time ...');
    const alone = clients.slice(0, 1);
    const listingAlone = await closedLoop(alone, SOLO_ROUNDS, list, 200);
    const castingAlone = await closedLoop(alone, SOLO_ROUNDS, castNamed, 201);

    const closed = await call(
      url,
      'POST',
      `/api/meetings/${meeting.id}/polls/${secret}/close`,
      chair,
    );

    const body = [
      `${CLIENTS} concurrent clients (each its own account and token), each sending ${ROUNDS} requests back to back after one warm-up round; the last two rows are one client sending ${SOLO_ROUNDS} requests back to back. The app ran as its own process with its embedded FerretDB (SQLite) and livekit-server, NODE_ENV=production, LOG_LEVEL=warn; the load generator in another process on the same machine. ${total} meetings in the database. 1-minute load average when measuring started: ${load.toFixed(1)} (the machine is shared with other developers' test runs).`,
      '',
      '| request | n | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | req/s | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('GET /api/meetings (page of 20)', listing),
      row('POST …/ballots (named poll, recast allowed)', casting),
      row('POST …/ballots, 200 at once (secret poll)', burst),
      row('GET /api/meetings, one client at a time', listingAlone),
      row('POST …/ballots (named poll), one client at a time', castingAlone),
      '',
      `The secret poll closed with ${(closed.body as { results: { ballots: number } }).results.ballots} ballots for ${CLIENTS} voters.`,
      '',
      'Target: p99 < 50 ms. With 200 requests always in flight, latency is the queue in front of the database: by Little’s law p50 ≈ 200 / throughput. FerretDB uses no index but `_id`: a listing decodes the whole meetings collection once (one query gives the page and the total; about 13 ms of FerretDB time for 108 meetings), and the two cores are shared by FerretDB, the app and this load generator. A cast is three lookups by `_id` (the poll, the ballot insert under its unique key, the poll again), and every write waits for SQLite’s single write lock, so writes are served one at a time. Throughput, not the code path, sets these figures (the one-client rows show the code path alone); see docs/records.md for what moves them (MongoDB with its indexes, more cores, several API processes).',
    ].join('\n');
    console.log(body);
    if (listing.errors + casting.errors + burst.errors > 0)
      console.log(`The app's log, with what stands behind each failure: ${APP_LOG}`);
    writeBenchSection(
      'records',
      'Meeting records: listing meetings and casting ballots, 200 concurrent clients',
      body,
      'npm run bench -- records',
    );
  } finally {
    await app.stop();
  }
}

await main();
