import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { Binary, MongoClient, ObjectId } from 'mongodb';
import * as Y from 'yjs';
import { Supervisor } from '../../infra/local/supervisor';
import { writeBenchSection } from './report';
import type { ServerKind } from './collab-bench-lib';
import {
  LoadWorker,
  closeAll,
  connectAll,
  docName,
  runAll,
  startBenchServer,
} from './collab-bench-harness';

// `npm run bench -- collab`: our collab server, Hocuspocus 3 and the y-websocket reference server
// side by side, same yjs, each in its own process with default settings; load from separate
// worker processes (see collab-bench-worker.ts). Writes docs/benchmarks.md.

const ROOT = resolve(import.meta.dirname, '..', '..');
const DATA = join(ROOT, 'tests', '.tmp', `bench-collab-${process.pid}`);
const KINDS: ServerKind[] = ['ours', 'hocuspocus', 'reference'];
const NAMES: Record<ServerKind, string> = {
  ours: 'ours (collab/, stores to FerretDB before broadcast)',
  hocuspocus: '@hocuspocus/server 3.4.4 (in memory)',
  reference: '@y/websocket-server 0.1.1 (in memory)',
};
const RATES = (process.env.BENCH_RATES ?? '500,1000,1500,2000,3000,4000,6000,8000,12000,16000')
  .split(',')
  .map(Number);
// Development aid: BENCH_ONLY=a,b limits the scenarios (the report then has gaps).
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d').split(','));
const WORKERS = 3;

const fmt = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : '–');
const log = (line: string): void => console.log(`[bench collab] ${line}`);

let mongoUri = '';
let dbCounter = 0;
const serverEnv = (kind: ServerKind, extra: Record<string, string> = {}): Record<string, string> =>
  kind === 'ours'
    ? { MONGODB_URI: `${mongoUri}bench_collab_${process.pid}_${dbCounter++}`, ...extra }
    : extra;

async function scenarioA(kind: ServerKind, workers: LoadWorker[]): Promise<string> {
  const server = await startBenchServer(kind, serverEnv(kind));
  try {
    await connectAll(workers, server, [docName()], 200);
    await Promise.all(workers.map((w) => w.request({ cmd: 'prepare', perClient: 6 })));
    const before = await server.stats();
    const r = await runAll(workers, 20, 3000, 20_000);
    const after = await server.stats();
    const bytes = after.bytesWritten - before.bytesWritten;
    await closeAll(workers);
    log(`A ${kind}: p50 ${fmt(r.hist.percentile(50))} p99 ${fmt(r.hist.percentile(99))} ms`);
    return `| ${NAMES[kind]} | ${fmt(r.hist.percentile(50))} | ${fmt(r.hist.percentile(99))} | ${r.hist.total} | ${fmt(bytes / 2 ** 20, 2)} MiB | ${fmt(bytes / r.sent / 1024, 1)} KiB | ${fmt(((after.cpuMs - before.cpuMs) / 24_000) * 100, 0)} % |`;
  } finally {
    await server.stop();
  }
}

interface BResult {
  rows: string[];
  best: number;
  at1000: number;
}

/**
 * (b) All three servers run at once, each with its own 1,000 clients, and every rate step is
 * measured on each server back to back, so that a busy moment of the shared machine hits them
 * alike. A server stops climbing after its first failed step.
 */
async function scenarioB(): Promise<Record<ServerKind, BResult>> {
  const out = {} as Record<ServerKind, BResult>;
  const setups = await Promise.all(
    KINDS.map(async (kind) => {
      const server = await startBenchServer(kind, serverEnv(kind));
      const workers = Array.from({ length: WORKERS }, () => new LoadWorker());
      const docs = Array.from({ length: 200 }, () => docName());
      await connectAll(workers, server, docs, 5);
      out[kind] = { rows: [], best: 0, at1000: Number.NaN };
      return { kind, server, workers, failed: false };
    }),
  );
  try {
    for (const rate of RATES) {
      for (const setup of setups) {
        if (setup.failed) continue;
        const { kind, server, workers } = setup;
        // Two trials per step, the better one kept: the shared machine has busy moments, and
        // every server gets the same second chance.
        type Trial = { r: Awaited<ReturnType<typeof runAll>>; cpuMs: number };
        const trials: Trial[] = [];
        for (let trial = 0; trial < 2; trial++) {
          const perClient = Math.ceil((rate * 7.5) / 1000) + 2;
          await Promise.all(workers.map((w) => w.request({ cmd: 'prepare', perClient })));
          const before = await server.stats();
          const run = await runAll(workers, rate, 2000, 5000);
          const after = await server.stats();
          trials.push({ r: run, cpuMs: after.cpuMs - before.cpuMs });
          if (run.hist.percentile(99) < 50) break;
        }
        const best = trials.reduce((a, b) =>
          b.r.hist.percentile(99) < a.r.hist.percentile(99) ? b : a,
        );
        const r = best.r;
        const p99 = r.hist.percentile(99);
        const delivered = r.received / Math.max(1, r.measuredSent * 4);
        const ok = p99 < 50 && delivered >= 0.95;
        const res = out[kind];
        if (ok) res.best = rate;
        if (rate === 1000) res.at1000 = p99;
        const cpu = (best.cpuMs / 8500) * 100;
        res.rows.push(
          `| ${kind} | ${rate} | ${fmt(r.hist.percentile(50))} | ${fmt(p99)} | ${fmt(delivered * 100, 1)} % | ${fmt(cpu, 0)} % | ${loadavg()[0]?.toFixed(1) ?? '?'} |`,
        );
        log(
          `B ${kind} ${rate}/s: p50 ${fmt(r.hist.percentile(50))} p99 ${fmt(p99)} delivered ${fmt(delivered * 100)}% load ${loadavg()[0]?.toFixed(1) ?? '?'}`,
        );
        if (!ok) setup.failed = true;
      }
      if (setups.every((s) => s.failed)) break;
    }
  } finally {
    for (const { server, workers } of setups) {
      for (const w of workers) w.stop();
      await server.stop();
    }
  }
  return out;
}

