import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConferenceBot } from '../../media/bots/conference-bot';
import { parseRoomMetadata } from '../../media/contracts/conference-room';
import type {
  ConferenceRecording,
  ConferenceTokenInfo,
  ProgrammeRecordingStatus,
} from '../../server/contracts/conference';
import { startAppProcess } from '../support/app-process';
import type { AppProcess } from '../support/app-process';
import { publishColour } from '../support/colour-video';
import type { ColourCamera } from '../support/colour-video';
import { ffprobe } from '../support/ffprobe';
import { disconnectAll } from '../support/media';
import { buildMeeting, demoClients, directory } from '../support/records';
import { dropDatabase, stack, uniqueDbUri, waitFor } from '../support/stack';

const apps: AppProcess[] = [];
const bots: ConferenceBot[] = [];
const cameras: ColourCamera[] = [];
const mongoUri = uniqueDbUri('videocrash');
const dataDir = mkdtempSync(join(stack().tmpDir, 'videocrash-'));
const shared = {
  MONGODB_URI: mongoUri,
  DATA_DIR: dataDir,
  JWT_SECRET: randomBytes(32).toString('hex'),
};

/** Child process ids of `pid` running `command`. */
function childrenNamed(pid: number, command: string): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-x', command], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  await Promise.all(cameras.map((cam) => cam.stop()));
  await disconnectAll(bots);
  await Promise.all(apps.map((a) => a.stop()));
  await dropDatabase(mongoUri).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a video recording when the app dies', () => {
  it('stops ffmpeg with the app and stores the file written so far on the next start', async () => {
    const first = await startAppProcess({ ...shared, SEED: 'demo' });
    apps.push(first);
    const c = await demoClients(first.url);
    const meeting = await buildMeeting(c, await directory(c.admin), { state: 'live' });
    const conf = (path: string): string => `/api/meetings/${meeting.id}/conference${path}`;
    const token = await c.chair.post<ConferenceTokenInfo>(conf('/token'), {});
    expect(token.status).toBe(200);
    const chair = await ConferenceBot.join({ url: token.body.url, token: token.body.token });
    bots.push(chair);
    cameras.push(await publishColour(chair.room, [30, 60, 200]));
    await chair.publishTone(440);
    expect((await c.chair.post(conf('/video-recording/start'))).status).toBe(200);
    await waitFor(
      async () =>
        (await c.chair.get<ProgrammeRecordingStatus>(conf('/video-recording'))).body.durationMs >=
        5000,
      '5 s recorded',
      20_000,
      200,
    );
    const [ffmpeg] = childrenNamed(first.pid, 'ffmpeg');
    expect(ffmpeg).toBeTypeOf('number');

    process.kill(first.pid, 'SIGKILL');
    // No orphan: ffmpeg ends with the app (its pipes close, and the kernel sends it SIGTERM).
    await waitFor(() => !alive(ffmpeg as number), 'ffmpeg gone with the app', 10_000, 100);

    expect(parseRoomMetadata(chair.room.metadata)?.recording).toBe('video');
    const second = await startAppProcess({ ...shared, SEED: 'none' });
    apps.push(second);
    const c2 = await demoClients(second.url);
    const list = await c2.d1.get<ConferenceRecording[]>(conf('/recordings'));
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    const rec = list.body[0] as ConferenceRecording;
    expect(rec.contentType).toBe('video/mp4');
    const res = await fetch(
      second.url + (await c2.d1.ticketed(conf(`/recordings/${rec.id}/content`), 'download')),
    );
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(rec.sha256);
    const path = join(dataDir, 'downloaded.mp4');
    writeFileSync(path, bytes);
    const probe = ffprobe(path);
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    // Everything up to the last 2-second fragment ffmpeg flushed before the kill (at least the
    // first; on a loaded machine the encoder runs behind the recorder's clock).
    expect(probe.durationSec).toBeGreaterThan(1.5);
    expect(Math.abs(probe.durationSec * 1000 - rec.durationMs)).toBeLessThan(500);
    // The screens no longer say a recording runs.
    await waitFor(
      () => parseRoomMetadata(chair.room.metadata)?.recording == null,
      'the indicator cleared',
    );
  }, 240_000);
});
