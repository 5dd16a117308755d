import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** A child process started by a test, with its combined output. */
export interface TestProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output (stdout + stderr). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited, with its code and signal. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM (then SIGKILL after 10 s) unless it has exited; waits for the exit. */
  stop(): Promise<void>;
}

/** Runs a TypeScript entry file of the repository in a child Node process (through tsx). */
export function spawnTs(
  file: string,
  env: Record<string, string | undefined> = {},
  args: string[] = [],
): TestProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, file), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer): void => {
    out += b.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  return {
    child,
    output: () => out,
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((res, rej) => {
        const check = (): void => {
          const m = out.match(pattern);
          if (m) {
            cleanup();
            res(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          rej(
            new Error(
              `no output matching ${pattern} within ${timeoutMs} ms; output so far:\n${out.slice(-3000)}`,
            ),
          );
        }, timeoutMs);
        const onExit = (): void => {
          check();
          cleanup();
          rej(new Error(`process exited before printing ${pattern}; output:\n${out.slice(-3000)}`));
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    exited: () => exit,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Whether a process is running (a zombie waiting to be reaped counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Direct children of a process, from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)) {
      if (task) out.push(Number(task));
    }
  } catch {
    /* the process is gone */
  }
  return out;
}