async function scenarioC(kind: ServerKind, workers: LoadWorker[]): Promise<string> {
  const server = await startBenchServer(kind, serverEnv(kind));
  try {
    const base = await server.stats('/gc');
    const docs = Array.from({ length: 200 }, () => docName());
    await connectAll(workers, server, docs, 1);
    await Promise.all(workers.map((w) => w.request({ cmd: 'content', edits: 100, chars: 60 })));
    await new Promise((r) => setTimeout(r, 4000));
    const loaded = await server.stats('/gc');
    await closeAll(workers);
    const perDoc = (loaded.heapUsed - base.heapUsed) / 200 / 1024;
    const rss = (loaded.rss - base.rss) / 200 / 1024;
    log(`C ${kind}: ${fmt(perDoc)} KB heap per document`);
    return `| ${NAMES[kind]} | ${loaded.docs} | ${fmt(perDoc)} KB | ${fmt(rss)} KB |`;
  } finally {
    await server.stop();
  }
}

/** Starts a server and times a client opening a document until synced (the first load). */
async function coldLoad(kind: ServerKind, env: Record<string, string>, name: string, port: number) {
  const server = await startBenchServer(kind, env, port);
  const worker = new LoadWorker();
  try {
    await worker.request({ cmd: 'close' });
    const t = performance.now();
    await worker.request({
      cmd: 'connect',
      url: server.url,
      proto: 'yws',
      clients: [{ id: 1, docName: name }],
    });
    const ms = performance.now() - t;
    const serverMs = (await server.stats()).loadMs[0] ?? Number.NaN;
    return { server, ms, serverMs };
  } catch (err) {
    await server.kill();
    throw err;
  } finally {
    worker.stop();
  }
}

async function journalRows(dbUri: string, name: string): Promise<number> {
  const client = await MongoClient.connect(dbUri);
  try {
    return await client.db().collection('collab_journal').countDocuments({ ds: name });
  } finally {
    await client.close();
  }
}

async function scenarioD(): Promise<string[]> {
  const env = serverEnv('ours', {
    BENCH_CHECKPOINT_MS: '0',
    BENCH_MSG_RATE: '1000000',
    BENCH_ORPHAN_AGE_MS: '1000',
    // The worst case below takes longer to load than the default limits (15 s handshake, 30 s load).
    BENCH_HANDSHAKE_MS: '300000',
    BENCH_LOAD_TIMEOUT_MS: '300000',
  });
  const dbUri = env.MONGODB_URI as string;
  const name = docName();
  const writer = await startBenchServer('ours', env);
  const port = writer.port;
  const w = new LoadWorker();
  await w.request({
    cmd: 'connect',
    url: writer.url,
    proto: 'yws',
    clients: [{ id: 1, docName: name }],
  });
  await w.request({ cmd: 'content', edits: 100_000, chars: 1 });
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500));
    const c = (await writer.stats()).commits;
    if (c === last) break;
    last = c;
  }
  await writer.kill();
  w.stop();
  const rows = await journalRows(dbUri, name);
  log(`D: 100k updates stored in ${rows} journal rows`);
  const before = await coldLoad('ours', env, name, port);
  await before.server.stats('/checkpoint');
  for (let i = 0; i < 120 && (await journalRows(dbUri, name)) > 0; i++) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  await before.server.stop();
  log(
    `D: uncompacted ${fmt(before.ms, 0)} ms; compacted to ${await journalRows(dbUri, name)} rows`,
  );
  const after = await coldLoad('ours', env, name, port);
  await after.server.stop();

  // Worst case: 100k updates stored one per journal row and never compacted.
  const worstName = docName();
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 100_000; i++) doc.getText('t').insert(i, 'x');
  const client = await MongoClient.connect(dbUri);
  for (let i = 0; i < updates.length; i += 2000) {
    await client
      .db()
      .collection('collab_journal')
      .insertMany(
        updates.slice(i, i + 2000).map((u) => ({
          _id: new ObjectId(),
          w: 'bench-dead-writer',
          ds: [worstName],
          us: [new Binary(Buffer.from(u))],
          at: new Date(),
        })),
      );
  }
  await client.close();
  log('D: 100k single-update rows written');
  const worst = await coldLoad(
    'ours',
    { ...env, BENCH_ORPHAN_AGE_MS: '86400000' },
    worstName,
    port,
  );
  await worst.server.stop();
  log(
    `D: ${fmt(before.ms, 0)} ms uncompacted (${rows} rows), ${fmt(after.ms, 0)} ms compacted, worst ${fmt(worst.ms, 0)} ms`,
  );
  return [
    `| 100k updates sent by a client, as stored (${rows} journal rows) | ${fmt(before.ms, 0)} ms | ${fmt(before.serverMs, 0)} ms |`,
    `| same document after compaction (1 snapshot, 0 journal rows) | ${fmt(after.ms, 0)} ms | ${fmt(after.serverMs, 0)} ms |`,
    `| worst case: 100k journal rows of one update each, never compacted | ${fmt(worst.ms, 0)} ms | ${fmt(worst.serverMs, 0)} ms |`,
  ];
}

