// Where the time of a floor grant goes, measured from the bench process: each LiveKit server
// API request the grant makes (timed around fetch, which livekit-server-sdk's Twirp client
// uses), the bench process's own event-loop delay while it waits (a late timer or callback
// inflates every figure measured here), and the moments the site and the hub learn of the grant.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { percentile } from './report';

/** One grant, in ms from the grant call. */
export interface GrantTimes {
  /** Each server API request of the grant call, in order: method and duration. */
  requests: { method: string; ms: number }[];
  /** The site saw the floor attribute and unmuted its microphone (its own clock: same machine). */
  siteSawFloor?: number;
}

/** The Twirp method of a server API URL (`…/twirp/livekit.RoomService/GetParticipant`). */
function twirpMethod(input: Parameters<typeof fetch>[0]): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return url.slice(url.lastIndexOf('/') + 1);
}

/**
 * Times the server API requests made between {@link begin} and {@link end}, and the event-loop
 * delay of this process while installed. Install once; {@link uninstall} restores fetch.
 */
export class GrantProfiler {
  private readonly original = globalThis.fetch;
  private current: GrantTimes | null = null;
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  install(): void {
    const original = this.original;
    globalThis.fetch = async (input, init) => {
      const grant = this.current;
      if (!grant) return original(input, init);
      const started = performance.now();
      try {
        return await original(input, init);
      } finally {
        grant.requests.push({ method: twirpMethod(input), ms: performance.now() - started });
      }
    };
    this.loop.enable();
  }

  uninstall(): void {
    globalThis.fetch = this.original;
    this.loop.disable();
  }

  /** Starts timing one grant's requests. */
  begin(): GrantTimes {
    this.current = { requests: [] };
    return this.current;
  }

  end(): void {
    this.current = null;
  }

  /** The event-loop delay since install, p50 / p99 / max in ms. */
  loopDelay(): { p50: number; p99: number; max: number } {
    const ms = (ns: number): number => ns / 1e6;
    return {
      p50: ms(this.loop.percentile(50)),
      p99: ms(this.loop.percentile(99)),
      max: ms(this.loop.max),
    };
  }
}

/**
 * The requests of the grants, by method: "GetParticipant 12 / 340 ms, …" (p50 / p95, in the
 * order the grant makes them).
 */
export function requestBreakdown(grants: readonly GrantTimes[]): string {
  const byMethod = new Map<string, number[]>();
  for (const g of grants) {
    for (const r of g.requests) {
      const list = byMethod.get(r.method) ?? [];
      list.push(r.ms);
      byMethod.set(r.method, list);
    }
  }
  if (byMethod.size === 0) return 'no request timed';
  const fmt = (n: number): string => n.toFixed(0);
  return [...byMethod]
    .map(
      ([method, ms]) =>
        `${method} ${fmt(percentile(ms, 50))} / ${fmt(percentile(ms, 95))} ms (${ms.length})`,
    )
    .join('; ');
}
