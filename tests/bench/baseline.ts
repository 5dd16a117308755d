import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { freeTcpPort } from '../../infra/local/ports';

// The app under test and its baseline. Every benchmark reports its figures beside those of the
// baseline (main, unless BENCH_BASELINE_REF names another commit) measured in the same run on
// the same machine: the baseline's tree is exported from git into tests/.tmp (no worktree is
// registered), shares this checkout's node_modules and .tools, and is started the same way.

export const ROOT = resolve(import.meta.dirname, '..', '..');
const TMP = join(ROOT, 'tests', '.tmp');

/** One tree of the app: the working tree, or the baseline exported from git. */
export interface AppTree {
  /** 'this tree' or the baseline's ref as given. */
  label: string;
  /** Commit (12 hex digits) or 'working tree'. */
  commit: string;
  root: string;
}

function git(args: string[]): string {
  const out = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`git ${args.join(' ')}: ${out.stderr.trim()}`);
  return out.stdout.trim();
}

/** The tree being measured (this checkout). */
export function currentTree(): AppTree {
  let commit = 'working tree';
  try {
    const head = git(['rev-parse', '--short=12', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    commit = dirty ? `${head} + uncommitted changes` : head;
  } catch {
    // not a git checkout: the label says so
  }
  return { label: 'this tree', commit, root: ROOT };
}

/**
 * The baseline tree: BENCH_BASELINE_REF (default `main`) exported from git into
 * tests/.tmp/baseline-<commit>, reused when already there. Returns null when the ref cannot be
 * resolved (e.g. a clone without main) so the benchmark can say so instead of failing.
 */
export function baselineTree(): AppTree | null {
  const ref = process.env.BENCH_BASELINE_REF?.trim() || 'main';
  let commit: string;
  try {
    commit = git(['rev-parse', '--short=12', `${ref}^{commit}`]);
  } catch {
    return null;
  }
  const root = join(TMP, `baseline-${commit}`);
  if (!existsSync(join(root, 'package.json'))) {
    mkdirSync(root, { recursive: true });
    const archive = spawnSync('git', ['archive', '--format=tar', commit], {
      cwd: ROOT,
      maxBuffer: 1 << 30,
    });
    if (archive.status !== 0) throw new Error(`git archive ${commit} failed`);
    const untar = spawnSync('tar', ['-x', '-C', root], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`tar -x into ${root} failed`);
  }
  for (const shared of ['node_modules', '.tools', 'dist']) {
    const link = join(root, shared);
    if (!existsSync(link) && existsSync(join(ROOT, shared))) symlinkSync(join(ROOT, shared), link);
  }
  return { label: ref, commit, root };
}

/** A running app process (server/main.ts of one tree, with its embedded servers). */
export interface RunningApp {
  url: string;
  pid: number;
  /** Its DATA_DIR (the embedded servers' keys and configs live there while it runs). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx server/main.ts` of `tree` on a free port with a fresh data
 * directory (embedded FerretDB, livekit-server, Redis as the tree's supervisor starts them),
 * NODE_ENV=production and LOG_LEVEL=warn, demo seed. Resolves once /api/health answers.
 */
export async function startApp(
  tree: AppTree,
  options: { name: string; env?: Record<string, string> },
): Promise<RunningApp> {
  mkdirSync(TMP, { recursive: true });
  const dataDir = mkdtempSync(join(TMP, `bench-${options.name}-`));
  const port = await freeTcpPort();
  const logFile = join(TMP, `bench-${options.name}-app.log`);
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', join(tree.root, 'server', 'main.ts')], {
    cwd: tree.root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      SEED: 'demo',
      SEED_DEMO_MEETINGS: 'true',
      ...options.env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited during start (see ${logFile})`);
    const up = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app did not start within 180 s (see ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pid: child.pid ?? 0, dataDir, stop };
}

/** Runs `measure` against the baseline (when there is one), then against this tree. */
export async function measureBoth<T>(
  name: string,
  measure: (app: RunningApp, tree: AppTree) => Promise<T>,
  env?: Record<string, string>,
): Promise<{
  baseline: { tree: AppTree; result: T } | null;
  current: { tree: AppTree; result: T };
}> {
  const base = baselineTree();
  let baseline: { tree: AppTree; result: T } | null = null;
  if (base) {
    const app = await startApp(base, { name: `${name}-baseline`, ...(env ? { env } : {}) });
    try {
      baseline = { tree: base, result: await measure(app, base) };
    } finally {
      await app.stop();
    }
  }
  const tree = currentTree();
  const app = await startApp(tree, { name, ...(env ? { env } : {}) });
  try {
    return { baseline, current: { tree, result: await measure(app, tree) } };
  } finally {
    await app.stop();
  }
}
