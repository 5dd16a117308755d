import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childPids, isRunning, spawnTs } from '../support/processes';
import { stack, waitFor } from '../support/stack';

async function startSupervisorChild() {
  const dataDir = mkdtempSync(join(stack().tmpDir, 'sup-'));
  const proc = spawnTs('tests/support/supervisor-child.ts', {}, [dataDir]);
  const match = await proc.waitForOutput(/PIDS (\{.*\})/);
  const pids = Object.values(JSON.parse(match[1] ?? '{}') as Record<string, number>);
  expect(pids).toHaveLength(4);
  for (const pid of pids) expect(isRunning(pid)).toBe(true);
  return { proc, pids };
}

describe('the supervisor leaves no process behind', () => {
  it('stops FerretDB, livekit-server, Redis and Mailpit when it gets SIGTERM', async () => {
    const { proc, pids } = await startSupervisorChild();
    proc.child.kill('SIGTERM');
    const { code } = await proc.exited();
    expect(code).toBe(0);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });

  it('stops them even when the supervising process is killed with SIGKILL', async () => {
    const { proc, pids } = await startSupervisorChild();
    proc.child.kill('SIGKILL');
    await proc.exited();
    await waitFor(
      () => pids.every((pid) => !isRunning(pid)),
      'children to exit after SIGKILL',
      15_000,
      50,
    );
  });

  it('npm start style: the app with embedded dependencies stops them all on SIGINT', async () => {
    const dataDir = mkdtempSync(join(stack().tmpDir, 'app-'));
    const proc = spawnTs('server/main.ts', {
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      MONGODB_URI: '',
      LIVEKIT_URL: '',
      LIVEKIT_API_KEY: '',
      LIVEKIT_API_SECRET: '',
      SMTP_URL: '',
    });
    try {
      await proc.waitForOutput(/Diên Hồng is running at (http:\/\/\S+)/, 120_000);
      const inbox = await proc.waitForOutput(/Mailpit inbox\): (http:\/\/\S+)/, 10_000);
      expect((await fetch(`${inbox[1] ?? ''}api/v1/info`)).status).toBe(200);
      const children = childPids(proc.child.pid ?? 0);
      expect(children.length).toBeGreaterThanOrEqual(3);
      proc.child.kill('SIGINT');
      const { code } = await proc.exited();
      expect(code).toBe(0);
      for (const pid of children) expect(isRunning(pid)).toBe(false);
    } finally {
      await proc.stop();
    }
  });
});
