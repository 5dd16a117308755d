/**
 * A sliding-window limit per key (user and meeting): at most `max` hits within `windowMs`.
 * In memory: behind several API processes each enforces it on its own, which still bounds a
 * flood to `max` × processes per window.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Records a hit for `key` at `now` unless the window is full.
   * @returns 0 when accepted, else the milliseconds until the oldest hit leaves the window.
   */
  take(key: string, now = Date.now()): number {
    const since = now - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length >= this.max) {
      this.hits.set(key, list);
      return (list[0] as number) + this.windowMs - now;
    }
    list.push(now);
    this.hits.set(key, list);
    if (this.hits.size > 10_000) this.prune(since);
    return 0;
  }

  private prune(since: number): void {
    for (const [key, list] of this.hits) {
      if (!list.some((t) => t > since)) this.hits.delete(key);
    }
  }
}
