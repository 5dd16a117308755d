// `npm run bench -- hd`: the national criterion "at least 40 simultaneous sites with HD
// picture". The hub and every site publish a 720p VP8 simulcast camera (the floor granted to
// each site, as the chair would); each site's screen shows the hub and the programme (the
// spotlighted site) at the top layer, the hub's console shows every site as a low-layer tile.
// Sites join in steps (10, 20, 30, 40 by default); after each step the frames every
// participant decodes are counted and the CPU of livekit-server and of the bot processes is
// read from /proc. Figures go to docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dispose } from '@livekit/rtc-node';
import { baselineTree, currentTree, ROOT } from './baseline';
import type { AppTree } from './baseline';
import { forkBotProcess, measureCpu, stopBotProcesses, until } from './bench-process';
import type {
  HdWorkerCommand,
  HdWorkerReport,
  ReceivedFrom,
  SentOver,
  ViewRule,
} from './hd-bench-worker';
import type { CameraEncoding } from './hd-video';
import { fmt, hdReport, summary } from './hd-report';
import type { Step } from './hd-report';
import { writeBenchSection } from './report';
import { randomObjectId, siteTokenRequest } from '../support/media';
import type * as SupervisorModule from '../../infra/local/supervisor';
import type * as TokensModule from '../../media/access-tokens';
import type { ConferenceUnit } from '../../media/contracts/participant-metadata';
import type * as MediaServiceModule from '../../media/media-service';

const STEPS = (process.env.BENCH_HD_STEPS ?? '10,20,30,40')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
/** The product's capture setting (conferenceRoomOptions.videoCaptureDefaults): 720p at 15 fps. */
const FPS = 15;
/** LiveKit's h720 preset is 1.7 Mbit/s at 30 fps; half the frames need less. */
const ENCODING: CameraEncoding = { fps: FPS, maxBitrate: 1_200_000 };
/**
 * The other sites' cameras, which only the hub's tiles show: 720p at a modest frame rate (the
 * bitrate scaled with it) so that 40 encoders fit on the machine longer; the hub and the
 * programme, which every screen shows large, publish at the full rate.
 */
const SITE_FPS = Number(process.env.BENCH_HD_SITE_FPS ?? 5);
const SITE_ENCODING: CameraEncoding = {
  fps: SITE_FPS,
  maxBitrate: Math.round((ENCODING.maxBitrate * SITE_FPS) / FPS),
};
const WORKERS = Number(process.env.BENCH_HD_WORKERS ?? 4);
/** Time for the senders' bandwidth estimate to open the 720p layer before measuring. */
const RAMP_MS = 8000;
const MEASURE_MS = 8000;
/**
 * The files that make the media path: how livekit-server is configured and started, the
 * tokens and grants, the floor and spotlight controls. The bots (the clients) are this tree's.
 */
const MEDIA_PATH = [
  'infra/local/livekit-config.ts',
  'infra/local/supervisor.ts',
  'media/access-tokens.ts',
  'media/contracts/grant-profiles.ts',
  'media/conference-control.ts',
  'media/media-service.ts',
];

/** The modules of one tree on the media path, loaded from that tree's files. */
interface MediaPath {
  Supervisor: typeof SupervisorModule.Supervisor;
  createConferenceToken: typeof TokensModule.createConferenceToken;
  MediaService: typeof MediaServiceModule.MediaService;
}

async function loadMediaPath(root: string): Promise<MediaPath> {
  const load = <T>(file: string): Promise<T> =>
    import(pathToFileURL(join(root, file)).href) as Promise<T>;
  const [sup, tokens, service] = await Promise.all([
    load<typeof SupervisorModule>('infra/local/supervisor.ts'),
    load<typeof TokensModule>('media/access-tokens.ts'),
    load<typeof MediaServiceModule>('media/media-service.ts'),
  ]);
  return {
    Supervisor: sup.Supervisor,
    createConferenceToken: tokens.createConferenceToken,
    MediaService: service.MediaService,
  };
}

/** Sites of the demo province: districts first, then communes. */
function sites(count: number): ConferenceUnit[] {
  return Array.from({ length: count }, (_, i) =>
    i < 9
      ? { code: String(243 + i), name: `Huyện ${243 + i}`, level: 'district' as const }
      : {
          code: `VP-${243 + (i % 9)}-${String(Math.floor(i / 9)).padStart(2, '0')}`,
          name: `Xã ${243 + (i % 9)}-${Math.floor(i / 9)}`,
          level: 'commune' as const,
        },
  );
}