async function main(): Promise<void> {
  const supervisor = new Supervisor({ root: ROOT, dataDir: DATA, log: () => undefined });
  const workers = Array.from({ length: WORKERS }, () => new LoadWorker());
  try {
    mongoUri = (await supervisor.startMongo()).uri;
    const a: string[] = [];
    const c: string[] = [];
    let b: Partial<Record<ServerKind, BResult>> = {};
    if (ONLY.has('a')) for (const kind of KINDS) a.push(await scenarioA(kind, workers));
    if (ONLY.has('b')) b = await scenarioB();
    if (ONLY.has('c')) for (const kind of KINDS) c.push(await scenarioC(kind, workers));
    const d = ONLY.has('d') ? await scenarioD() : [];
    if (ONLY.size < 4) {
      log('partial run (BENCH_ONLY): not writing docs/benchmarks.md');
      return;
    }
    const bestBaseline = Math.max(b.hocuspocus?.best ?? 0, b.reference?.best ?? 0);
    const body = [
      'Each server runs alone in its own Node process with its default settings; clients are lean',
      `raw protocol clients in ${WORKERS} separate worker processes (tests/bench/collab-bench-worker.ts).`,
      'Latency is from the sender stamping an edit to another client receiving it. Ours stores every',
      'update in FerretDB (SQLite) before any other client sees it; the baselines keep documents in',
      'memory only. The machine is shared with other developers, so figures move between runs;',
      `the 1-minute load average was ${loadavg()[0]?.toFixed(1) ?? '?'} when this report was written.`,
      '',
      '### (a) 1 document × 200 clients, 20 edits/s in total, 20 s',
      '',
      '| server | p50 ms | p99 ms | samples | bytes sent | per edit | server CPU |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...a,
      '',
      '### (b) 200 documents × 5 clients, rising rate (2 s warm-up + 5 s per step, best of 2 trials)',
      '',
      '| server | updates/s | p50 ms | p99 ms | delivered | server CPU | load avg |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...KINDS.flatMap((k) => b[k]?.rows ?? []),
      '',
      `Highest rate with p99 < 50 ms: ours ${b.ours?.best ?? 0}/s, Hocuspocus ${b.hocuspocus?.best ?? 0}/s, reference ${b.reference?.best ?? 0}/s (target ≥ 2 × ${bestBaseline} = ${2 * bestBaseline}/s). p99 at 1,000 updates/s: ours ${fmt(b.ours?.at1000 ?? Number.NaN)} ms (target ≤ 10 ms).`,
      '',
      '### (c) memory per loaded document (200 documents of ~6 KB, one client each)',
      '',
      '| server | documents | heap per document | RSS per document |',
      '| --- | ---: | ---: | ---: |',
      ...c,
      '',
      '### (d) cold load of a document with 100,000 stored updates (ours, FerretDB)',
      '',
      '| stored as | client open → synced | database read |',
      '| --- | ---: | ---: |',
      ...d,
      '',
      'Targets: ≥ 2× the best baseline at p99 < 50 ms; p99 ≤ 10 ms at 1,000 updates/s; ≤ 60 KB per',
      'loaded 6 KB document; cold load ≤ 1 s uncompacted, ≤ 150 ms compacted.',
    ].join('\n');
    writeBenchSection('collab', 'Co-editing server (collab/)', body, 'npm run bench -- collab');
  } finally {
    for (const w of workers) w.stop();
    await supervisor.stop();
    rmSync(DATA, { recursive: true, force: true });
  }
}

await main();
