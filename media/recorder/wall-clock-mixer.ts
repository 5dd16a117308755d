/**
 * Mixes mono 16-bit sources against the wall clock: the output advances at the sample rate
 * whether anyone speaks or not, so a recording lasts as long as the meeting did. Each source
 * buffers what it delivered; a source short of samples contributes silence, one that runs ahead
 * (clock drift) loses its oldest samples beyond `maxBufferedMs`.
 */
export class WallClockMixer {
  private readonly sources = new Map<string, Int16Array[]>();
  private readonly buffered = new Map<string, number>();
  private readonly maxBuffered: number;

  constructor(
    readonly sampleRate: number,
    maxBufferedMs = 1000,
  ) {
    this.maxBuffered = Math.round((sampleRate * maxBufferedMs) / 1000);
  }

  /** Ids of the sources mixed now. */
  get sourceIds(): string[] {
    return [...this.sources.keys()];
  }

  /** Adds a source (no-op if present). */
  addSource(id: string): void {
    if (this.sources.has(id)) return;
    this.sources.set(id, []);
    this.buffered.set(id, 0);
  }

  /** Removes a source and what it had buffered. */
  removeSource(id: string): void {
    this.sources.delete(id);
    this.buffered.delete(id);
  }

  /** Appends samples a source delivered (ignored for an unknown source). */
  push(id: string, samples: Int16Array): void {
    const queue = this.sources.get(id);
    if (!queue || samples.length === 0) return;
    queue.push(samples);
    let total = (this.buffered.get(id) ?? 0) + samples.length;
    while (total > this.maxBuffered && queue.length > 0) {
      const dropped = queue[0] as Int16Array;
      const excess = total - this.maxBuffered;
      if (dropped.length <= excess) {
        queue.shift();
        total -= dropped.length;
      } else {
        queue[0] = dropped.subarray(excess);
        total -= excess;
      }
    }
    this.buffered.set(id, total);
  }

  /** The next `count` mixed samples (sum of the sources, clipped to 16 bits). */
  pull(count: number): Int16Array {
    const acc = new Int32Array(count);
    for (const [id, queue] of this.sources) {
      let filled = 0;
      while (filled < count && queue.length > 0) {
        const head = queue[0] as Int16Array;
        const take = Math.min(head.length, count - filled);
        for (let i = 0; i < take; i++)
          acc[filled + i] = (acc[filled + i] as number) + (head[i] as number);
        filled += take;
        if (take === head.length) queue.shift();
        else queue[0] = head.subarray(take);
      }
      this.buffered.set(id, (this.buffered.get(id) ?? 0) - filled);
    }
    const out = new Int16Array(count);
    for (let i = 0; i < count; i++) {
      const v = acc[i] as number;
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return out;
  }
}
