import { describe, expect, it } from 'vitest';
import { AWARENESS_TIMEOUT_MS, AwarenessStore } from '../../collab/awareness-store';

const state = (clientId: number, clock: number, json = '{"u":1}') => ({ clientId, clock, json });

describe('AwarenessStore', () => {
  it('accepts newer clocks and ignores older ones', () => {
    const store = new AwarenessStore<string>();
    const owned = new Set<number>();
    expect(store.apply([state(1, 1)], 'a', owned, 4)).toHaveLength(1);
    expect(store.apply([state(1, 1, '{"u":2}')], 'a', owned, 4)).toHaveLength(0);
    expect(store.apply([state(1, 2, '{"u":2}')], 'a', owned, 4)).toHaveLength(1);
    expect(store.all()).toEqual([state(1, 2, '{"u":2}')]);
  });

  it("never lets a connection overwrite or remove another connection's presence", () => {
    const store = new AwarenessStore<string>();
    const a = new Set<number>();
    const b = new Set<number>();
    store.apply([state(1, 1)], 'a', a, 4);
    expect(store.apply([state(1, 5, '{"evil":1}')], 'b', b, 4)).toHaveLength(0);
    expect(store.apply([state(1, 5, 'null')], 'b', b, 4)).toHaveLength(0);
    expect(store.size).toBe(1);
  });

  it('limits the client ids one connection may publish', () => {
    const store = new AwarenessStore<string>();
    const owned = new Set<number>();
    const accepted = store.apply(
      [1, 2, 3, 4, 5, 6].map((id) => state(id, 1)),
      'a',
      owned,
      2,
    );
    expect(accepted.map((e) => e.clientId)).toEqual([1, 2]);
  });

  it('removes the states of a closing connection and outdated states', () => {
    const store = new AwarenessStore<string>();
    store.apply([state(1, 1)], 'a', new Set(), 4);
    store.apply([state(2, 1)], null, null, 0);
    expect(store.removeOwned('a', [1])).toEqual([state(1, 2, 'null')]);
    expect(store.size).toBe(1);
    const removed = store.sweep(Date.now() + AWARENESS_TIMEOUT_MS + 1);
    expect(removed).toEqual([state(2, 2, 'null')]);
    expect(store.size).toBe(0);
    expect(store.local()).toEqual([]);
  });
});
