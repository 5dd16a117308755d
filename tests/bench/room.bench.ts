import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from '../../server/contracts/common';
import type { Meeting } from '../../server/contracts/meetings';
import type { Agenda } from '../../server/contracts/agenda';
import type { Unit } from '../../server/contracts/units';
import type { User } from '../../server/contracts/users';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { measureBoth, ROOT } from './baseline';
import type { AppTree, RunningApp } from './baseline';
import { percentile, writeBenchSection } from './report';
import type { FromWorker, OpenMode, ToWorker } from './room-bench-worker';

// `npm run bench -- room`: a whole province opens the meeting at once. For the baseline
// (BENCH_BASELINE_REF) and this tree, each started the same way (tests/bench/baseline.ts):
// - the storm: 200, then 500 arrivals spread evenly over 10 s, each opening the meeting room
//   as the screen does (baseline: the requests its room page makes; this tree: the snapshot,
//   then the stream), timed from the arrival until the stream says `ready`;
// - fan-out: with the 500 streams open, the chair moves the current item 10 times; the time
//   from the request until each stream receives the event;
// - the app process's resident memory with 500 streams open.
// Load comes from WORKERS processes (tests/bench/room-bench-worker.ts), 500 accounts made
// through the API and invited to the demo's live meeting.

const WORKERS = 5;
const STORMS = [200, 500] as const;
const STORM_SECONDS = 10;
const CHANGES = 10;
const PASSWORD = 'Bench-room-2026';

interface Call {
  status: number;
  body: unknown;
}

async function call(
  url: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<Call> {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i] as T);
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

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

interface StormResult {
  arrivals: number;
  opened: number[];
  failures: Map<string, number>;
  requests: number;
}

interface Result {
  storms: StormResult[];
  fanout: number[];
  fanoutMissed: number;
  rssIdleMb: number;
  rss500Mb: number;
}

class Workers {
  private readonly children: ChildProcess[] = [];
  private listener: ((msg: FromWorker) => void) | null = null;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const child = fork(join(ROOT, 'tests', 'bench', 'room-bench-worker.ts'), [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child.on('message', (msg: FromWorker) => this.listener?.(msg));
      this.children.push(child);
    }
  }

  /** Sends `make(i)` to each worker and collects messages until `done` says so. */
  async run(
    make: (i: number) => ToWorker,
    onMessage: (msg: FromWorker) => void,
    doneWhen: (msg: FromWorker) => boolean,
  ): Promise<void> {
    let remaining = this.children.length;
    await new Promise<void>((resolve) => {
      this.listener = (msg) => {
        onMessage(msg);
        if (doneWhen(msg) && --remaining === 0) resolve();
      };
      this.children.forEach((c, i) => c.send(make(i)));
    });
    this.listener = null;
  }

  listen(onMessage: ((msg: FromWorker) => void) | null): void {
    this.listener = onMessage;
  }

  stop(): void {
    for (const c of this.children) c.kill();
  }
}

async function setUp(url: string): Promise<{ meetingId: string; chair: string; tokens: string[] }> {
  const admin = await login(url, 'admin', DEMO_PASSWORD);
  const secretary = await login(url, 'thuky', DEMO_PASSWORD);
  const chair = await login(url, 'chutich', DEMO_PASSWORD);
  const meetings = (
    (await call(url, 'GET', '/api/meetings?pageSize=100', admin)).body as Page<Meeting>
  ).items;
  const meeting = meetings.find((m) => m.state === 'live');
  if (!meeting) throw new Error('the demo seed has no live meeting');
  const units = ((await call(url, 'GET', '/api/units?pageSize=200', admin)).body as Page<Unit>)
    .items;
  const unitId = units.find((u) => u.code === '26-SNV')?.id ?? units[0]?.id ?? '';
  const run = Date.now().toString(36);
  const count = Math.max(...STORMS);
  console.log(`  creating ${count} accounts ...`);
  const userIds = await pool(
    Array.from({ length: count }, (_, i) => i),
    6,
    async (i) => {
      const res = await call(url, 'POST', '/api/users', admin, {
        username: `room-${run}-${i}`,
        fullName: `Đại biểu ${i}`,
        unitId,
        password: PASSWORD,
      });
      if (res.status !== 201) throw new Error(`create user: ${res.status}`);
      return (res.body as User).id;
    },
  );
  const invited = await call(url, 'POST', `/api/meetings/${meeting.id}/invitations`, secretary, {
    kind: 'person',
    userIds,
  });
  if (invited.status >= 300) throw new Error(`invite: ${invited.status}`);
  console.log(`  logging ${count} accounts in ...`);
  const tokens = await pool(
    Array.from({ length: count }, (_, i) => i),
    6,
    (i) => login(url, `room-${run}-${i}`, PASSWORD),
  );
  return { meetingId: meeting.id, chair, tokens };
}

