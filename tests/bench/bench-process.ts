// What the media benchmarks (media.bench.ts, hd.bench.ts) and their bot processes share: CPU
// time from /proc, bounded waits, a limit on how many joins run at once, and the life of the
// bot processes (one @livekit/rtc-node FFI each).
import { execSync, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dispose } from '@livekit/rtc-node';

/** Clock ticks per second, the unit of {@link processTicks}. */
export const ticksPerSecond = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU time (user + system) a process has used so far, in clock ticks. */
export function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
}

/**
 * Sets the nice value of every thread of a running process. Linux keeps niceness per thread and
 * setpriority(pid) changes only the main one; threads started later inherit from their parent
 * thread. Lowering it below 0 needs root.
 */
export function reniceAll(pid: number, nice: number): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) setPriority(Number(tid), nice);
}

function machineTicks(): { busy: number; total: number } {
  const cpu =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * CPU use over a window of `ms`: each group of processes in % of one core (a process that has
 * exited counts as idle), the whole machine in % of all its cores.
 */
export async function measureCpu<K extends string>(
  groups: Record<K, readonly number[]>,
  ms: number,
): Promise<Record<K | 'machine', number>> {
  const ticks = (pids: readonly number[]): number =>
    pids.reduce((sum, pid) => {
      try {
        return sum + processTicks(pid);
      } catch {
        return sum;
      }
    }, 0);
  const names = Object.keys(groups) as K[];
  const before = names.map((k) => ticks(groups[k]));
  const m0 = machineTicks();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const seconds = (performance.now() - t0) / 1000;
  const m1 = machineTicks();
  const out = Object.fromEntries(
    names.map((k, i) => [
      k,
      ((ticks(groups[k]) - (before[i] ?? 0)) / ticksPerSecond / seconds) * 100,
    ]),
  ) as Record<K | 'machine', number>;
  out.machine = ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100;
  return out;
}

/** Polls `check` every 50 ms. @throws Error naming `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `promise`, or an Error saying `what` took more than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `task` for every item, at most `limit` at a time, each no earlier than its `delayMs`
 * after the start (when given), so a slow moment does not pile joins up.
 */
export async function runLimited<T extends object>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const started = Date.now();
  let inFlight = 0;
  const slots: (() => void)[] = [];
  await Promise.all(
    items.map(async (item) => {
      const delayMs = 'delayMs' in item && typeof item.delayMs === 'number' ? item.delayMs : 0;
      const wait = started + delayMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (inFlight >= limit) await new Promise<void>((r) => slots.push(r));
      inFlight++;
      try {
        await task(item);
      } finally {
        inFlight--;
        slots.shift()?.();
      }
    }),
  );
}

/**
 * Starts a bot process running the TypeScript `file` (through tsx) with an IPC channel; its
 * reports go to `onReport`. `nice` lowers its CPU priority (simulated sites must not starve the
 * SFU of the CPU it would have on its own server).
 */
export function forkBotProcess(
  file: string,
  // `never`: any report handler fits; the process's reports are the handler's type by contract.
  onReport: (report: never) => void,
  options: { nice?: number } = {},
): ChildProcess {
  const child = fork(file, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  child.on('message', (report) => {
    onReport(report as never);
  });
  if (options.nice && child.pid) setPriority(child.pid, options.nice);
  return child;
}

/** Sends `stop` to every bot process and waits for each to exit (SIGKILL after 15 s). */
export async function stopBotProcesses(
  children: readonly ChildProcess[],
  stop: object,
): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) {
            resolve();
            return;
          }
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.send(stop);
        }),
    ),
  );
}

/**
 * In a bot process: exit with the parent, and keep measuring when @livekit/rtc-node throws from
 * a native finalizer (no stack), logging it under `name`.
 */
export function guardBotProcess(name: string): void {
  process.on('disconnect', () => process.exit(0));
  process.on('uncaughtException', (err) => {
    console.error(`[${name} ${process.pid}] uncaught: ${errorMessage(err)}`);
  });
}

/** In a bot process: runs `release` (disconnect the bots), disposes rtc-node, says so, exits. */
export function exitBotProcess(release: () => Promise<unknown>): void {
  void release()
    .catch(() => undefined)
    .then(() => dispose())
    .finally(() => {
      process.send?.({ type: 'stopped' });
      process.exit(0);
    });
}
