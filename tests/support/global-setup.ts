import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureTools } from '../../infra/local/tools';
import { Supervisor } from '../../infra/local/supervisor';

/** The shared real servers of one test run, handed to every test file through `inject('stack')`. */
export interface StackInfo {
  root: string;
  /** Base URI of the run's FerretDB; each test file uses a database of its own. */
  mongoUri: string;
  livekit: { url: string; apiKey: string; apiSecret: string };
  /** The run's Mailpit: SMTP for the apps, HTTP API (`api/v1/...`) for the tests. */
  mail: { smtpUrl: string; webUrl: string };
  /** A scratch directory for this run, removed afterwards. */
  tmpDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/**
 * Starts one FerretDB, one livekit-server and one Mailpit for the whole run (test files isolate themselves
 * by database name and room name) and stops them when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = resolve(import.meta.dirname, '..', '..');
  await ensureTools(root, () => undefined);
  const tmpDir = join(root, 'tests', '.tmp', `run-${process.pid}-${Date.now()}`);
  mkdirSync(tmpDir, { recursive: true });
  const supervisor = new Supervisor({ root, dataDir: join(tmpDir, 'stack'), log: () => undefined });
  try {
    const [mongo, livekit, mail] = await Promise.all([
      supervisor.startMongo(),
      supervisor.startLivekit(),
      supervisor.startMailpit(),
    ]);
    project.provide('stack', {
      root,
      mongoUri: mongo.uri,
      livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
      mail,
      tmpDir,
    });
  } catch (err) {
    await supervisor.stop();
    throw err;
  }
  return async () => {
    await supervisor.stop();
    rmSync(tmpDir, { recursive: true, force: true });
  };
}