async function measure(app: RunningApp, tree: AppTree): Promise<Result> {
  const mode: OpenMode = tree.label === 'this tree' ? 'snapshot' : 'baseline';
  console.log(`room bench: ${tree.label} (${tree.commit}), opening as ${mode}`);
  const { meetingId, chair, tokens } = await setUp(app.url);
  const agenda = (await call(app.url, 'GET', `/api/meetings/${meetingId}/agenda`, chair))
    .body as Agenda;
  const itemIds = agenda.items.map((i) => i.id);
  if (itemIds.length < 2) throw new Error('the live demo meeting needs two agenda items');
  const workers = new Workers(WORKERS);
  try {
    const rssIdleMb = rssMb(app.pid);
    const storms: StormResult[] = [];
    let fanout: number[] = [];
    let fanoutMissed = 0;
    let rss500Mb = Number.NaN;
    for (const n of STORMS) {
      const t0 = performance.timeOrigin + performance.now() + 1000;
      const result: StormResult = {
        arrivals: n,
        opened: [],
        failures: new Map(),
        // What each arrival asks (the workers confirm it for every arrival that opened).
        requests: mode === 'baseline' ? 7 : 2,
      };
      await workers.run(
        (w) => ({
          type: 'storm',
          url: app.url,
          meetingId,
          mode,
          arrivals: tokens
            .slice(0, n)
            .map((token, i) => ({ token, at: t0 + (i * STORM_SECONDS * 1000) / n }))
            .filter((_, i) => i % WORKERS === w),
        }),
        (msg) => {
          if (msg.type === 'opened') {
            result.opened.push(msg.ms);
            result.requests = msg.requests;
          }
          if (msg.type === 'failed')
            result.failures.set(msg.reason, (result.failures.get(msg.reason) ?? 0) + 1);
        },
        (msg) => msg.type === 'stormDone',
      );
      storms.push(result);
      console.log(
        `  ${n} arrivals: p50 ${percentile(result.opened, 50).toFixed(0)} ms, p95 ${percentile(result.opened, 95).toFixed(0)} ms, ${result.failures.size ? [...result.failures].map(([k, v]) => `${v}× ${k}`).join(', ') : 'no failure'}`,
      );
      const open = result.opened.length;
      if (n === Math.max(...STORMS) && open === 0) {
        // Nothing to fan out to (every arrival failed): say so instead of waiting out the timers.
        rss500Mb = rssMb(app.pid);
        console.log('  fan-out: no stream open, not measured');
      } else if (n === Math.max(...STORMS)) {
        rss500Mb = rssMb(app.pid);
        const latencies: number[] = [];
        for (let k = 0; k < CHANGES; k++) {
          const itemId = itemIds[(k + 1) % 2] as string;
          let seen = 0;
          let sentAt = 0;
          const all = new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 10_000);
            workers.listen((msg) => {
              if (msg.type !== 'delivered' || msg.itemId !== itemId || sentAt === 0) return;
              latencies.push(msg.at - sentAt);
              if (++seen === open) {
                clearTimeout(timer);
                resolve();
              }
            });
          });
          sentAt = performance.timeOrigin + performance.now();
          const res = await call(
            app.url,
            'PUT',
            `/api/meetings/${meetingId}/agenda/current`,
            chair,
            {
              itemId,
            },
          );
          if (res.status !== 200) throw new Error(`set current item: ${res.status}`);
          await all;
          fanoutMissed += open - seen;
          workers.listen(null);
        }
        fanout = latencies;
        console.log(
          `  fan-out to ${open} streams: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms; app RSS ${rss500Mb.toFixed(0)} MB`,
        );
      }
      await workers.run(
        () => ({ type: 'close' }),
        () => undefined,
        (msg) => msg.type === 'closed',
      );
    }
    return { storms, fanout, fanoutMissed, rssIdleMb, rss500Mb };
  } finally {
    workers.stop();
  }
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`;
}

function failures(s: StormResult): string {
  const n = [...s.failures.values()].reduce((a, b) => a + b, 0);
  return n ? `${n} (${[...s.failures].map(([k, v]) => `${v}× ${k}`).join(', ')})` : '0';
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  const { baseline, current } = await measureBoth('room', measure);
  const rows: string[] = [];
  for (const [label, r] of [
    [
      `baseline (${baseline?.tree.label ?? 'none'} ${baseline?.tree.commit ?? ''})`,
      baseline?.result,
    ],
    [`this tree (${current.tree.commit})`, current.result],
  ] as const) {
    if (!r) continue;
    for (const s of r.storms) {
      rows.push(
        `| ${label} | ${s.arrivals} in ${STORM_SECONDS} s | ${s.requests} | ${fmt(percentile(s.opened, 50))} | ${fmt(percentile(s.opened, 95))} | ${fmt(Math.max(...s.opened))} | ${failures(s)} |`,
      );
    }
  }
  const fan: string[] = [];
  for (const [label, r] of [
    ['baseline', baseline?.result],
    ['this tree', current.result],
  ] as const) {
    if (!r) continue;
    fan.push(
      `| ${label} | ${fmt(percentile(r.fanout, 50))} | ${fmt(percentile(r.fanout, 95))} | ${fmt(Math.max(...r.fanout))} | ${r.fanoutMissed} | ${r.rssIdleMb.toFixed(0)} MB | ${r.rss500Mb.toFixed(0)} MB |`,
    );
  }
  const body = `
