#!/usr/bin/env node
// Entry point of `npm start`, `npm test`, `npm run dev` and `npm run bench`.
// It runs before the project's dependencies exist, so it is plain JavaScript using Node
// built-ins only: it checks Node, installs node_modules when they are missing or stale
// (package-lock.json changed), then hands over to infra/local/cli.ts through tsx.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(
    `Diên Hồng needs Node.js 20.19 or newer; this is ${process.versions.node}. Install a newer Node.js and run the command again.`,
  );
  process.exit(1);
}

function lockHash() {
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : 'none';
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.dienhong-lock.sha256');
  const wanted = lockHash();
  const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
  const hasTsx = existsSync(join(root, 'node_modules', '.bin', 'tsx'));
  if (have === wanted && hasTsx) return;
  // Installed by hand or by CI (`npm ci`) after the lock file last changed: npm's own record
  // of the tree (node_modules/.package-lock.json) is newer than the lock file. No second install.
  const npmRecord = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (
    !have &&
    hasTsx &&
    existsSync(npmRecord) &&
    existsSync(lock) &&
    statSync(npmRecord).mtimeMs >= statSync(lock).mtimeMs
  ) {
    writeFileSync(stamp, wanted + '\n');
    return;
  }
  const args = existsSync(join(root, 'package-lock.json')) ? ['ci'] : ['install'];
  console.log(`[setup] installing npm dependencies (npm ${args.join(' ')}) ...`);
  const started = Date.now();
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(
      '[setup] npm could not install the dependencies (see above). Check that the npm registry is reachable and run the command again.',
    );
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, wanted + '\n');
  console.log(`[setup] npm dependencies ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

ensureNodeModules();

// setpriv --pdeathsig: if this process dies without forwarding a signal (npm can be killed
// abruptly), the kernel sends the command SIGTERM, and it stops cleanly.
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const command = [
  process.execPath,
  '--import',
  'tsx',
  join(root, 'infra', 'local', 'cli.ts'),
  ...process.argv.slice(2),
];
const child = hasSetpriv
  ? spawn('setpriv', ['--pdeathsig', 'TERM', '--', ...command], { cwd: root, stdio: 'inherit' })
  : spawn(command[0], command.slice(1), { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // A terminal's Ctrl-C reaches the whole process group already; forward other senders' signals.
    if (child.exitCode === null) child.kill(signal);
  });
}
// npm does not pass a SIGTERM sent to it on to this process (the shell between us exits and we
// are re-parented). When our parent goes away, stop the command as if we had been signalled.
const parentPid = process.ppid;
const parentWatch = setInterval(() => {
  if (process.ppid !== parentPid && child.exitCode === null) {
    clearInterval(parentWatch);
    child.kill('SIGTERM');
  }
}, 500);
parentWatch.unref();
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 : 1));
});
