import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from '../../server/contracts/common';
import type { Meeting } from '../../server/contracts/meetings';
import type { Unit } from '../../server/contracts/units';
import type { User } from '../../server/contracts/users';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { measureBoth } from './baseline';
import type { RunningApp } from './baseline';
import { percentile, writeBenchSection } from './report';

// `npm run bench -- records`: GET /api/meetings and casting ballots with 200 clients, against
// the app of this tree and of the baseline (BENCH_BASELINE_REF, default main; see baseline.ts),
// each started the same way as its own process (`node --import tsx server/main.ts`, embedded
// FerretDB and livekit-server); this process is only the load generator.

const CLIENTS = 200;
/** The "200 voters within 2 s" scenario: arrivals spread evenly over this window. */
const ARRIVAL_WINDOW_MS = 2000;
const ROUNDS = 10;
/** Requests of the one-client-at-a-time rows. */
const SOLO_ROUNDS = 200;
const PASSWORD = 'Bench-ballot-2026';

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

/** `CLIENTS` clients each sending one request, the i-th at i × window / CLIENTS (open loop). */
async function arrivals(
  clients: Client[],
  windowMs: number,
  request: (c: Client) => Promise<{ status: number; body: unknown; ms: number }>,
  ok: number,
): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  const failures = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    clients.map(async (c, i) => {
      const at = started + (i * windowMs) / clients.length;
      await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
      const res = await request(c);
      if (res.status === ok) latencies.push(res.ms);
      else {
        errors++;
        const code = (res.body as { error?: { code?: string } } | undefined)?.error?.code ?? '';
        const key = `${res.status} ${code}`.trim();
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
    }),
  );
  return { latencies, errors, failures, seconds: (performance.now() - started) / 1000 };
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by a process, from /proc (0 when unreadable). */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The pid of a descendant of `pid` whose command is `name` (FerretDB under the app). */
function descendantNamed(pid: number, name: string): number | null {
  const children = (p: number): number[] => {
    try {
      return readdirSync(`/proc/${p}/task`).flatMap((t) =>
        readFileSync(`/proc/${p}/task/${t}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map(Number),
      );
    } catch {
      return [];
    }
  };
  const queue = children(pid);
  while (queue.length) {
    const next = queue.shift() as number;
    try {
      if (readFileSync(`/proc/${next}/comm`, 'utf8').trim() === name) return next;
    } catch {
      continue;
    }
    queue.push(...children(next));
  }
  return null;
}

/** CPU seconds the app process and its FerretDB spent while `phase` ran. */
async function withCpu<T>(
  app: RunningApp,
  phase: () => Promise<T>,
): Promise<{ result: T; appCpu: number; dbCpu: number }> {
  const db = descendantNamed(app.pid, 'ferretdb');
  const before = [cpuOf(app.pid), db ? cpuOf(db) : 0];
  const result = await phase();
  return {
    result,
    appCpu: cpuOf(app.pid) - (before[0] ?? 0),
    dbCpu: db ? cpuOf(db) - (before[1] ?? 0) : Number.NaN,
  };
}

/** What one tree measured. */
interface TreeFigures {
  meetings: number;
  load: number;
  rows: { name: string; m: Measured; appCpu: number; dbCpu: number }[];
  /** Ballots counted at close per burst poll: [name, counted]. */
  counted: [string, number][];
}

const ROWS = {
  listing: 'GET /api/meetings (page of 20), 200 in flight',
  casting: 'POST …/ballots (named poll, recast allowed), 200 in flight',
  burst: 'POST …/ballots, 200 at once (secret poll)',
  namedWindow: `POST …/ballots, 200 voters within ${ARRIVAL_WINDOW_MS / 1000} s (named poll)`,
  secretWindow: `POST …/ballots, 200 voters within ${ARRIVAL_WINDOW_MS / 1000} s (secret poll)`,
  listingAlone: 'GET /api/meetings, one client at a time',
  castingAlone: 'POST …/ballots (named poll), one client at a time',
} as const;

async function measure(app: RunningApp): Promise<TreeFigures> {
  const { url } = app;
  const admin = await login(url, 'admin', DEMO_PASSWORD);
  const secretary = await login(url, 'thuky', DEMO_PASSWORD);
  const chair = await login(url, 'chutich', DEMO_PASSWORD);
  const units = ((await call(url, 'GET', '/api/units?pageSize=200', admin)).body as Page<Unit>)
    .items;
  const unit = (code: string) => units.find((u) => u.code === code)?.id ?? '';
  const users = ((await call(url, 'GET', '/api/users?pageSize=200', admin)).body as Page<User>)
    .items;
  const chairId = users.find((u) => u.username === 'chutich')?.id ?? '';
  console.log('  creating 100 meetings, 200 voters ...');
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
  const polls = `/api/meetings/${meeting.id}/polls`;
  const openPoll = async (body: Record<string, unknown>): Promise<string> => {
    const poll = await call(url, 'POST', polls, chair, {
      question: 'Thông qua dự thảo?',
      electorate: 'listed',
      voterIds,
      ...body,
    });
    const pollId = (poll.body as { id: string }).id;
    const opened = await call(url, 'POST', `${polls}/${pollId}/open`, chair);
    if (opened.status !== 200)
      throw new Error(`open poll: ${opened.status} ${JSON.stringify(opened.body)}`);
    return pollId;
  };
  const closeAndCount = async (pollId: string): Promise<number> => {
    const closed = await call(url, 'POST', `${polls}/${pollId}/close`, chair);
    return (closed.body as { results: { ballots: number } }).results.ballots;
  };
  const total = ((await call(url, 'GET', '/api/meetings?pageSize=1', admin)).body as Page<Meeting>)
    .total;
  const load = loadavg()[0] ?? 0;
  const cast = (pollId: string, choice: (r: number) => number) => (c: Client, r: number) =>
    call(url, 'POST', `${polls}/${pollId}/ballots`, c.token, { choice: choice(r) });

  console.log('  GET /api/meetings ...');
  const list = (c: Client, r: number) =>
    call(url, 'GET', `/api/meetings?page=${(r % 3) + 1}&pageSize=20`, c.token);
  await closedLoop(clients, 1, list, 200);
  const listing = await withCpu(app, () => closedLoop(clients, ROUNDS, list, 200));

  console.log('  casting (named poll, a ballot may be changed) ...');
  const named = await openPoll({ allowChange: true });
  const castNamed = cast(named, (r) => r % 3);
  await closedLoop(clients, 1, castNamed, 201);
  const casting = await withCpu(app, () => closedLoop(clients, ROUNDS, castNamed, 201));

  console.log('  one ballot each at the same moment (secret poll) ...');
  const secret = await openPoll({ secret: true });
  const burst = await withCpu(app, () =>
    closedLoop(
      clients,
      1,
      cast(secret, () => 0),
      201,
    ),
  );

  console.log(`  200 voters within ${ARRIVAL_WINDOW_MS} ms (named, then secret poll) ...`);
  const namedOnce = await openPoll({});
  const namedWindow = await withCpu(app, () =>
    arrivals(clients, ARRIVAL_WINDOW_MS, (c) => cast(namedOnce, () => 1)(c, 0), 201),
  );
  const secretOnce = await openPoll({ secret: true });
  const secretWindow = await withCpu(app, () =>
    arrivals(clients, ARRIVAL_WINDOW_MS, (c) => cast(secretOnce, () => 2)(c, 0), 201),
  );

  // The same requests from one client at a time: the cost of the code path with no queue.
  console.log('  one client at a time ...');
  const alone = clients.slice(0, 1);
  const listingAlone = await withCpu(app, () => closedLoop(alone, SOLO_ROUNDS, list, 200));
  const castingAlone = await withCpu(app, () => closedLoop(alone, SOLO_ROUNDS, castNamed, 201));

  const counted: [string, number][] = [
    [ROWS.burst, await closeAndCount(secret)],
    [ROWS.namedWindow, await closeAndCount(namedOnce)],
    [ROWS.secretWindow, await closeAndCount(secretOnce)],
  ];
  await closeAndCount(named);
  return {
    meetings: total,
    load,
    rows: [
      { name: ROWS.listing, ...phase(listing) },
      { name: ROWS.casting, ...phase(casting) },
      { name: ROWS.burst, ...phase(burst) },
      { name: ROWS.namedWindow, ...phase(namedWindow) },
      { name: ROWS.secretWindow, ...phase(secretWindow) },
      { name: ROWS.listingAlone, ...phase(listingAlone) },
      { name: ROWS.castingAlone, ...phase(castingAlone) },
    ],
    counted,
  };
}

function phase(p: { result: Measured; appCpu: number; dbCpu: number }) {
  return { m: p.result, appCpu: p.appCpu, dbCpu: p.dbCpu };
}

const fmt = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(1));

function cells(m: Measured | undefined): string {
  if (!m) return '– | – | – | –';
  const failed = [...m.failures].map(([k, n]) => `${n}× ${k}`).join(', ');
  return `${fmt(percentile(m.latencies, 50))} | ${fmt(percentile(m.latencies, 99))} | ${(m.latencies.length / m.seconds).toFixed(0)} | ${m.errors ? `${m.errors} (${failed})` : '0'}`;
}

async function main(): Promise<void> {
  const { baseline, current } = await measureBoth(
    'records',
    async (app, tree) => {
      console.log(`${tree.label} (${tree.commit}):`);
      return measure(app);
    },
    // Tokens taken at the start must outlive a slow run on a busy machine (default 15 min).
    { ACCESS_TOKEN_TTL: '86400' },
  );
  const base = baseline?.result;
  const now = current.result;
  const baseLabel = baseline ? `${baseline.tree.label} (${baseline.tree.commit})` : 'baseline';
  const byName = (f: TreeFigures | undefined, name: string) =>
    f?.rows.find((r) => r.name === name)?.m;
  const cpuCells = (f: TreeFigures | undefined, name: string) => {
    const r = f?.rows.find((x) => x.name === name);
    if (!r?.m.latencies.length) return '– | –';
    const per = (cpu: number) => fmt((cpu * 1000) / r.m.latencies.length);
    return `${per(r.appCpu)} | ${per(r.dbCpu)}`;
  };
  const ratio = (name: string) => {
    const a = byName(base, name);
    const b = byName(now, name);
    if (!a || !b || !a.latencies.length) return '–';
    return `${(b.latencies.length / b.seconds / (a.latencies.length / a.seconds)).toFixed(1)}×`;
  };
  const countedLine = (f: TreeFigures | undefined, label: string) =>
    f
      ? `${label}: ${f.counted.map(([name, n]) => `${n} of ${CLIENTS} ballots counted at close (${name.replace(/^POST …\/ballots, /, '')})`).join('; ')}.`
      : `${label}: not measured.`;
  const body = [
    `${CLIENTS} clients, each its own account and token. "200 in flight": each client sends ${ROUNDS} requests back to back after one warm-up round (closed loop). "Within 2 s": the ${CLIENTS} voters arrive evenly over ${ARRIVAL_WINDOW_MS / 1000} s, one ballot each, in a freshly opened poll (open loop). The last two rows are one client sending ${SOLO_ROUNDS} requests back to back. Each tree's app ran as its own process with its own fresh embedded FerretDB (SQLite) and livekit-server, NODE_ENV=production, LOG_LEVEL=warn, one after the other in the same run (baseline first); the load generator in another process on the same machine. ${now.meetings} meetings in the database. 1-minute load average when measuring started: ${base ? `${base.load.toFixed(1)} (baseline), ` : ''}${now.load.toFixed(1)} (this tree); the machine is shared with other developers' test runs, so the figures move between runs.`,
    '',
    `| request | ${baseLabel} p50 (ms) | p99 (ms) | req/s | errors | this tree (${current.tree.commit}) p50 (ms) | p99 (ms) | req/s | errors | throughput vs baseline |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.values(ROWS).map(
      (name) =>
        `| ${name} | ${cells(byName(base, name))} | ${cells(byName(now, name))} | ${ratio(name)} |`,
    ),
    '',
    'CPU per request in each phase (ms; CPU seconds of the process during the phase ÷ requests answered), app process and its FerretDB:',
    '',
    `| request | ${baseLabel} app | FerretDB | this tree app | FerretDB |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...Object.values(ROWS).map(
      (name) => `| ${name} | ${cpuCells(base, name)} | ${cpuCells(now, name)} |`,
    ),
    '',
    countedLine(base, baseLabel),
    countedLine(now, 'This tree'),
  ].join('\n');
  console.log(body);
  writeBenchSection(
    'records',
    'Meeting records: listing meetings and casting ballots, 200 clients',
    body + '\n\n' + NOTE,
    `BENCH_BASELINE_REF=${process.env.BENCH_BASELINE_REF ?? 'main'} npm run bench -- records`,
  );
}

/** What the figures mean and where the time goes (kept with the figures). */
const NOTE = `Targets (issue 13): the list at least 5× the baseline's throughput with 200 in flight; 200 voters casting within 2 s all counted with p99 < 2 s. See docs/records.md ("Performance") for where the time goes and what the code does about it.`;

await main();
