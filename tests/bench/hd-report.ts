// The figures of hd.bench.ts: what the sites received, what the senders sent and why, the
// CPU, where the machine saturates, and the extrapolation of livekit-server's cost.
import { cpus } from 'node:os';
import type { ReceivedFrom, SentOver } from './hd-bench-worker';
import { percentile } from './report';

/** What one run measured at one step. */
export interface Step {
  sites: number;
  joined: number;
  publishing: number;
  /** CPU in % of one core (machine: % of all cores) over the measuring window. */
  livekit: number;
  bots: number;
  machine: number;
  load: number;
  /** What each site decoded of the hub's camera. */
  hubAtSites: ReceivedFrom[];
  /** What each site (but the programme itself) and the hub decoded of the programme. */
  programme: ReceivedFrom[];
  /** What the hub decoded of each site's tile. */
  wall: ReceivedFrom[];
  /** What each publisher's WebRTC stack sent, by layer. */
  sent: Map<string, SentOver[]>;
  failures: string[];
}

/** How the run was set up, for the text. */
export interface HdSetup {
  fps: number;
  maxBitrate: number;
  siteFps: number;
  steps: readonly number[];
  workers: number;
  rampMs: number;
  measureMs: number;
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toFixed(digits) : 'n/a';

const median = (values: readonly number[]): number => percentile(values, 50);

/** "n of m at ≥ 720p (mix); fps p50 (min)" for what a set of subscribers decoded. */
export function describe(videos: readonly ReceivedFrom[], wantHeight: number): string {
  if (videos.length === 0) return 'none';
  const full = videos.filter((v) => v.height >= wantHeight).length;
  const fps = videos.map((v) => v.fps);
  const sizes = new Map<string, number>();
  for (const v of videos) sizes.set(v.resolution, (sizes.get(v.resolution) ?? 0) + 1);
  const mix = [...sizes]
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${n}× ${r}`)
    .join(', ');
  return `${full} of ${videos.length} at ≥ ${wantHeight}p (${mix}); ${fmt(median(fps), 1)} fps p50, ${fmt(Math.min(...fps), 1)} min`;
}

/** The streams the SFU forwarded during the window: a subscriber that decoded frames. */
function forwardedStreams(s: Step): ReceivedFrom[] {
  return [...s.hubAtSites, ...s.programme, ...s.wall].filter((v) => v.frames > 0);
}

/** Bits per second the SFU forwarded: what the subscribers received of the forwarded streams. */
function forwardedBits(s: Step): number {
  return forwardedStreams(s).reduce((sum, v) => sum + v.bitsPerSecond, 0);
}

/** The senders' top layer: height and frame rate p50, and how many the CPU held back. */
function senders(s: Step): { top: SentOver[]; cpuLimited: number; text: string } {
  const top = [...s.sent.values()].map(
    (layers) => [...layers].sort((a, b) => b.frameHeight - a.frameHeight)[0],
  );
  const present = top.filter((l): l is SentOver => l !== undefined);
  const cpuLimited = present.filter((l) => l.limitation === 'cpu').length;
  const bandwidth = present.filter((l) => l.limitation === 'bandwidth').length;
  const heights = new Map<number, number>();
  for (const l of present) heights.set(l.frameHeight, (heights.get(l.frameHeight) ?? 0) + 1);
  const mix = [...heights]
    .sort((a, b) => b[0] - a[0])
    .map(([h, n]) => `${n}× ${h}p`)
    .join(', ');
  const byRid = new Map<string, SentOver[]>();
  for (const l of [...s.sent.values()].flat()) byRid.set(l.rid, [...(byRid.get(l.rid) ?? []), l]);
  const layers = [...byRid]
    .map(([rid, ls]) => ({
      rid,
      height: median(ls.map((l) => l.frameHeight)),
      mbits: median(ls.map((l) => l.bitsPerSecond)) / 1e6,
    }))
    .sort((a, b) => b.height - a.height)
    .map((l) => `${l.rid || '-'} ${fmt(l.height)}p ${fmt(l.mbits, 2)}`)
    .join(', ');
  const text =
    present.length === 0
      ? 'no sender statistics'
      : `top layer ${mix}, ${fmt(median(present.map((l) => l.framesPerSecond)), 1)} fps p50; layers (rid, height, Mbit/s p50): ${layers}; held back by CPU: ${cpuLimited} of ${present.length}, by bandwidth: ${bandwidth}`;
  return { top: present, cpuLimited, text };
}

/** Least-squares line through (x, y). */
function fit(points: readonly [number, number][]): { slope: number; intercept: number } {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  return { slope, intercept: my - slope * mx };
}

/** The first step where the pictures stop being HD or the machine is full. */
function saturation(steps: readonly Step[], fps: number): Step | undefined {
  return steps.find((s) => {
    const ours = (s.bots + s.livekit) / (cpus().length * 100);
    return degraded(s, fps) > 0.1 || senders(s).cpuLimited > 0 || (s.machine >= 90 && ours >= 0.75);
  });
}

/** The share of the large pictures (hub, programme) decoded below 720p or below 80 % of `fps`. */
function degraded(s: Step, fps: number): number {
  const hd = [...s.hubAtSites, ...s.programme];
  return hd.filter((v) => v.height < 720 || v.fps < fps * 0.8).length / Math.max(1, hd.length);
}

/** Above this CPU of other jobs (% of one core) a run does not measure the software. */
const OTHER_JOBS_LIMIT = 30;

/** CPU of the other processes on the machine (other jobs), in % of one core. */
function others(s: Step): number {
  return Math.max(0, s.machine * cpus().length - s.bots - s.livekit);
}

/** One line per step for the console and the baseline's summary. */
export function summary(s: Step): string {
  return `${s.sites} sites: livekit ${fmt(s.livekit)} %, bots ${fmt(s.bots)} %, machine ${fmt(s.machine)} %; hub at sites ${describe(s.hubAtSites, 720)}; programme ${describe(s.programme, 720)}; wall ${describe(s.wall, 180)}; senders ${senders(s).text}`;
}

/** The section's body for docs/benchmarks.md. */
export function hdReport(setup: HdSetup, steps: readonly Step[], baseline: string): string {
  const cores = cpus().length;
  const rows = steps.flatMap((s) => {
    const streams = forwardedStreams(s).length;
    const mbits = forwardedBits(s) / 1e6;
    return [
      `| **${s.sites} sites** (${s.publishing} publishing + the hub) | |`,
      `| hub's camera decoded at the sites | ${describe(s.hubAtSites, 720)} |`,
      `| programme (spotlighted site) decoded at the other sites and the hub | ${describe(s.programme, 720)} |`,
      `| the sites' tiles decoded on the hub's console (low layer) | ${describe(s.wall, 180)} |`,
      `| what the ${s.sent.size} cameras sent (their WebRTC stats) | ${senders(s).text} |`,
      `| CPU: livekit-server / bots / everything else / machine | ${fmt(s.livekit)} / ${fmt(s.bots)} / ${fmt(others(s))} % of one core; machine ${fmt(s.machine)} % of ${cores} cores (load average ${fmt(s.load, 1)}) |`,
      `| forwarded by livekit-server | ${streams} video streams, ${fmt(mbits, 1)} Mbit/s: ${fmt(s.livekit / Math.max(1, streams), 2)} % of one core per stream, ${fmt(s.livekit / mbits, 2)} % per Mbit/s |`,
      ...(s.failures.length > 0
        ? [`| failures | ${s.failures.length}: ${s.failures.slice(0, 3).join('; ')} |`]
        : []),
    ];
  });
  // An SFU's work is per packet, and packets follow the bitrate: a line through the steps, or
  // (when the steps do not give a rising line: a saturated machine delivers less as sites are
  // added) the ratio at the step that forwarded the most.
  const points = steps.map((s): [number, number] => [forwardedBits(s) / 1e6, s.livekit]);
  const fitted = fit(points);
  const busiest = [...points].sort((a, b) => b[0] - a[0])[0] ?? [Number.NaN, Number.NaN];
  const byLine = fitted.slope > 0 && fitted.intercept >= 0;
  const line = byLine ? fitted : { slope: busiest[1] / busiest[0], intercept: 0 };
  const last = steps.at(-1);
  const first = steps[0];
  const sat = saturation(steps, setup.fps);
  // The bots' cost per participant at the first step, before the machine starves them.
  const perSite = first ? first.bots / Math.max(1, first.publishing + 1) : Number.NaN;
  // Per-stream bitrates for the projection: what a subscriber received of a 720p picture and
  // of a tile at the first (least loaded) step.
  const measured: string[] = [];
  const rate = (what: string, videos: readonly ReceivedFrom[], fallback: number): number => {
    const rates = videos.filter((v) => v.frames > 0).map((v) => v.bitsPerSecond);
    if (rates.length > 0) return median(rates) / 1e6;
    measured.push(what);
    return fallback;
  };
  const top = rate(
    'a 720p picture (none arrived: the cap)',
    [...(first?.hubAtSites ?? []), ...(first?.programme ?? [])].filter((v) => v.height >= 720),
    setup.maxBitrate / 1e6,
  );
  const low = rate('a tile (none arrived: 0.05 Mbit/s)', first?.wall ?? [], 0.05);
  const projected = (n: number): number => 2 * n * top + (n - 1) * low;
  const cores100 = (mbits: number): number => (line.intercept + line.slope * mbits) / 100;
  const wall = (n: number): number => projected(n) + n * (n - 2) * low;
  // The bench's own bots raise the load average past the core count by design: what tells of
  // other jobs is the CPU taken by everything but livekit-server and the bots.
  const elsewhere = Math.max(...steps.map(others));
  return [
    ...(elsewhere > OTHER_JOBS_LIMIT
      ? [
          `**This run is not a measure of the software**: other jobs took up to ${fmt(elsewhere)} % of one core while it measured ("everything else" below), so the bots got a fraction of the CPU they need and the pictures below show that. Rerun on an idle machine for the figures.`,
          '',
        ]
      : []),
    `The hub and every site publish a 720p VP8 camera with simulcast (720p, 360p and 180p layers) from a moving test pattern: the hub and the programme at ${setup.fps} fps (the product's capture setting) with the top layer capped at ${setup.maxBitrate / 1e6} Mbit/s, the other sites, which only the hub's tiles show, at ${setup.siteFps} fps (the cap scaled with it) so that their encoders fit on this machine longer. Each site publishes once the chair has given it the floor through media/conference-control (the product path). Each site subscribes to what its bridge view shows large: the hub's camera and the programme (the site spotlighted with setSpotlight) at the top layer. The hub subscribes to the programme at the top layer and to every other site at the low layer, as the console's small tiles get it under adaptive stream. Sites join in steps of ${setup.steps.join(', ')}; ${setup.rampMs / 1000} s after each step (for the senders' bandwidth estimate to open the 720p layer) every participant counts the frames it decodes for ${setup.measureMs / 1000} s, and every camera reads its WebRTC sender statistics (layers, frame rate, bitrate, quality limitation) before and after. The site bots run in ${setup.workers} processes at nice 5 (the hub in one more at normal priority) so that they do not starve livekit-server; CPU is from /proc over the same window (% of one core), everything on this machine included.`,
    '',
    `Baseline: ${baseline}`,
    '',
    '| Measure | Value |',
    '| --- | --- |',
    ...rows,
    '',
    `Where the limit is: ${
      sat
        ? `from ${sat.sites} sites this machine is the limit: it runs at ${fmt(sat.machine)} % of its ${cores} cores, the bots taking ${fmt(sat.bots)} % of one core (encoding ${sat.publishing + 1} cameras in three layers each and decoding ${forwardedStreams(sat).length} streams), other jobs ${fmt(others(sat))} % and livekit-server ${fmt(sat.livekit)} %; ${fmt(degraded(sat, setup.fps) * 100)} % of the large pictures are decoded below 720p or ${fmt(setup.fps * 0.8)} fps and ${senders(sat).cpuLimited} of ${senders(sat).top.length} encoders report that the CPU holds them back (the starved bots decode late and send their feedback late, so the senders' and the SFU's bandwidth estimates drop too).`
        : `no step saturated the machine, held an encoder back or brought the pictures below 720p at ${fmt(setup.fps * 0.8)} fps.`
    } livekit-server is not the limit: at ${last?.sites ?? 0} sites it forwards ${last ? forwardedStreams(last).length : 0} video streams (${fmt(last ? forwardedBits(last) / 1e6 : Number.NaN, 1)} Mbit/s) with ${fmt(last?.livekit ?? Number.NaN)} % of one core.`,
    '',
    `Extrapolation: livekit-server's CPU against the bitrate it forwarded (an SFU's work is per packet, and packets follow the bitrate) is ${byLine ? `a least-squares line over the ${steps.length} steps: ${fmt(line.intercept)} % + ${fmt(line.slope, 2)} % of one core per forwarded Mbit/s` : `taken as the ratio at the step that forwarded the most (the steps gave no rising line): ${fmt(line.slope, 2)} % of one core per forwarded Mbit/s`}. With the bitrates a subscriber received at the first step (a 720p picture ${fmt(top, 2)} Mbit/s, a tile ${fmt(low, 2)} Mbit/s${measured.length > 0 ? `; assumed for ${measured.join(' and ')}` : ''}), the same picture for n sites (the hub and the programme at 720p to every site, every site as a tile at the hub: ${fmt(projected(40), 0)} Mbit/s at 40 sites) needs about ${fmt(cores100(projected(40)), 2)} core at 40 sites and ${fmt(cores100(projected(146)), 2)} core for the 146 sites of a province. If every site also showed every other site as a small tile (n(n − 2) more 180p streams, ${fmt(wall(40), 0)} Mbit/s in all) 40 sites would need about ${fmt(cores100(wall(40)), 1)} cores and a network of that bitrate. A simulated site costs ${fmt(perSite)} % of one core here (encoding its camera in three layers and decoding two 720p streams): on a real network that is the site's own computer, not the server.`,
  ].join('\n');
}
