import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../server/keyed-queue';

/** A promise resolved from outside. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('KeyedQueue', () => {
  it('runs the tasks of one key one after another, in order', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const first = gate();
    const a = queue.run('k', async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
      return 'a';
    });
    const b = queue.run('k', () => {
      log.push('b');
      return 'b';
    });
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('runs tasks of different keys concurrently', async () => {
    const queue = new KeyedQueue();
    const blocked = gate();
    const slow = queue.run('one', () => blocked.promise.then(() => 'slow'));
    expect(await queue.run('two', () => 'fast')).toBe('fast');
    blocked.open();
    expect(await slow).toBe('slow');
  });

  it('gives each caller its own error and still runs the tasks queued after a failure', async () => {
    const queue = new KeyedQueue();
    const failing = queue.run('k', () => Promise.reject(new Error('boom')));
    const next = queue.run('k', () => 'after');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('after');
  });

  it('forgets a key once its tasks are done, and idle() waits for queued work', async () => {
    const queue = new KeyedQueue();
    const blocked = gate();
    let done = false;
    void queue.run('k', async () => {
      await blocked.promise;
      done = true;
    });
    expect(queue.size).toBe(1);
    const idle = queue.idle();
    blocked.open();
    await idle;
    expect(done).toBe(true);
    await Promise.resolve();
    expect(queue.size).toBe(0);
  });
});
