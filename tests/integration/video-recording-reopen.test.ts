import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConferenceBot } from '../../media/bots/conference-bot';
import { parseRoomMetadata } from '../../media/contracts/conference-room';
import type { AuditEntry } from '../../server/contracts/audit';
import type {
  ConferenceRecording,
  ConferenceTokenInfo,
  ProgrammeRecordingStatus,
} from '../../server/contracts/conference';
import type { LiveSnapshot } from '../../server/contracts/live';
import type { Meeting } from '../../server/contracts/meetings';
import { disconnectAll } from '../support/media';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

// The chair ends the video bridge while the programme is being recorded, then opens it again:
// the recording stops with the room and is stored, every state says it stopped, and the
// reopened room shows an indicator only for a recording that really runs in it.

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let meeting: Meeting;
const bots: ConferenceBot[] = [];
/** Wall time from the start of the recording to the end of the bridge, in ms. */
let recordedMs = 0;

const conf = (path: string): string => `/api/meetings/${meeting.id}/conference${path}`;

async function joinAs(client: ApiClient): Promise<ConferenceBot> {
  const res = await client.post<ConferenceTokenInfo>(conf('/token'), {});
  expect(res.status).toBe(200);
  const bot = await ConferenceBot.join({ url: res.body.url, token: res.body.token });
  bots.push(bot);
  return bot;
}

const status = async (): Promise<ProgrammeRecordingStatus> =>
  (await c.chair.get<ProgrammeRecordingStatus>(conf('/video-recording'))).body;
const recordings = async (): Promise<ConferenceRecording[]> =>
  (await c.chair.get<ConferenceRecording[]>(conf('/recordings'))).body;
/** What the chair's console shows of the bridge (the last `conference.changed`). */
const consoleState = async (): Promise<LiveSnapshot['conference']> =>
  (await c.chair.get<LiveSnapshot>(`/api/meetings/${meeting.id}/live/state?ticket=0`)).body
    .conference;

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  meeting = await buildMeeting(c, dir, { state: 'scheduled' });
  const live = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
  expect(live.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await disconnectAll(bots);
  await app.stop();
});

describe('a programme recording when the chair ends the video bridge and opens it again', () => {
  it('stops with the bridge, and the status and the console say so at once', async () => {
    const chair = await joinAs(c.chair);
    await chair.publishTone(440);
    const started = await c.chair.post<ProgrammeRecordingStatus>(conf('/video-recording/start'));
    expect(started.status).toBe(200);
    await waitFor(
      () => parseRoomMetadata(chair.room.metadata)?.recording === 'video',
      'the indicator shown',
    );
    await waitFor(async () => (await status()).durationMs >= 2000, '2 s recorded', 15_000, 100);
    const t0 = Date.parse(started.body.startedAt ?? '');
    await waitFor(
      async () => (await consoleState())?.videoRecording === true,
      'console: recording',
    );

    expect((await c.chair.post(conf('/end'))).status).toBe(200);
    recordedMs = Date.now() - t0;
    expect(await status()).toMatchObject({ recording: false, startedAt: null });
    await waitFor(async () => {
      const s = await consoleState();
      return s?.ended === true && !s.videoRecording;
    }, 'console: bridge ended, nothing recorded');
  }, 60_000);

  it('stores what was recorded until the bridge ended, stopped by the chair', async () => {
    const [stored] = await waitFor(
      async () => {
        const list = await recordings();
        return list.length === 1 ? list : null;
      },
      'the recording stored',
      20_000,
      100,
    );
    expect(stored?.contentType).toBe('video/mp4');
    expect(stored?.bytes).toBeGreaterThan(0);
    expect(Math.abs((stored?.durationMs ?? 0) - recordedMs)).toBeLessThan(1500);
    const audit = await c.secretary.get<{ items: AuditEntry[] }>(
      `/api/meetings/${meeting.id}/audit?pageSize=500`,
    );
    const stop = audit.body.items.find((e) => e.action === 'conference.video_recording_stopped');
    expect(stop?.actor).toMatchObject({ kind: 'user', id: dir.userId('chutich') });
  }, 30_000);

  it('opens again with no indicator, and a new recording shows it to everyone', async () => {
    expect((await c.chair.post(conf('/reopen'))).status).toBe(200);
    const chair = await joinAs(c.chair);
    await chair.publishTone(440);
    expect(parseRoomMetadata(chair.room.metadata)?.recording ?? null).toBeNull();
    expect((await status()).recording).toBe(false);

    const again = await c.chair.post<ProgrammeRecordingStatus>(conf('/video-recording/start'));
    expect(again.status).toBe(200);
    await waitFor(
      () => parseRoomMetadata(chair.room.metadata)?.recording === 'video',
      'the indicator shown in the reopened room',
    );
    await waitFor(
      async () => (await consoleState())?.videoRecording === true,
      'console: recording',
    );
    await waitFor(async () => (await status()).durationMs >= 1000, '1 s recorded', 15_000, 100);
    expect((await c.chair.post(conf('/video-recording/stop'))).status).toBe(200);
    await waitFor(
      () => parseRoomMetadata(chair.room.metadata)?.recording == null,
      'the indicator cleared',
    );
    expect((await recordings()).filter((r) => r.contentType === 'video/mp4')).toHaveLength(2);
  }, 60_000);
});
