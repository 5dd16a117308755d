import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../infra/local/restart';

describe('restart policy', () => {
  it('doubles the pause with each restart in the window, up to the longest pause', () => {
    const policy = new RestartPolicy({ baseDelayMs: 500, maxDelayMs: 3000 });
    const delays = [0, 1, 2, 3, 4].map((i) => policy.next(1000 + i));
    expect(delays).toEqual([
      { restart: true, delayMs: 500 },
      { restart: true, delayMs: 1000 },
      { restart: true, delayMs: 2000 },
      { restart: true, delayMs: 3000 },
      { restart: true, delayMs: 3000 },
    ]);
  });

  it('refuses the sixth restart within 60 s', () => {
    const policy = new RestartPolicy();
    for (let i = 0; i < 5; i++) expect(policy.next(i * 10_000).restart).toBe(true);
    expect(policy.next(59_000)).toEqual({ restart: false });
  });

  it('allows restarts again once the earlier ones left the window', () => {
    const policy = new RestartPolicy();
    for (let i = 0; i < 5; i++) policy.next(i * 1000);
    expect(policy.next(60_500)).toEqual({ restart: true, delayMs: 8000 });
    expect(policy.next(60_600).restart).toBe(false);
  });
});
