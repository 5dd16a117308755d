// `npm run bench -- media`: a province conference shaped like Vĩnh Phúc's on one machine. The
// provincial hub publishes the chair's audio (a tone); 9 district and 137 commune sites join in
// three waves and listen; then sites take the floor one after another. Bots are spread over
// several Node processes (one @livekit/rtc-node FFI each). Figures go to docs/benchmarks.md.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { dispose } from '@livekit/rtc-node';
import { Supervisor } from '../../infra/local/supervisor';
import { createConferenceToken } from '../../media/access-tokens';
import { ConferenceBot } from '../../media/bots/conference-bot';
import { monitorIdentity, siteIdentity } from '../../media/contracts/participant-identity';
import type { ConferenceUnit } from '../../media/contracts/participant-metadata';
import { MediaService } from '../../media/media-service';
import { randomObjectId, siteTokenRequest } from '../support/media';
import {
  forkBotProcess,
  measureCpu,
  processTicks,
  stopBotProcesses,
  ticksPerSecond,
  until,
} from './bench-process';
import { percentile, writeBenchSection } from './report';
import type { WorkerCommand, WorkerReport } from './media-bench-worker';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WORKERS = Number(process.env.BENCH_MEDIA_WORKERS ?? 7);
const JOIN_RATE = Number(process.env.BENCH_MEDIA_JOIN_RATE ?? 5); // joins per second
const FLOOR_GRANTS = Number(process.env.BENCH_MEDIA_FLOOR_GRANTS ?? 20);
/** Fewer sites for a quick trial run (default: the whole province, 146). */
const SITES = Number(process.env.BENCH_MEDIA_SITES ?? 146);
const STEADY_MS = 8000;
const CHAIR_HZ = 440;
const SITE_HZ = 1250;

const DISTRICTS = ['243', '244', '246', '247', '248', '249', '251', '252', '253'];

/** 9 district sites and 137 commune sites spread over the districts, as in the demo province. */
function provinceSites(): ConferenceUnit[] {
  const sites: ConferenceUnit[] = DISTRICTS.map((code) => ({
    code,
    name: `Huyện ${code}`,
    level: 'district',
  }));
  for (let i = 0; i < 137; i++) {
    const district = DISTRICTS[i % DISTRICTS.length] ?? '243';
    const n = String(Math.floor(i / DISTRICTS.length) + 1).padStart(2, '0');
    sites.push({ code: `VP-${district}-${n}`, name: `Xã ${district}-${n}`, level: 'commune' });
  }
  return sites;
}