async function runTree(tree: AppTree): Promise<Step[]> {
  const { Supervisor, createConferenceToken, MediaService } = await loadMediaPath(tree.root);
  const dataDir = join(
    ROOT,
    'tests',
    '.tmp',
    `bench-hd-${process.pid}-${tree.commit.slice(0, 12)}`,
  );
  mkdirSync(dataDir, { recursive: true });
  const supervisor = new Supervisor({ root: tree.root, dataDir, log: () => undefined });
  const workers: ChildProcess[] = [];
  const meetingId = randomObjectId();
  let media: InstanceType<typeof MediaService> | undefined;
  let stopping = false;
  try {
    const lk = await supervisor.startLivekit();
    const livekitPid = supervisor.pids().livekit ?? 0;
    const endpoint = { url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret };
    media = new MediaService({ livekit: endpoint });
    await media.goLive({ meetingId, title: 'Hội nghị trực tuyến: 40 điểm cầu HD' });

    const joined = new Set<string>();
    const published = new Set<string>();
    const viewing = new Map<string, number>();
    const received = new Map<string, ReceivedFrom[]>();
    let sent = new Map<string, SentOver[]>();
    const failures: string[] = [];
    // Worker 0 holds the hub at normal priority; the site workers run at nice 5 so that
    // livekit-server and the hub get the CPU they would have on their own machines.
    for (let w = 0; w <= WORKERS; w++) {
      const child = forkBotProcess(
        join(import.meta.dirname, 'hd-bench-worker.ts'),
        (r: HdWorkerReport) => {
          if (r.type === 'joined') joined.add(r.identity);
          else if (r.type === 'published') published.add(r.identity);
          else if (r.type === 'viewing') viewing.set(r.identity, r.subscribed);
          else if (r.type === 'received') received.set(r.identity, r.videos);
          else if (r.type === 'sent') sent.set(r.identity, r.layers);
          else if (r.type === 'join_failed' || r.type === 'publish_failed') {
            failures.push(`${r.type} ${r.identity}: ${r.error}`);
            console.log(`  ${r.type} ${r.identity}: ${r.error}`);
          }
        },
        { nice: w > 0 ? 5 : 0 },
      );
      child.on('exit', (code, signal) => {
        if (!stopping) failures.push(`bot process ${w} exited (code ${code}, signal ${signal})`);
      });
      workers.push(child);
    }
    const botPids = workers.map((w) => w.pid ?? 0).filter((p) => p > 0);
    const command = (w: number, c: HdWorkerCommand): void => {
      workers[w]?.send(c);
    };

    const hubUnit: ConferenceUnit = { code: '26', name: 'UBND tỉnh Vĩnh Phúc', level: 'province' };
    const hub = await createConferenceToken(endpoint, siteTokenRequest(meetingId, hubUnit, 'hub'));
    command(0, { type: 'join', url: lk.url, participants: [hub] });
    await until(() => joined.has(hub.identity), 'the hub joined', 60_000);
    command(0, { type: 'publish', identity: hub.identity, encoding: ENCODING });
    await until(() => published.has(hub.identity), 'the hub publishing', 60_000);

    const all = sites(Math.max(...STEPS));
    const tokens = await Promise.all(
      all.map((s) => createConferenceToken(endpoint, siteTokenRequest(meetingId, s))),
    );
    const workerOf = (i: number): number => 1 + (i % WORKERS);
    // Past saturation the bots answer late or not at all: note it and measure what is there.
    const waitOrNote = (check: () => boolean, what: string, ms: number): Promise<void> =>
      until(check, what, ms).catch((err: unknown) => {
        failures.push((err as Error).message);
        console.log(`  ${(err as Error).message}`);
      });
    const programme = tokens[0]?.identity ?? '';
    const steps: Step[] = [];
    let inRoom = 0;
    for (const target of STEPS) {
      const stepFailures = failures.length;
      const batch = tokens.slice(inRoom, target);
      for (let w = 1; w <= WORKERS; w++) {
        const mine = batch.filter((_, i) => workerOf(inRoom + i) === w);
        if (mine.length > 0) command(w, { type: 'join', url: lk.url, participants: mine });
      }
      const settled = (ids: Set<string>): boolean =>
        batch.every(
          (t) => ids.has(t.identity) || failures.some((f) => f.includes(`${t.identity}:`)),
        );
      console.log(`step ${target}: joining ${batch.length} sites`);
      await waitOrNote(() => settled(joined), `${batch.length} sites joined`, 120_000);
      // The chair gives every site the floor (camera and microphone may be published); the
      // site's client publishes its camera as useConference does once it sees the permission.
      for (const [i, t] of batch.entries()) {
        if (!joined.has(t.identity)) continue;
        try {
          await media.control.grantFloor(meetingId, t.identity);
          command(workerOf(inRoom + i), {
            type: 'publish',
            identity: t.identity,
            encoding: t.identity === programme ? ENCODING : SITE_ENCODING,
          });
        } catch (err) {
          failures.push(`floor ${t.identity}: ${(err as Error).message}`);
        }
      }
      await waitOrNote(() => settled(published), `${batch.length} sites publishing`, 120_000);
      if (inRoom === 0) await media.control.setSpotlight(meetingId, programme);
      inRoom = target;

      // What each screen shows: a site, the hub and the programme large; the hub's console,
      // the programme large and every site as a tile.
      const present = tokens.slice(0, inRoom).filter((t) => joined.has(t.identity));
      const rules: Record<string, ViewRule> = {
        [hub.identity]: { high: [programme], others: 'low' },
      };
      for (const t of present)
        rules[t.identity] = { high: [hub.identity, programme], others: 'none' };
      viewing.clear();
      for (let w = 0; w <= WORKERS; w++) command(w, { type: 'view', rules });
      const expectedViews = (id: string): number =>
        id === hub.identity ? present.length : id === programme ? 1 : 2;
      await waitOrNote(
        () =>
          Object.keys(rules).every((id) => (viewing.get(id) ?? 0) >= expectedViews(id)) ||
          viewing.size >= Object.keys(rules).length,
        'subscriptions in place',
        60_000,
      );
      await new Promise((r) => setTimeout(r, RAMP_MS));

      received.clear();
      sent = new Map();
      for (let w = 0; w <= WORKERS; w++) command(w, { type: 'measure', ms: MEASURE_MS });
      const load = loadavg()[0] ?? 0;
      const cpu = await measureCpu({ livekit: [livekitPid], bots: botPids }, MEASURE_MS);
      await waitOrNote(
        () =>
          Object.keys(rules).every((id) => received.has(id)) &&
          [hub.identity, ...present.map((t) => t.identity)]
            .filter((id) => published.has(id))
            .every((id) => sent.has(id)),
        'frame counts and sender stats from every participant',
        30_000,
      );
      const atSites = present.map((t) => received.get(t.identity) ?? []);
      const step: Step = {
        sites: inRoom,
        joined: present.length,
        publishing: present.filter((t) => published.has(t.identity)).length,
        ...cpu,
        load,
        hubAtSites: atSites.flatMap((v) => v.filter((x) => x.from === hub.identity)),
        programme: [...atSites, received.get(hub.identity) ?? []].flatMap((v) =>
          v.filter((x) => x.from === programme),
        ),
        wall: (received.get(hub.identity) ?? []).filter((x) => x.layer === 'low'),
        sent,
        failures: failures.slice(stepFailures),
      };
      steps.push(step);
      console.log(summary(step));
    }
    return steps;
  } finally {
    stopping = true;
    await stopBotProcesses(workers, { type: 'stop' } satisfies HdWorkerCommand);
    await media?.end(meetingId).catch(() => undefined);
    await media?.close().catch(() => undefined);
    await supervisor.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function baselineStatement(): { text: string; tree: AppTree | null } {
  const base = baselineTree();
  if (!base) return { text: 'no baseline ref could be resolved in this checkout.', tree: null };
  const diff = spawnSync('git', ['diff', '--quiet', base.commit, '--', ...MEDIA_PATH], {
    cwd: ROOT,
  });
  if (diff.status === 0) {
    return {
      text: `${base.label} (${base.commit}) is the same code on the media path (${MEDIA_PATH.join(', ')} are identical to this tree's), and livekit-server is the same binary: its figures would be these, so it is not run twice.`,
      tree: null,
    };
  }
  return { text: `${base.label} (${base.commit}), measured in the same run:`, tree: base };
}

async function main(): Promise<void> {
  try {
    await measureAll();
  } finally {
    // Once, at the very end: rtc-node's FFI cannot be used again after dispose(), and the next
    // tree's MediaService starts its meeting monitor (an rtc-node room) in this process.
    await dispose();
  }
}

async function measureAll(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const base = baselineStatement();
  let baseText = base.text;
  if (base.tree) {
    console.log(`=== baseline ${base.tree.label} ===`);
    const steps = await runTree(base.tree);
    baseText += '\n\n' + steps.map((s) => `- ${summary(s)}`).join('\n');
  }
  const tree = currentTree();
  console.log(`=== this tree (${tree.commit}) ===`);
  const steps = await runTree(tree);
  const setup = {
    fps: FPS,
    maxBitrate: ENCODING.maxBitrate,
    siteFps: SITE_FPS,
    steps: STEPS,
    workers: WORKERS,
    rampMs: RAMP_MS,
    measureMs: MEASURE_MS,
  };
  const body =
    hdReport(setup, steps, baseText) +
    `\n\nMachine load average (1 min) before / after: ${fmt(loadBefore, 1)} / ${fmt(loadavg()[0] ?? 0, 1)} (other developers' jobs share this machine).`;
  console.log(body);
  writeBenchSection(
    'hd',
    'Video: 40 sites with HD picture',
    body,
    `BENCH_BASELINE_REF=${process.env.BENCH_BASELINE_REF ?? 'main'} npm run bench -- hd`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
