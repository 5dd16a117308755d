import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { runWithRestarts } from './restart';
import { debianPackages, ensureDebianPackages, ensureTools } from './tools';

// The commands behind `npm start`, `npm run dev`, `npm test` and `npm run bench`
// (reached through bootstrap.mjs, which installs node_modules first).

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const CLIENT_DIST = join(ROOT, 'dist', 'client');
const CLIENT_INPUTS = [
  'client',
  'server/contracts',
  'collab/contracts',
  'media/contracts',
  'vite.config.ts',
  'package-lock.json',
  'tsconfig.client.json',
];

function log(line: string): void {
  console.log(line);
}

const HAS_SETPRIV = spawnSync('setpriv', ['--version']).status === 0;

/** The command under `setpriv --pdeathsig TERM` when available: it dies with this process. */
function withParentDeathSignal(cmd: string, args: string[]): [string, string[]] {
  return HAS_SETPRIV ? ['setpriv', ['--pdeathsig', 'TERM', '--', cmd, ...args]] : [cmd, args];
}

/**
 * Runs a command with inherited stdio; resolves with its exit code. Forwards SIGINT/SIGTERM, and
 * (setpriv --pdeathsig) the command gets SIGTERM should this process die first.
 */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((res) => {
    const [file, argv] = withParentDeathSignal(cmd, args);
    const child = spawn(file, argv, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    const forward = (signal: NodeJS.Signals): void => {
      if (child.exitCode === null) child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      res(code ?? (signal ? 128 + 2 : 1));
    });
  });
}

function hashInputs(paths: string[]): string {
  const hash = createHash('sha256');
  const walk = (p: string): void => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        walk(join(p, name));
      }
    } else {
      hash.update(relative(ROOT, p));
      hash.update(readFileSync(p));
    }
  };
  for (const p of paths) walk(join(ROOT, p));
  return hash.digest('hex');
}

/** Builds the client with Vite unless dist/client was built from the same sources. */
async function ensureClientBuild(force = false): Promise<void> {
  const stamp = join(CLIENT_DIST, '.build-hash');
  const wanted = hashInputs(CLIENT_INPUTS);
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted) return;
  log('[setup] building the web client (vite build) ...');
  const started = Date.now();
  const code = await run(join(BIN, 'vite'), ['build', '--logLevel', 'warn']);
  if (code !== 0) throw new Error('vite build failed (see above)');
  writeFileSync(stamp, wanted + '\n');
  log(`[setup] web client built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function start(): Promise<number> {
  const started = Date.now();
  ensureDebianPackages(debianPackages.start, log);
  await ensureTools(ROOT, log);
  await ensureClientBuild();
  log(`[setup] ready to start after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Restarted when it dies unexpectedly (at most 5 times within 60 s); Ctrl+C stops it for good.
  return runWithRestarts(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: { NODE_ENV: process.env.NODE_ENV ?? 'production' },
    log,
    wrap: withParentDeathSignal,
  });
}

async function dev(): Promise<number> {
  await ensureTools(ROOT, log);
  const apiPort = process.env.PORT ?? '8080';
  const server = run(
    join(BIN, 'tsx'),
    ['watch', '--clear-screen=false', join(ROOT, 'server', 'main.ts')],
    {
      PORT: apiPort,
    },
  );
  const vite = run(join(BIN, 'vite'), [], { DIENHONG_API_PORT: apiPort });
  const codes = await Promise.all([server, vite]);
  return codes.find((c) => c !== 0) ?? 0;
}

interface Step {
  name: string;
  run: () => Promise<number>;
}

const TEST_STEPS: Step[] = [
  { name: 'lint', run: () => run('npm', ['run', '--silent', 'lint']) },
  { name: 'typecheck', run: () => run('npm', ['run', '--silent', 'typecheck']) },
  {
    name: 'unit',
    run: () => run(join(BIN, 'vitest'), ['run', '--project', 'unit', '--project', 'client']),
  },
  { name: 'integration', run: () => run(join(BIN, 'vitest'), ['run', '--project', 'integration']) },
  {
    name: 'e2e',
    run: async () => {
      await ensureClientBuild();
      return run(join(BIN, 'vitest'), ['run', '--project', 'e2e']);
    },
  },
];

/** `npm test [-- step...]`: lint, typecheck, unit, integration, e2e (or the named steps). */
async function test(only: string[]): Promise<number> {
  const unknown = only.filter((name) => !TEST_STEPS.some((s) => s.name === name));
  if (unknown.length) {
    console.error(
      `Unknown test step(s): ${unknown.join(', ')}. Steps: ${TEST_STEPS.map((s) => s.name).join(', ')}.`,
    );
    return 2;
  }
  ensureDebianPackages(debianPackages.test, log);
  await ensureTools(ROOT, log);
  const steps = only.length ? TEST_STEPS.filter((s) => only.includes(s.name)) : TEST_STEPS;
  const results: { name: string; seconds: number; code: number }[] = [];
  for (const step of steps) {
    log(`\n=== ${step.name} ===`);
    const t = Date.now();
    const code = await step.run();
    results.push({ name: step.name, seconds: (Date.now() - t) / 1000, code });
    if (code !== 0) break;
  }
  log('\n=== summary ===');
  for (const r of results)
    log(`  ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name.padEnd(12)} ${r.seconds.toFixed(1)} s`);
  const failed = results.find((r) => r.code !== 0);
  if (failed) log(`\n${failed.name} failed; later steps did not run.`);
  return failed ? failed.code : 0;
}

/** `npm run bench [-- name...]`: runs tests/bench/<name>.bench.ts (all when none is named). */
async function bench(only: string[]): Promise<number> {
  ensureDebianPackages(debianPackages.test, log);
  await ensureTools(ROOT, log);
  const dir = join(ROOT, 'tests', 'bench');
  const all = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.bench.ts'))
        .sort()
    : [];
  const chosen = only.length
    ? all.filter((f) => only.includes(f.replace(/\.bench\.ts$/, '')))
    : all;
  if (chosen.length === 0) {
    console.error(
      `No benchmark matched. Available: ${all.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ') || 'none'}.`,
    );
    return 2;
  }
  for (const file of chosen) {
    log(`\n=== bench ${file} ===`);
    const code = await run(process.execPath, ['--import', 'tsx', join(dir, file)]);
    if (code !== 0) return code;
  }
  return 0;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'start':
      return start();
    case 'dev':
      return dev();
    case 'test':
      return test(args);
    case 'bench':
      return bench(args);
    case 'build':
      await ensureClientBuild(true);
      return 0;
    default:
      console.error('usage: cli.ts start | dev | test [step...] | bench [name...] | build');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
