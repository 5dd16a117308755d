import { describe, expect, it } from 'vitest';
import { isRunning, spawnTs } from '../support/processes';
import type { TestProcess } from '../support/processes';
import { waitFor } from '../support/stack';

// Issue 12, point 1: `npm start` restarts the app when it dies unexpectedly, within bounds, and
// a clean stop stays a stop. The supervision (infra/local/restart.ts) runs in a child process.

function starts(proc: TestProcess): number[] {
  return [...proc.output().matchAll(/START (\d+)/g)].map((m) => Number(m[1]));
}

describe('npm start supervision', () => {
  it('restarts an app killed from outside', async () => {
    const proc = spawnTs('tests/support/restart-child.ts', {}, ['serve']);
    try {
      await proc.waitForOutput(/START \d+/);
      const [first] = starts(proc);
      process.kill(first ?? 0, 'SIGKILL');
      await waitFor(() => starts(proc).length === 2, 'the app to be started again', 10_000);
      expect(proc.output()).toMatch(/exited unexpectedly \(signal SIGKILL\); restarting in \d+ ms/);
      const second = starts(proc)[1] ?? 0;
      expect(isRunning(second)).toBe(true);
    } finally {
      await proc.stop();
    }
  });

  it('gives up after 5 restarts within the window, with the last exit code', async () => {
    const proc = spawnTs('tests/support/restart-child.ts', {}, ['crash']);
    const { code } = await proc.exited();
    expect(code).toBe(3);
    expect(starts(proc)).toHaveLength(6);
    expect(proc.output().match(/restarting in/g)).toHaveLength(5);
    expect(proc.output()).toMatch(/too often: more than 5 restarts within 60 s; giving up/);
  });

  it('stops without a restart on SIGTERM', async () => {
    const proc = spawnTs('tests/support/restart-child.ts', {}, ['serve']);
    await proc.waitForOutput(/START \d+/);
    const [app] = starts(proc);
    proc.child.kill('SIGTERM');
    const { code } = await proc.exited();
    expect(code).toBe(0);
    expect(starts(proc)).toHaveLength(1);
    expect(proc.output()).not.toMatch(/restarting/);
    expect(isRunning(app ?? 0)).toBe(false);
  });
});
