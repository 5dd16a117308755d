import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { freeTcpPort } from '../../infra/local/ports';
import { Histogram } from './collab-bench-lib';
import type { RunResult, ServerKind, ServerStats, WorkerCommand } from './collab-bench-lib';

// Process plumbing for tests/bench/collab.bench.ts: load workers and servers under test.

const HERE = resolve(import.meta.dirname);

/** A load generator process. */
export class LoadWorker {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private pending: { resolve: (v: unknown) => void; reject: (e: Error) => void } | null = null;

  constructor() {
    this.child = spawn(
      process.execPath,
      ['--max-old-space-size=2048', '--import', 'tsx', join(HERE, 'collab-bench-worker.ts')],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    this.ready = new Promise((resolveReady) => {
      this.child.on('message', (raw: unknown) => {
        const msg = raw as { ready?: boolean; ok?: boolean; result?: unknown; error?: string };
        if (msg.ready) {
          resolveReady();
          return;
        }
        const p = this.pending;
        this.pending = null;
        if (msg.ok) p?.resolve(msg.result);
        else p?.reject(new Error(msg.error));
      });
    });
  }

  async request<T>(cmd: WorkerCommand): Promise<T> {
    await this.ready;
    return new Promise<T>((res, rej) => {
      this.pending = { resolve: (v) => res(v as T), reject: rej };
      this.child.send(cmd);
    });
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

/** A server under test in its own process. */
export interface BenchServer {
  kind: ServerKind;
  port: number;
  url: string;
  stats(path?: string): Promise<ServerStats>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a server under test; resolves once it listens. */
export async function startBenchServer(
  kind: ServerKind,
  env: Record<string, string> = {},
  port?: number,
): Promise<BenchServer> {
  const p = port ?? (await freeTcpPort());
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=tests/.tmp/prof'] : []),
      '--import',
      'tsx',
      join(HERE, 'collab-bench-server.ts'),
    ],
    {
      env: { ...process.env, BENCH_KIND: kind, BENCH_PORT: String(p), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((res, rej) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('READY')) res();
    });
    child.once('exit', (code) => rej(new Error(`${kind} server exited (${code}): ${out}`)));
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const base = `http://127.0.0.1:${p}`;
  return {
    kind,
    port: p,
    url:
      kind === 'hocuspocus'
        ? `ws://127.0.0.1:${p}/collab/hocuspocus`
        : `ws://127.0.0.1:${p}/collab`,
    stats: async (path = '/stats') => (await (await fetch(base + path)).json()) as ServerStats,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A fresh document name of the form the collab server accepts. */
export function docName(): string {
  return `meeting/${randomBytes(12).toString('hex')}/draft/${randomBytes(12).toString('hex')}`;
}

/** Spreads clients over workers and connects them; `perDoc` clients per document. */
export async function connectAll(
  workers: LoadWorker[],
  server: BenchServer,
  docs: string[],
  perDoc: number,
): Promise<void> {
  const lists: { id: number; docName: string }[][] = workers.map(() => []);
  let id = 0;
  docs.forEach((d, di) => {
    for (let k = 0; k < perDoc; k++) {
      const w = docs.length === 1 ? id % workers.length : di % workers.length;
      lists[w]?.push({ id: id++, docName: d });
    }
  });
  const proto = server.kind === 'hocuspocus' ? 'hocuspocus' : 'yws';
  await Promise.all(
    workers.map((w, i) =>
      w.request({ cmd: 'connect', url: server.url, proto, clients: lists[i] ?? [] }),
    ),
  );
}

/** Runs every worker at its share of `rate` and merges the results. */
export async function runAll(
  workers: LoadWorker[],
  rate: number,
  warmupMs: number,
  measureMs: number,
): Promise<{ hist: Histogram; sent: number; measuredSent: number; received: number }> {
  const results = await Promise.all(
    workers.map((w) =>
      w.request<RunResult>({ cmd: 'run', rate: rate / workers.length, warmupMs, measureMs }),
    ),
  );
  const hist = new Histogram();
  let sent = 0;
  let measuredSent = 0;
  let received = 0;
  for (const r of results) {
    hist.merge(r.counts);
    sent += r.sent;
    measuredSent += r.measuredSent;
    received += r.received;
  }
  return { hist, sent, measuredSent, received };
}

/** Closes every client of every worker. */
export async function closeAll(workers: LoadWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.request({ cmd: 'close' })));
}
