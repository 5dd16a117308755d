import { spawn } from 'node:child_process';

/** How often a dying app is restarted. */
export interface RestartPolicyOptions {
  /** Restarts allowed within {@link windowMs}; one more death gives up (default 5). */
  maxRestarts: number;
  /** The sliding window restarts are counted in (default 60 s). */
  windowMs: number;
  /** Pause before the first restart; doubles with each restart in the window (default 500 ms). */
  baseDelayMs: number;
  /** Longest pause (default 8 s). */
  maxDelayMs: number;
}

/** Defaults of {@link RestartPolicyOptions}: at most 5 restarts within 60 s. */
export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  maxRestarts: 5,
  windowMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
};

/** What to do after an unexpected exit. */
export type RestartDecision = { restart: true; delayMs: number } | { restart: false };

/**
 * Counts restarts in a sliding window: `next(now)` allows a restart (with an exponential
 * pause) until `maxRestarts` happened within `windowMs`, then refuses: an app that keeps dying
 * needs a person, not a loop.
 */
export class RestartPolicy {
  private readonly restarts: number[] = [];
  private readonly options: RestartPolicyOptions;

  constructor(options: Partial<RestartPolicyOptions> = {}) {
    this.options = { ...DEFAULT_RESTART_POLICY, ...options };
  }

  next(now: number): RestartDecision {
    const { maxRestarts, windowMs, baseDelayMs, maxDelayMs } = this.options;
    while (this.restarts.length && (this.restarts[0] ?? 0) <= now - windowMs) this.restarts.shift();
    if (this.restarts.length >= maxRestarts) return { restart: false };
    const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** this.restarts.length);
    this.restarts.push(now);
    return { restart: true, delayMs };
  }
}

/** Exit codes after which a restart cannot help (the configuration is wrong: EX_CONFIG). */
const NO_RESTART_CODES = new Set([0, 78]);

/** What {@link runWithRestarts} needs besides the command. */
export interface RunWithRestartsOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  log: (line: string) => void;
  policy?: Partial<RestartPolicyOptions>;
  /** Wraps the command (e.g. `setpriv --pdeathsig TERM --`); identity by default. */
  wrap?: (cmd: string, args: string[]) => [string, string[]];
}

/**
 * Runs a command with inherited stdio and restarts it when it dies unexpectedly (a non-zero
 * exit or a signal it did not get from us), within the {@link RestartPolicy}; each restart is
 * logged. SIGINT/SIGTERM are forwarded and end the supervision: the command then stops
 * without a restart. Resolves with the last exit code (128 + 2 after a signal).
 */
export function runWithRestarts(
  cmd: string,
  args: string[],
  options: RunWithRestartsOptions,
): Promise<number> {
  const policy = new RestartPolicy(options.policy);
  const wrap = options.wrap ?? ((c: string, a: string[]): [string, string[]] => [c, a]);
  let stopping = false;
  let current: ReturnType<typeof spawn> | undefined;
  let pending: NodeJS.Timeout | undefined;
  let settle: ((code: number) => void) | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    stopping = true;
    if (pending) {
      clearTimeout(pending);
      pending = undefined;
      settle?.(128 + 2);
      return;
    }
    if (current && current.exitCode === null && current.signalCode === null) current.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const done = new Promise<number>((resolve) => {
    settle = (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
  });
  const launch = (): void => {
    const [file, argv] = wrap(cmd, args);
    const child = spawn(file, argv, {
      cwd: options.cwd,
      stdio: 'inherit',
      env: { ...process.env, ...options.env },
    });
    current = child;
    child.on('exit', (code, signal) => {
      const exitCode = code ?? (signal ? 128 + 2 : 1);
      if (stopping || (code !== null && NO_RESTART_CODES.has(code))) {
        settle?.(exitCode);
        return;
      }
      const decision = policy.next(Date.now());
      const how = signal ? `signal ${signal}` : `code ${String(code)}`;
      if (!decision.restart) {
        options.log(
          `[supervisor] the app exited (${how}) too often: more than ${String(
            options.policy?.maxRestarts ?? DEFAULT_RESTART_POLICY.maxRestarts,
          )} restarts within ${String(
            (options.policy?.windowMs ?? DEFAULT_RESTART_POLICY.windowMs) / 1000,
          )} s; giving up`,
        );
        settle?.(exitCode);
        return;
      }
      options.log(
        `[supervisor] the app exited unexpectedly (${how}); restarting in ${String(decision.delayMs)} ms`,
      );
      pending = setTimeout(() => {
        pending = undefined;
        launch();
      }, decision.delayMs);
    });
  };
  launch();
  return done;
}