async function main(): Promise<void> {
  const dataDir = join(ROOT, 'tests', '.tmp', `bench-media-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const supervisor = new Supervisor({ root: ROOT, dataDir, log: () => undefined });
  const workers: ChildProcess[] = [];
  let hub: ConferenceBot | undefined;
  let media: MediaService | undefined;
  const meetingId = randomObjectId();
  let stopping = false;
  let workerOf = new Map<string, number>();
  try {
    const lk = await supervisor.startLivekit();
    const livekitPid = supervisor.pids().livekit ?? 0;
    const endpoint = { url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret };
    media = new MediaService({ livekit: endpoint });
    await media.goLive({ meetingId, title: 'Hội nghị trực tuyến toàn tỉnh Vĩnh Phúc' });
    const loadBefore = loadavg()[0] ?? 0;
    const idle = await measureCpu({ livekit: [livekitPid] }, 3000);

    const hubUnit: ConferenceUnit = { code: '26', name: 'UBND tỉnh Vĩnh Phúc', level: 'province' };
    const hubToken = await createConferenceToken(
      endpoint,
      siteTokenRequest(meetingId, hubUnit, 'hub'),
    );
    hub = await ConferenceBot.join({ url: lk.url, token: hubToken.token });
    await hub.publishTone(CHAIR_HZ);

    // Workers and their reports.
    const joined = new Map<string, number>();
    const heard = new Map<string, number>();
    const failures: string[] = [];
    let retried = 0;
    const publishedAt = new Map<string, number>();
    const acks = new Map<string, WorkerReport['type']>();
    const workerCpu = new Map<number, { userMs: number; systemMs: number; rssMb: number }>();
    // WORKERS processes hold the background sites at a lower CPU priority (nice 5); one more,
    // at normal priority, holds the probe sites that take the floor. On a real network each site
    // is its own device: the simulated sites' WebRTC stacks (decoding the hub's audio) must not
    // starve the SFU, the hub and the measured sites of the CPU they would have there.
    for (let w = 0; w <= WORKERS; w++) {
      const child = forkBotProcess(
        join(import.meta.dirname, 'media-bench-worker.ts'),
        (r: WorkerReport) => {
          if (r.type === 'joined') {
            joined.set(r.identity, r.joinMs);
            if (r.attempts > 1) retried++;
          } else if (r.type === 'heard') heard.set(r.identity, r.msAfterJoin);
          else if (
            r.type === 'join_failed' ||
            r.type === 'not_heard' ||
            r.type === 'publish_failed'
          ) {
            failures.push(`${r.type} ${r.identity}: ${r.error}`);
            if (failures.length <= 10) console.log(`  ${r.type} ${r.identity}: ${r.error}`);
          } else if (r.type === 'cpu') workerCpu.set(w, r);
          if ('identity' in r) acks.set(r.identity, r.type);
          if (r.type === 'published') publishedAt.set(r.identity, Date.now());
        },
        { nice: w < WORKERS ? 5 : 0 },
      );
      child.on('exit', (code, signal) => {
        if (stopping) return;
        console.log(`  bot process ${w} exited (code ${code}, signal ${signal})`);
        for (const [identity, owner] of workerOf) {
          if (owner === w && !heard.has(identity)) failures.push(`bot process died: ${identity}`);
        }
      });
      workers.push(child);
    }
    const command = (w: number, c: WorkerCommand): void => {
      workers[w]?.send(c);
    };

    const sites = provinceSites().slice(0, SITES);
    const step = Math.max(1, Math.floor(sites.length / FLOOR_GRANTS));
    const probes = new Set(
      sites
        .filter((_, i) => i % step === 0)
        .slice(0, FLOOR_GRANTS)
        .map((s) => siteIdentity(s.code)),
    );
    workerOf = new Map(
      sites.map((s, i) => {
        const identity = siteIdentity(s.code);
        return [identity, probes.has(identity) ? WORKERS : i % WORKERS];
      }),
    );
    const tokens = await Promise.all(
      sites.map((s) => createConferenceToken(endpoint, siteTokenRequest(meetingId, s))),
    );

    // Three waves; after each, a steady window with the hub speaking to everyone.
    const waves: { participants: number; livekit: number; machine: number; workersCpu: number }[] =
      [];
    const waveSize = Math.ceil(sites.length / 3);
    const joinStarted = Date.now();
    for (let start = 0; start < sites.length; start += waveSize) {
      const wave = tokens.slice(start, start + waveSize);
      for (let w = 0; w <= WORKERS; w++) {
        const mine = wave
          .map((t, i) => ({ t, i }))
          .filter(({ t }) => workerOf.get(t.identity) === w)
          .map(({ t, i }) => ({
            identity: t.identity,
            token: t.token,
            delayMs: (i * 1000) / JOIN_RATE,
          }));
        command(w, {
          type: 'join',
          url: lk.url,
          chairIdentity: hubToken.identity,
          chairHz: CHAIR_HZ,
          monitorIdentity: monitorIdentity(meetingId),
          sites: mine,
        });
      }
      const expected = start + wave.length;
      const progress = setInterval(() => {
        console.log(
          `  joined ${joined.size}, hearing ${heard.size}, failures ${failures.length} of ${expected}`,
        );
      }, 5000);
      try {
        await until(
          () =>
            joined.size + failures.length >= expected && heard.size + failures.length >= expected,
          `wave of ${wave.length} joined and hearing the hub`,
          240_000,
        );
      } catch {
        // Report what was reached: sites still silent after 4 minutes count as failures.
        for (const t of wave) {
          if (!heard.has(t.identity) && !failures.some((f) => f.includes(t.identity))) {
            failures.push(`no answer within 240 s: ${t.identity}`);
          }
        }
      } finally {
        clearInterval(progress);
      }
      const cpuBefore = await collectWorkerCpu(workers, workerCpu);
      const cpu = await measureCpu({ livekit: [livekitPid] }, STEADY_MS);
      const cpuAfter = await collectWorkerCpu(workers, workerCpu);
      waves.push({
        participants: joined.size + 1,
        ...cpu,
        workersCpu: ((cpuAfter - cpuBefore) / STEADY_MS) * 100,
      });
      console.log(
        `wave: ${joined.size + 1} participants, livekit ${cpu.livekit.toFixed(0)} %, machine ${cpu.machine.toFixed(0)} %`,
      );
    }
    const joinWallS = (Date.now() - joinStarted) / 1000;

    // Roll call with everyone in.
    const rollStarted = performance.now();
    const rollCall = await media.rollCall(meetingId, { expectedSites: sites });
    const rollCallMs = performance.now() - rollStarted;

    // Floor grants, one site at a time: grant -> the site publishes -> the hub hears its tone.
    const grants: { total: number; api: number; publish: number }[] = [];
    const floorCpuStart = { lk: processTicks(livekitPid), t: performance.now() };
    for (const identity of probes) {
      if (!joined.has(identity)) continue;
      const w = workerOf.get(identity) ?? 0;
      const t0 = Date.now();
      const hearing = hub.waitForTone(identity, SITE_HZ, 10_000);
      await media.control.grantFloor(meetingId, identity);
      const apiMs = Date.now() - t0;
      acks.delete(identity);
      command(w, { type: 'publish', identity, hz: SITE_HZ });
      try {
        const heardAt = await hearing;
        grants.push({
          total: heardAt - t0,
          api: apiMs,
          publish: (publishedAt.get(identity) ?? heardAt) - t0,
        });
      } catch (err) {
        failures.push(`floor ${identity}: ${(err as Error).message}`);
      }
      await media.control.endFloor(meetingId, identity);
      command(w, { type: 'unpublish', identity });
      // A site whose publish failed may never confirm: noted as a failure, the next one goes on.
      const h = hub;
      try {
        await until(() => acks.get(identity) === 'unpublished', 'unpublished', 10_000);
        await until(() => !h.publishersOf('audio').includes(identity), 'floor track gone', 10_000);
      } catch (err) {
        failures.push(`floor end ${identity}: ${(err as Error).message}`);
      }
    }
    const floorCpu =
      ((processTicks(livekitPid) - floorCpuStart.lk) /
        ticksPerSecond /
        ((performance.now() - floorCpuStart.t) / 1000)) *
      100;

    const joinTimes = [...joined.values()];
    const heardTimes = [...heard.values()];
    const probeJoin = [...joined].filter(([id]) => probes.has(id)).map(([, ms]) => ms);
    const probeHeard = [...heard].filter(([id]) => probes.has(id)).map(([, ms]) => ms);
    const totals = grants.map((g) => g.total);
    const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
    const last = waves.at(-1);
    const rows = [
      `| Participants joined | ${joined.size + 1} of ${sites.length + 1} (target: all) |`,
      `| Join time p50 / p95 / max | ${fmt(percentile(joinTimes, 50))} / ${fmt(percentile(joinTimes, 95))} / ${fmt(Math.max(...joinTimes))} ms (target p95 < 3000 ms); ${retried} sites needed a retry |`,
      `| Join time of the ${probeJoin.length} probe sites (normal priority), p50 / p95 | ${fmt(percentile(probeJoin, 50))} / ${fmt(percentile(probeJoin, 95))} ms |`,
      `| First hub audio (tone) at a site after its join, p50 / p95 / max | ${fmt(percentile(heardTimes, 50))} / ${fmt(percentile(heardTimes, 95))} / ${fmt(Math.max(...heardTimes))} ms (${heardTimes.length} sites) |`,
      `| First hub audio at the probe sites, p50 / p95 | ${fmt(percentile(probeHeard, 50))} / ${fmt(percentile(probeHeard, 95))} ms |`,
      `| Floor grant to the site's audio at the hub, p50 / p95 / max | ${fmt(percentile(totals, 50))} / ${fmt(percentile(totals, 95))} / ${fmt(Math.max(...totals))} ms over ${totals.length} grants (target p95 < 500 ms) |`,
      `| of which the grant API call, p50 / p95 | ${fmt(
        percentile(
          grants.map((g) => g.api),
          50,
        ),
      )} / ${fmt(
        percentile(
          grants.map((g) => g.api),
          95,
        ),
      )} ms |`,
      `| Roll call of ${sites.length} sites | ${fmt(rollCallMs)} ms; ${rollCall.counts.connected} connected, ${rollCall.sites.filter((s) => s.quality !== 'unknown').length} with a reported quality |`,
      `| livekit-server CPU idle (room open) | ${fmt(idle.livekit)} % of one core |`,
      ...waves.map(
        (w) =>
          `| Steady state, ${w.participants} participants, hub speaking | livekit-server ${fmt(w.livekit)} % of one core; bots ${fmt(w.workersCpu)} %; machine ${fmt(w.machine)} % of ${cpus().length} cores |`,
      ),
      `| livekit-server CPU during floor grants | ${fmt(floorCpu)} % of one core |`,
      `| Failures | ${failures.length === 0 ? 'none' : `${failures.length}: ${failures.slice(0, 3).join('; ')}`} |`,
      `| Machine load average (1 min) before / after | ${loadBefore.toFixed(1)} / ${(loadavg()[0] ?? 0).toFixed(1)} (other developers' jobs share this machine) |`,
    ];
    const body = [
      `Sites joined in three waves at ${JOIN_RATE} joins/s (${fmt(joinWallS)} s in all). ${sites.length - probes.size} background sites run in ${WORKERS} bot processes at nice 5, ${probes.size} probe sites in one process at normal priority; every site subscribes to the hub's audio (its WebRTC stack keeps decoding it, as a real site does) and listens until it hears the tone; the probe sites then take the floor one after another (grant, the site publishes its own tone, the hub hears it). CPU from /proc: livekit-server in % of one core; bots and machine in % of one core and of all cores, everything on this machine included (other developers' jobs run on it too).`,
      '',
      '| Measure | Value |',
      '| --- | --- |',
      ...rows,
      '',
      `Saturation: ${last && last.machine > 90 ? `the machine is saturated at ${last.participants} participants (${fmt(last.machine)} % of all cores, mostly the bots' WebRTC stacks)` : `the machine stays below saturation at ${last?.participants ?? 0} participants (${fmt(last?.machine ?? NaN)} % of all cores)`}; livekit-server itself uses ${fmt(last?.livekit ?? NaN)} % of one core to fan the hub out to ${last?.participants ?? 0} participants.`,
    ].join('\n');
    console.log(body);
    writeBenchSection(
      'media',
      'Media: province conference (1 hub, 9 districts, 137 communes)',
      body,
      'npm run bench -- media',
    );
  } finally {
    stopping = true;
    await stopBotProcesses(workers, { type: 'stop' } satisfies WorkerCommand);
    await hub?.disconnect().catch(() => undefined);
    await media?.end(meetingId).catch(() => undefined);
    await dispose();
    await supervisor.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Sum of the workers' CPU time (ms) so far. */
async function collectWorkerCpu(
  workers: ChildProcess[],
  latest: Map<number, { userMs: number; systemMs: number }>,
): Promise<number> {
  latest.clear();
  for (const w of workers) w.send({ type: 'cpu' } satisfies WorkerCommand);
  await until(() => latest.size === workers.length, 'worker CPU', 10_000);
  return [...latest.values()].reduce((a, c) => a + c.userMs + c.systemMs, 0);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