Load average (1 min) when the run started: ${load.toFixed(2)} (${load < 1 ? 'idle machine' : 'other jobs share this machine: rerun on an idle one'}). The app (\`node --import tsx server/main.ts\`, embedded
FerretDB and livekit-server, demo seed) runs alone; ${WORKERS} load-generator processes open the
demo's live meeting for accounts made through the API and invited to it. An arrival is timed from
its start until its live stream says \`ready\`, doing what the meeting room does when it opens:
the baseline's page reads the meeting, its access, documents, chat and live state, asks for a
stream ticket, then connects the stream (7 requests); this tree reads the snapshot (which
carries all of it and the stream's ticket), then connects the stream (2 requests). The document
the room shows is fetched after that in both and is not counted.

Targets: 200 arrivals p95 < 1 s, 500 arrivals p95 < 2 s; fan-out p95 < 200 ms with 500 streams.

| tree | arrivals | requests each | p50 | p95 | max | failed |
|---|---|---|---|---|---|---|
${rows.join('\n')}

The chair moves the current item ${CHANGES} times with the 500 streams open: from the request
until each stream has the event.

| tree | fan-out p50 | p95 | max | not delivered in 10 s | app RSS idle | app RSS, 500 streams |
|---|---|---|---|---|---|---|
${fan.join('\n')}
`;
  writeBenchSection(
    'room',
    'Opening the meeting room: a province arrives at once',
    body,
    `BENCH_BASELINE_REF=${process.env.BENCH_BASELINE_REF ?? 'main'} npm run bench -- room`,
  );
}

await main();
