import { describe, expect, it } from 'vitest';
import { freshReads } from '../../server/votes/open-polls';

/** A reader whose reads finish when the test says, recording when each started. */
function controlledReader() {
  const started: { key: string; finish: () => void }[] = [];
  let version = 0;
  // A read sees the writes made before it started.
  const read = (key: string) =>
    new Promise<number>((resolve) => {
      const seen = version;
      started.push({ key, finish: () => resolve(seen) });
    });
  return {
    started,
    read,
    /** Finishes the i-th read. */
    finish(i: number) {
      started[i]?.finish();
    },
    write() {
      version++;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('freshReads', () => {
  it('shares one read among callers asking before it starts', async () => {
    const r = controlledReader();
    const get = freshReads(r.read);
    const answers = Promise.all([get('a'), get('a'), get('a')]);
    await tick();
    expect(r.started).toHaveLength(1);
    r.finish(0);
    expect(await answers).toEqual([0, 0, 0]);
  });

  it('gives a caller arriving during a read the next read, which sees its write', async () => {
    const r = controlledReader();
    const get = freshReads(r.read);
    const first = get('a');
    await tick();
    r.write();
    const second = get('a');
    const third = get('a');
    await tick();
    // The running read may have read before the write: the later callers do not get it.
    expect(r.started).toHaveLength(1);
    r.finish(0);
    expect(await first).toBe(0);
    await tick();
    expect(r.started).toHaveLength(2);
    r.finish(1);
    expect(await Promise.all([second, third])).toEqual([1, 1]);
  });

  it('reads different keys independently', async () => {
    const r = controlledReader();
    const get = freshReads(r.read);
    const a = get('a');
    const b = get('b');
    await tick();
    expect(r.started.map((s) => s.key)).toEqual(['a', 'b']);
    r.finish(0);
    r.finish(1);
    expect(await Promise.all([a, b])).toEqual([0, 0]);
  });

  it('starts a new read after a failed one', async () => {
    let calls = 0;
    const get = freshReads(() => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('busy')) : Promise.resolve(calls);
    });
    await expect(get('a')).rejects.toThrow('busy');
    expect(await get('a')).toBe(2);
  });
});
