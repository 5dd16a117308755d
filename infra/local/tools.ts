import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pins from './tools.json' with { type: 'json' };

/** Where the pinned Go tools live, relative to the repository root. */
export const TOOLS_DIR = '.tools';

export interface ToolPaths {
  ferretdb: string;
  livekit: string;
  mailpit: string;
}

type Log = (line: string) => void;

/** Absolute paths of the embedded binaries (whether or not they are installed yet). */
export function toolPaths(root: string): ToolPaths {
  const bin = join(root, TOOLS_DIR, 'bin');
  return {
    ferretdb: join(bin, pins.ferretdb.binary),
    livekit: join(bin, pins.livekit.binary),
    mailpit: join(bin, pins.mailpit.binary),
  };
}

function stampOf(binary: string): string {
  return `${binary}.version`;
}

function isCurrent(binary: string, version: string): boolean {
  return (
    existsSync(binary) &&
    existsSync(stampOf(binary)) &&
    readFileSync(stampOf(binary), 'utf8').trim() === version
  );
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `\`${cmd} ${args.join(' ')}\` failed with exit code ${code}:\n${output.slice(-4000)}`,
          ),
        );
    });
  });
}

function capture(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

function requireGo(): void {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      'Go is needed once to build FerretDB, livekit-server and Mailpit into .tools/bin, and `go version` failed. Install Go 1.24 or newer (https://go.dev/dl/), or set MONGODB_URI and LIVEKIT_URL/LIVEKIT_API_KEY/LIVEKIT_API_SECRET to use servers you already run.',
    );
  }
}

/**
 * FerretDB's module zip lacks the generated build/version/version.txt, so a plain
 * `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` yields a binary that panics at
 * start ("Invalid build/version/version.txt file content"); the Go proxy also answers 403 for the
 * module's version list, which `go install` reads for deprecation notices. We build the same
 * pinned module version from the module cache with version.txt written, as FerretDB's own
 * `task gen-version` does.
 */
async function buildFerretdb(root: string, target: string, log: Log): Promise<void> {
  const { module, version, package: pkg } = pins.ferretdb;
  log(`[setup] building FerretDB ${version} into ${TOOLS_DIR}/bin (go, first run only) ...`);
  const info = JSON.parse(
    capture('go', ['mod', 'download', '-json', `${module}@${version}`], root),
  ) as {
    Dir?: string;
    Error?: string;
  };
  if (!info.Dir)
    throw new Error(`go mod download ${module}@${version} failed: ${info.Error ?? 'no Dir'}`);
  const src = join(root, TOOLS_DIR, 'src', `ferretdb-${version}`);
  rmSync(src, { recursive: true, force: true });
  mkdirSync(join(root, TOOLS_DIR, 'src'), { recursive: true });
  cpSync(info.Dir, src, { recursive: true });
  makeWritable(src);
  writeFileSync(join(src, 'build', 'version', 'version.txt'), `${version}\n`);
  const tmp = `${target}.tmp`;
  await run('go', ['build', '-trimpath', '-o', tmp, pkg], {
    cwd: src,
    env: { GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
  });
  renameSync(tmp, target);
  rmSync(src, { recursive: true, force: true });
}

function makeWritable(dir: string): void {
  spawnSync('chmod', ['-R', 'u+w', dir]);
}

async function buildLivekit(root: string, target: string, log: Log): Promise<void> {
  const { package: pkg, version, builtName } = pins.livekit;
  log(
    `[setup] building livekit-server ${version} into ${TOOLS_DIR}/bin (go install, first run only) ...`,
  );
  const gobin = join(root, TOOLS_DIR, 'gobin-livekit');
  rmSync(gobin, { recursive: true, force: true });
  mkdirSync(gobin, { recursive: true });
  await run('go', ['install', `${pkg}@${version}`], { cwd: root, env: { GOBIN: gobin } });
  renameSync(join(gobin, builtName), target);
  rmSync(gobin, { recursive: true, force: true });
}

/** Mailpit (the embedded SMTP server and inbox) installs cleanly with `go install`. */
async function buildMailpit(root: string, target: string, log: Log): Promise<void> {
  const { package: pkg, version, builtName } = pins.mailpit;
  log(`[setup] building Mailpit ${version} into ${TOOLS_DIR}/bin (go install, first run only) ...`);
  const gobin = join(root, TOOLS_DIR, 'gobin-mailpit');
  rmSync(gobin, { recursive: true, force: true });
  mkdirSync(gobin, { recursive: true });
  await run('go', ['install', `${pkg}@${version}`], { cwd: root, env: { GOBIN: gobin } });
  renameSync(join(gobin, builtName), target);
  rmSync(gobin, { recursive: true, force: true });
}

async function withLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(root, TOOLS_DIR, '.lock');
  mkdirSync(join(root, TOOLS_DIR), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const holder = Number(readFileSafe(join(lock, 'pid')));
      if (!holder || !isAlive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await delay(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds FerretDB, livekit-server and Mailpit at the versions pinned in tools.json into .tools/bin,
 * once; rebuilds a tool when its pin changes. Safe to call from several processes at once.
 * Throws with the failing command and its output when Go is missing or a build fails.
 */
export async function ensureTools(root: string, log: Log = console.log): Promise<ToolPaths> {
  const paths = toolPaths(root);
  const todo = [
    { binary: paths.ferretdb, version: pins.ferretdb.version, build: buildFerretdb },
    { binary: paths.livekit, version: pins.livekit.version, build: buildLivekit },
    { binary: paths.mailpit, version: pins.mailpit.version, build: buildMailpit },
  ];
  if (todo.every((t) => isCurrent(t.binary, t.version))) return paths;
  requireGo();
  await withLock(root, async () => {
    mkdirSync(join(root, TOOLS_DIR, 'bin'), { recursive: true });
    const started = Date.now();
    await Promise.all(
      todo
        .filter((t) => !isCurrent(t.binary, t.version))
        .map(async (t) => {
          await t.build(root, t.binary, log);
          chmodSync(t.binary, 0o755);
          writeFileSync(stampOf(t.binary), `${t.version}\n`);
        }),
    );
    log(`[setup] tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  return paths;
}

/**
 * Makes sure the Debian packages a command needs are installed: installs them with apt-get
 * when running as root, otherwise throws a message saying exactly what to install.
 */
export function ensureDebianPackages(packages: readonly string[], log: Log = console.log): void {
  const missing = packages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing system packages: ${missing.join(', ')}. Install them with: sudo ${command}`,
    );
  }
  log(`[setup] installing ${missing.join(', ')} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0) {
    throw new Error(
      `\`${command}\` failed (see above). Install the packages by hand and run again.`,
    );
  }
}

/** The Debian packages each command needs, from tools.json. */
export const debianPackages = pins.debianPackages;
