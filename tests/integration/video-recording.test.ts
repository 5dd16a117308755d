import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConferenceBot } from '../../media/bots/conference-bot';
import { parseRoomMetadata } from '../../media/contracts/conference-room';
import type {
  ConferenceRecording,
  ConferenceTokenInfo,
  ProgrammeRecordingStatus,
} from '../../server/contracts/conference';
import type { Meeting, Site } from '../../server/contracts/meetings';
import { publishColour } from '../support/colour-video';
import type { ColourCamera } from '../support/colour-video';
import { colourAt, ffprobe, near } from '../support/ffprobe';
import { disconnectAll } from '../support/media';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { stack, startTestApp, waitFor } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

const BLUE: [number, number, number] = [30, 60, 200];
const RED: [number, number, number] = [210, 40, 40];

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let meeting: Meeting;
let chairBot: ConferenceBot;
let siteBot: ConferenceBot;
let siteIdentity: string;
let chairIdentity: string;
const cameras: ColourCamera[] = [];
/** Where in the recording (seconds) the floor holder appeared on the programme. */
let grantedSec = 0;
let wallSec = 0;
let stored: ConferenceRecording;

const conf = (path: string): string => `/api/meetings/${meeting.id}/conference${path}`;

async function joinAs(client: ApiClient): Promise<ConferenceBot> {
  const res = await client.post<ConferenceTokenInfo>(conf('/token'), {});
  expect(res.status).toBe(200);
  return ConferenceBot.join({ url: res.body.url, token: res.body.token });
}

const status = async (client: ApiClient = c.chair): Promise<ProgrammeRecordingStatus> =>
  (await client.get<ProgrammeRecordingStatus>(conf('/video-recording'))).body;

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  meeting = await buildMeeting(c, dir, { state: 'scheduled' });
  const invited = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
    kind: 'unit',
    unitId: dir.unitId('VP-249-11'),
    operatorId: dir.userId('diemcau.tamhop'),
  });
  expect(invited.status).toBe(200);
  const live = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
  expect(live.status).toBe(200);
  const sites = (await c.secretary.get<Site[]>(`/api/meetings/${meeting.id}/sites`)).body;
  must(sites.find((s) => s.unitId === dir.unitId('VP-249-11')));
  chairBot = await joinAs(c.chair);
  siteBot = await joinAs(c.opTamHop);
  chairIdentity = chairBot.identity;
  siteIdentity = siteBot.identity;
  cameras.push(await publishColour(chairBot.room, BLUE));
  await chairBot.publishTone(440);
}, 60_000);

afterAll(async () => {
  await Promise.all(cameras.map((cam) => cam.stop()));
  await disconnectAll([chairBot, siteBot]);
  await app.stop();
});

describe('programme video recording through the API', () => {
  it('is started and stopped by the chair only', async () => {
    expect((await c.d1.post(conf('/video-recording/start'))).status).toBe(403);
    expect((await c.opTamHop.post(conf('/video-recording/start'))).status).toBe(403);
    expect((await c.secretary.post(conf('/video-recording/stop'))).status).toBe(403);
    expect((await c.chair.post(conf('/video-recording/stop'))).status).toBe(409);
    expect((await c.unitAdmin.get(conf('/video-recording'))).status).toBe(403);
    expect((await status(c.d1)).recording).toBe(false);
  });

  it('shows every participant that the programme is being recorded to video', async () => {
    const started = await c.chair.post<ProgrammeRecordingStatus>(conf('/video-recording/start'));
    expect(started.status).toBe(200);
    expect(started.body.recording).toBe(true);
    await waitFor(
      () => parseRoomMetadata(siteBot.room.metadata)?.recording === 'video',
      'the indicator at the site',
    );
    expect(parseRoomMetadata(chairBot.room.metadata)?.recording).toBe('video');
    expect((await status(c.d1)).recording).toBe(true);
    // One recorder per meeting: no second video recording, no audio recording beside it.
    expect((await c.chair.post(conf('/video-recording/start'))).status).toBe(409);
    expect((await c.chair.post(conf('/recording/start'))).status).toBe(409);
  });

  it('follows the floor: the chair, then the site given the floor', async () => {
    const t0 = Date.parse(must((await status()).startedAt));
    await waitFor(async () => (await status()).programme === chairIdentity, 'the chair shown');
    await waitFor(async () => (await status()).durationMs >= 3000, '3 s recorded', 15_000, 100);
    const floor = await c.chair.post(conf('/floor'), { identity: siteIdentity });
    expect(floor.status).toBe(200);
    cameras.push(await publishColour(siteBot.room, RED));
    await siteBot.publishTone(1250, { amplitude: 0.2 });
    const shown = await waitFor(
      async () => {
        const s = await status();
        return s.programme === siteIdentity ? s : null;
      },
      'the floor holder shown',
      15_000,
      100,
    );
    grantedSec = shown.durationMs / 1000;
    await waitFor(
      async () => (await status()).durationMs >= shown.durationMs + 3000,
      '3 s more recorded',
      15_000,
      100,
    );
    const stopped = await c.chair.post<ConferenceRecording>(conf('/video-recording/stop'));
    wallSec = (Date.now() - t0) / 1000;
    expect(stopped.status).toBe(200);
    stored = stopped.body;
    expect(stored.contentType).toBe('video/mp4');
    expect(stored.filename).toMatch(/\.mp4$/);
    expect(stored.speakers).toEqual([chairIdentity, siteIdentity].sort());
    await waitFor(
      () => parseRoomMetadata(siteBot.room.metadata)?.recording == null,
      'the indicator cleared',
    );
  }, 60_000);

  it('stores a playable H.264 + AAC file with its SHA-256, downloaded by a participant with a ticket', async () => {
    const list = await c.d1.get<ConferenceRecording[]>(conf('/recordings'));
    expect(list.status).toBe(200);
    expect(list.body.map((r) => r.id)).toEqual([stored.id]);
    expect((await c.unitAdmin.get(conf('/recordings'))).status).toBe(403);
    const content = conf(`/recordings/${stored.id}/content`);
    expect((await fetch(app.url + content)).status).toBe(401);

    const res = await fetch(app.url + (await c.d1.ticketed(content, 'download')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(stored.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored.sha256);

    const path = join(mkdtempSync(join(stack().tmpDir, 'video-')), stored.filename);
    writeFileSync(path, bytes);
    const probe = ffprobe(path);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:aac',
      'video:h264',
    ]);
    expect(Math.abs(probe.durationSec * 1000 - stored.durationMs)).toBeLessThan(500);
    expect(Math.abs(probe.durationSec - wallSec)).toBeLessThan(1.5);
    // The picture: the chair (blue) before the floor, the site (red) once it held it.
    expect(near(colourAt(path, 1.5), BLUE)).toBe(true);
    expect(near(colourAt(path, grantedSec + 1.5), RED)).toBe(true);
  });
});
