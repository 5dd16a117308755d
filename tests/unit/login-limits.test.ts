import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_LIMITS, pairDelaySeconds } from '../../server/auth/auth.service';

describe('pairDelaySeconds', () => {
  it('lets the first failures of an account and address pair pass without a wait', () => {
    for (let f = 0; f < DEFAULT_LOGIN_LIMITS.freePerPair; f++) {
      expect(pairDelaySeconds(DEFAULT_LOGIN_LIMITS, f)).toBe(0);
    }
  });

  it('then doubles the wait with each failure', () => {
    const free = DEFAULT_LOGIN_LIMITS.freePerPair;
    expect([0, 1, 2, 3].map((n) => pairDelaySeconds(DEFAULT_LOGIN_LIMITS, free + n))).toEqual([
      1, 2, 4, 8,
    ]);
  });

  it('never waits longer than the cap, however many failures', () => {
    expect(pairDelaySeconds(DEFAULT_LOGIN_LIMITS, 10_000)).toBe(
      DEFAULT_LOGIN_LIMITS.maxDelaySeconds,
    );
  });
});
