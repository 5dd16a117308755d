import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freeTcpPort } from '../../infra/local/ports';
import { stack } from './stack';

/** An app started as its own process (`node --import tsx server/main.ts`). */
export interface AppProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the app in a child process on a free port with the run's FerretDB database and
 * livekit-server (and whatever `env` adds), and waits until it answers HTTP.
 * @throws with the child's last output when it exits or does not answer within 90 s.
 */
export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const s = stack();
  const port = await freeTcpPort();
  const dataDir = mkdtempSync(join(s.tmpDir, 'proc-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(s.root, 'server', 'main.ts')], {
    cwd: s.root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATA_DIR: dataDir,
      LIVEKIT_URL: s.livekit.url,
      LIVEKIT_API_KEY: s.livekit.apiKey,
      LIVEKIT_API_SECRET: s.livekit.apiSecret,
      SMTP_URL: s.mail.smtpUrl,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the app process exited (${child.exitCode ?? child.signalCode})`);
      if (
        await fetch(`${url}/api/health`).then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline)
        throw new Error(`the app process on port ${port} did not answer within 90 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return { url, pid: child.pid ?? 0, stop };
}
