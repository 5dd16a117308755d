// `npm run bench -- recorder`: CPU of one programme video recording (the recorder inside the app
// process plus its ffmpeg child) against the audio recorder, on a live demo meeting whose chair
// publishes a 1280×720 camera-like picture at 15 fps and a tone. The baseline (main before the
// video recorder) has only the audio recorder: its figure is measured the same way.
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dispose } from '@livekit/rtc-node';
import { ConferenceBot } from '../../media/bots/conference-bot';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { publishPattern } from '../support/colour-video';
import type { ColourCamera } from '../support/colour-video';
import { measureBoth } from './baseline';
import type { RunningApp } from './baseline';
import { writeBenchSection } from './report';

const STEADY_MS = Number(process.env.BENCH_RECORDER_MS ?? 20_000);
const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU of each process over `ms`, in % of one core. */
async function cpuOver(pids: number[], ms: number): Promise<number[]> {
  const before = pids.map(processTicks);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const wall = (performance.now() - t0) / 1000;
  return pids.map(
    (pid, i) => (((processTicks(pid) - (before[i] as number)) / CLK_TCK) * 100) / wall,
  );
}

function ffmpegChild(pid: number): number | null {
  try {
    const out = execFileSync('pgrep', ['-P', String(pid), '-x', 'ffmpeg'], { encoding: 'utf8' });
    return Number(out.trim().split('\n')[0]) || null;
  } catch {
    return null;
  }
}

async function api(
  app: RunningApp,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(app.url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

interface Figures {
  idle: number;
  audio: number;
  /** null: the tree has no video recorder. */
  video: { app: number; ffmpeg: number } | null;
  load: number;
}

async function measure(app: RunningApp): Promise<Figures> {
  const login = await api(app, 'POST', '/api/auth/login', null, {
    username: 'chutich',
    password: DEMO_PASSWORD,
  });
  if (login.status !== 200) throw new Error(`login: ${login.status}`);
  const token = (login.body as { token: string }).token;
  const page = await api(app, 'GET', '/api/meetings?status=live&mine=true', token);
  const meetingId = (page.body as { items: { id: string }[] }).items[0]?.id;
  if (!meetingId) throw new Error('no live demo meeting for the chair');
  const conf = `/api/meetings/${meetingId}/conference`;
  const join = await api(app, 'POST', `${conf}/token`, token, {});
  if (join.status !== 200) throw new Error(`token: ${join.status} ${JSON.stringify(join.body)}`);
  const joinInfo = join.body as { url: string; token: string };
  const chair = await ConferenceBot.join({ url: joinInfo.url, token: joinInfo.token });
  let camera: ColourCamera | undefined;
  try {
    camera = await publishPattern(chair.room);
    await chair.publishTone(440);
    await new Promise((r) => setTimeout(r, 3000));
    const [idle = 0] = await cpuOver([app.pid], STEADY_MS / 2);

    const startAudio = await api(app, 'POST', `${conf}/recording/start`, token);
    if (startAudio.status !== 200) throw new Error(`audio start: ${startAudio.status}`);
    const [audio = 0] = await cpuOver([app.pid], STEADY_MS);
    await api(app, 'POST', `${conf}/recording/stop`, token);

    let video: Figures['video'] = null;
    const startVideo = await api(app, 'POST', `${conf}/video-recording/start`, token);
    if (startVideo.status === 200) {
      const ffmpeg = ffmpegChild(app.pid);
      if (!ffmpeg) throw new Error('no ffmpeg child of the app');
      await new Promise((r) => setTimeout(r, 3000));
      const [appCpu = 0, ffmpegCpu = 0] = await cpuOver([app.pid, ffmpeg], STEADY_MS);
      video = { app: appCpu, ffmpeg: ffmpegCpu };
      const stop = await api(app, 'POST', `${conf}/video-recording/stop`, token);
      if (stop.status !== 200) throw new Error(`video stop: ${stop.status}`);
    } else if (startVideo.status !== 404) {
      throw new Error(`video start: ${startVideo.status} ${JSON.stringify(startVideo.body)}`);
    }
    return { idle, audio, video, load: loadavg()[0] ?? 0 };
  } finally {
    await camera?.stop();
    await chair.disconnect().catch(() => undefined);
  }
}

const fmt = (n: number): string => n.toFixed(0);
const result = await measureBoth('recorder', (app) => measure(app));
const b = result.baseline;
const c = result.current.result;
const base = b?.result;
const col = (f: (x: Figures) => string): string => `${base ? f(base) : 'no baseline'} | ${f(c)}`;
const videoCell = (x: Figures, part: (v: NonNullable<Figures['video']>) => number): string =>
  x.video ? `${fmt(part(x.video))} %` : 'none (no video recorder)';
const body = `
One live demo meeting; the chair (an rtc-node bot) publishes a 1280×720 moving picture at 15 fps
and a tone. CPU from /proc over ${STEADY_MS / 1000} s, in % of one core: the app process (which
hosts the recorders) and the ffmpeg child of the video recorder. The recorder's own share is the
app's CPU while recording minus the app's CPU with nothing recorded. The programme is encoded at
1280×720, 15 fps, libx264 \`veryfast\` CRF 26 + AAC 96 kb/s into fragmented MP4.

| | baseline ${b ? `${b.tree.label} (${b.tree.commit})` : ''} | this tree (${result.current.tree.commit}) |
|---|---|---|
| App, conference open, nothing recorded | ${col((x) => `${fmt(x.idle)} %`)} |
| App, audio recording (WAV) | ${col((x) => `${fmt(x.audio)} %`)} |
| Audio recorder's share | ${col((x) => `${fmt(x.audio - x.idle)} %`)} |
| App, video recording | ${col((x) => videoCell(x, (v) => v.app))} |
| Video recorder's share in the app (subscribe, decode, fit, mix) | ${col((x) => videoCell(x, (v) => v.app - x.idle))} |
| ffmpeg (H.264 + AAC encode) | ${col((x) => videoCell(x, (v) => v.ffmpeg))} |
| **One video recording in all** (recorder share + ffmpeg) | ${col((x) => videoCell(x, (v) => v.app - x.idle + v.ffmpeg))} |
| Load average (1 min) at the end | ${col((x) => x.load.toFixed(1))} |

The baseline has no video recorder: its audio recorder is the reference. The machine is shared
with other jobs (see the load average); figures from a loaded machine are upper bounds.
`;
writeBenchSection(
  'recorder',
  'Programme video recorder: CPU per recording',
  body,
  `BENCH_BASELINE_REF=${process.env.BENCH_BASELINE_REF ?? 'main'} npm run bench -- recorder`,
);
await dispose();
