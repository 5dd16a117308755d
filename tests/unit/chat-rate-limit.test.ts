import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../server/chat/chat-rate-limit';

describe('SlidingWindowLimiter', () => {
  it('accepts up to max hits in the window, then says how long to wait', () => {
    const limiter = new SlidingWindowLimiter(3, 10_000);
    expect([0, 1_000, 2_000].map((t) => limiter.take('a', t))).toEqual([0, 0, 0]);
    expect(limiter.take('a', 4_000)).toBe(6_000);
  });

  it('frees a place once the oldest hit leaves the window', () => {
    const limiter = new SlidingWindowLimiter(2, 10_000);
    limiter.take('a', 0);
    limiter.take('a', 5_000);
    expect(limiter.take('a', 9_999)).toBe(1);
    expect(limiter.take('a', 10_000)).toBe(0);
  });

  it('counts each key on its own', () => {
    const limiter = new SlidingWindowLimiter(1, 10_000);
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 1)).toBeGreaterThan(0);
  });
});
