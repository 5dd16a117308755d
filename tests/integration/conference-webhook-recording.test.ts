import { createHash } from 'node:crypto';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConferenceBot } from '../../media/bots/conference-bot';
import { toneCoverage } from '../../media/bots/tone';
import { parseRoomMetadata } from '../../media/contracts/conference-room';
import type { RoomMetadata } from '../../media/contracts/conference-room';
import { FLOOR_ATTRIBUTE, FLOOR_GRANTED } from '../../media/contracts/grant-profiles';
import { livekitHttpUrl } from '../../media/livekit-health';
import { readWav } from '../../media/recorder/wav';
import type { Agenda } from '../../server/contracts/agenda';
import type { Attendance, AttendanceEntry } from '../../server/contracts/attendance';
import type {
  ConferenceRecording,
  ConferenceTokenInfo,
  RecordingStatus,
} from '../../server/contracts/conference';
import type { Meeting, Site } from '../../server/contracts/meetings';
import type { FloorState } from '../../server/contracts/speakers';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';
import { disconnectAll } from '../support/media';

// The app starts its own livekit-server here (LIVEKIT_* unset), which posts its webhooks to
// this app's POST /api/livekit/webhook: joins and leaves of real bots become attendance.
const CHAIR_HZ = 440;
const DELEGATE_HZ = 1250;

type ErrorBody = { error: { code: string; message: string } };

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let meeting: Meeting;
let tamHop: Site;
let itemId: string;
const bots: ConferenceBot[] = [];

const conf = (path: string): string => `/api/meetings/${meeting.id}/conference${path}`;

async function join(client: ApiClient): Promise<ConferenceBot> {
  const res = await client.post<ConferenceTokenInfo>(conf('/token'), {});
  expect(res.status).toBe(200);
  const bot = await ConferenceBot.join({ url: res.body.url, token: res.body.token });
  bots.push(bot);
  return bot;
}

async function attendance(): Promise<Attendance> {
  const res = await c.secretary.get<Attendance>(`/api/meetings/${meeting.id}/attendance`);
  expect(res.status).toBe(200);
  return res.body;
}

const siteLine = (a: Attendance): AttendanceEntry =>
  must(a.sites.find((s) => s.subject.id === tamHop.id));
const personLine = (a: Attendance, username: string): AttendanceEntry =>
  must(a.people.find((p) => p.subject.id === dir.userId(username)));

beforeAll(async () => {
  app = await startTestApp({ LIVEKIT_URL: '', LIVEKIT_API_KEY: '', LIVEKIT_API_SECRET: '' });
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  meeting = await buildMeeting(c, dir, { state: 'scheduled' });
  const invited = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
    kind: 'unit',
    unitId: dir.unitId('VP-249-11'),
    operatorId: dir.userId('diemcau.tamhop'),
  });
  expect(invited.status).toBe(200);
  const agenda = await c.secretary.post<Agenda>(`/api/meetings/${meeting.id}/agenda`, {
    title: 'Báo cáo kinh tế – xã hội tháng 11',
  });
  expect(agenda.status).toBe(201);
  itemId = must(agenda.body.items[0]).id;
  const live = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
  expect(live.status).toBe(200);
  const sites = (await c.secretary.get<Site[]>(`/api/meetings/${meeting.id}/sites`)).body;
  tamHop = must(sites.find((s) => s.unitId === dir.unitId('VP-249-11')));
}, 60_000);

afterAll(async () => {
  await disconnectAll(bots);
  await app.stop();
});

describe('conference room metadata', () => {
  it('shows the current agenda item in the room', async () => {
    const set = await c.chair.put(`/api/meetings/${meeting.id}/agenda/current`, { itemId });
    expect(set.status).toBe(200);
    const room = await waitFor(async () => {
      const r = await c.d1.get<RoomMetadata>(conf('/room'));
      return r.body.currentItem?.id === itemId ? r.body : null;
    }, 'the current item in the room metadata');
    expect(room).toMatchObject({
      meetingId: meeting.id,
      title: meeting.title,
      currentItem: { id: itemId, title: 'Báo cáo kinh tế – xã hội tháng 11' },
    });
  });
});

describe('attendance from LiveKit webhooks', () => {
  it('records a join and a leave of a site and a person as attendance intervals', async () => {
    expect(siteLine(await attendance())).toMatchObject({ connected: false, remoteSeconds: 0 });
    const site = await join(c.opTamHop);
    const delegate = await join(c.d1);
    // Connected for over 2 s, so the leave (LiveKit stamps it in whole seconds) ends after the join.
    const during = await waitFor(
      async () => {
        const a = await attendance();
        const both = [siteLine(a), personLine(a, 'daibieu1')];
        return both.every((l) => l.connected && l.remoteSeconds > 2) ? a : null;
      },
      'the site and the delegate connected in the attendance',
      15_000,
      200,
    );
    expect(siteLine(during).status).toBe('present_remote');
    expect(personLine(during, 'daibieu1').status).toBe('present_remote');

    await site.disconnect();
    await delegate.disconnect();
    const after = await waitFor(async () => {
      const a = await attendance();
      return !siteLine(a).connected && !personLine(a, 'daibieu1').connected ? a : null;
    }, 'both disconnected in the attendance');
    // The interval is closed: its time stays, and the status falls back to the roll-call marks.
    expect(siteLine(after).remoteSeconds).toBeGreaterThan(0);
    expect(personLine(after, 'daibieu1').remoteSeconds).toBeGreaterThan(0);
    expect(siteLine(after).status).toBe('unmarked');

    const audit = await c.secretary.get<{ items: { action: string; target: unknown }[] }>(
      `/api/meetings/${meeting.id}/audit?pageSize=500`,
    );
    const actions = audit.body.items.map((e) => e.action);
    expect(actions).toContain('conference.room_started');
    expect(actions.filter((a) => a === 'attendance.remote_joined')).toHaveLength(2);
    expect(actions.filter((a) => a === 'attendance.remote_left')).toHaveLength(2);
  }, 60_000);

  it('refuses a forged webhook with 401 and records nothing; records a signed event once', async () => {
    const { apiKey, apiSecret } = app.livekit;
    const event = (id: string, type: string, sid: string, at: number) =>
      JSON.stringify({
        event: type,
        id,
        createdAt: String(Math.floor(at / 1000)),
        room: { name: `meeting-${meeting.id}` },
        participant: {
          identity: `user:${dir.userId('daibieu2')}`,
          sid,
          joinedAt: String(Math.floor(at / 1000)),
          joinedAtMs: String(at),
        },
      });
    const sign = async (secret: string, payload: string): Promise<string> => {
      const t = new AccessToken(apiKey, secret, { ttl: 300 });
      t.sha256 = createHash('sha256').update(payload).digest('base64');
      return t.toJwt();
    };
    const post = async (payload: string, authorization?: string) =>
      fetch(`${app.url}/api/livekit/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/webhook+json',
          ...(authorization ? { authorization } : {}),
        },
        body: payload,
      });
    const joinedAt = Date.now() - 60_000;
    const joined = event('EV_conf_join', 'participant_joined', 'PA_d2', joinedAt);

    const forged = await post(joined, await sign('a-secret-that-is-not-this-servers-0000', joined));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as ErrorBody).error.code).toBe('unauthenticated');
    const altered = await post(joined.replace('PA_d2', 'PA_other'), await sign(apiSecret, joined));
    expect(altered.status).toBe(401);
    expect((await post(joined)).status).toBe(401);
    expect(personLine(await attendance(), 'daibieu2')).toMatchObject({
      connected: false,
      status: 'unmarked',
    });

    // Signed: recorded; delivered twice: recorded once.
    expect((await post(joined, await sign(apiSecret, joined))).status).toBe(200);
    expect((await post(joined, await sign(apiSecret, joined))).status).toBe(200);
    expect(personLine(await attendance(), 'daibieu2').connected).toBe(true);
    const left = event('EV_conf_left', 'participant_left', 'PA_d2', joinedAt + 30_000);
    expect((await post(left, await sign(apiSecret, left))).status).toBe(200);
    const d2 = personLine(await attendance(), 'daibieu2');
    expect(d2.connected).toBe(false);
    expect(d2.remoteSeconds).toBeCloseTo(30, 0);
    const audit = await c.secretary.get<{ items: { action: string; after: unknown }[] }>(
      `/api/meetings/${meeting.id}/audit?pageSize=500`,
    );
    const d2Joins = audit.body.items.filter(
      (e) =>
        e.action === 'attendance.remote_joined' &&
        JSON.stringify(e.after).includes(dir.userId('daibieu2')),
    );
    expect(d2Joins).toHaveLength(1);
  });
});

describe('the floor of a speaker who joins later', () => {
  it('gives publishing to a delegate granted the floor before joining', async () => {
    const asked = await c.d2.post<FloorState>(`/api/meetings/${meeting.id}/floor`, {});
    expect(asked.status).toBe(201);
    const entry = must(asked.body.queue.find((e) => e.speaker.id === dir.userId('daibieu2')));
    const granted = await c.chair.post(`/api/meetings/${meeting.id}/floor/${entry.id}/grant`, {
      endCurrent: true,
    });
    expect(granted.status).toBe(200);
    const token = await c.d2.post<ConferenceTokenInfo>(conf('/token'), {});
    expect(token.body.canPublish).toBe(false);
    const listener = await join(c.d1);
    const delegate = await join(c.d2);
    // The join webhook finds the granted floor entry and turns publishing on.
    const rooms = new RoomServiceClient(
      livekitHttpUrl(app.livekit.url),
      app.livekit.apiKey,
      app.livekit.apiSecret,
    );
    await waitFor(
      async () =>
        (await rooms.getParticipant(`meeting-${meeting.id}`, delegate.identity)).attributes[
          FLOOR_ATTRIBUTE
        ] === FLOOR_GRANTED,
      'publishing granted on join',
      15_000,
      100,
    );
    await delegate.publishTone(DELEGATE_HZ);
    await listener.waitForTone(delegate.identity, DELEGATE_HZ);
    const ended = await c.chair.post(`/api/meetings/${meeting.id}/floor/${entry.id}/end`, {});
    expect(ended.status).toBe(200);
    // The floor ended: the microphone stays published, muted by the server.
    await waitFor(
      () =>
        [
          ...(listener.room.remoteParticipants.get(delegate.identity)?.trackPublications.values() ??
            []),
        ].every((t) => t.muted),
      'the delegate microphone muted',
    );
    await disconnectAll([listener, delegate]);
  }, 60_000);
});

describe('conference audio recorder', () => {
  it('records through REST to a GridFS file of the right duration that carries the chair', async () => {
    const chair = await join(c.chair);
    await chair.publishTone(CHAIR_HZ);
    expect((await c.d1.post(conf('/recording/start'))).status).toBe(403);
    expect((await c.chair.post(conf('/recording/stop'))).status).toBe(409);

    const started = await c.chair.post<RecordingStatus>(conf('/recording/start'));
    expect(started.status).toBe(200);
    expect(started.body.recording).toBe(true);
    const t0 = performance.now();
    expect((await c.chair.post(conf('/recording/start'))).status).toBe(409);
    // Every screen's recording indicator follows the room metadata.
    await waitFor(
      () => parseRoomMetadata(chair.room.metadata)?.recording === 'audio',
      'the audio recording indicator',
    );
    await waitFor(
      async () => (await c.d1.get<RecordingStatus>(conf('/recording'))).body.durationMs >= 3000,
      '3 s recorded',
      20_000,
      100,
    );
    const stopped = await c.chair.post<ConferenceRecording>(conf('/recording/stop'));
    const wallMs = performance.now() - t0;
    expect(stopped.status).toBe(200);
    await waitFor(
      () => parseRoomMetadata(chair.room.metadata)?.recording === null,
      'the indicator cleared',
    );
    expect(stopped.body.contentType).toBe('audio/wav');
    // The file covers the time between start and stop: never more than the wall time around
    // them, and less only by how late the recorder's first audio came (a loaded machine).
    expect(stopped.body.durationMs).toBeLessThan(wallMs + 300);
    expect(stopped.body.durationMs).toBeGreaterThan(wallMs - 1000);
    expect(stopped.body.speakers).toContain(chair.identity);

    const list = await c.d1.get<ConferenceRecording[]>(conf('/recordings'));
    expect(list.status).toBe(200);
    expect(list.body.map((r) => r.id)).toEqual([stopped.body.id]);
    expect((await c.unitAdmin.get(conf('/recordings'))).status).toBe(403);

    const download = await fetch(
      app.url + (await c.d1.ticketed(conf(`/recordings/${stopped.body.id}/content`), 'download')),
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('audio/wav');
    const file = Buffer.from(await download.arrayBuffer());
    expect(file.length).toBe(stopped.body.bytes);
    const wav = readWav(file);
    expect(wav.durationMs).toBeCloseTo(stopped.body.durationMs, 0);
    const afterSetup = wav.samples.subarray(wav.sampleRate / 2);
    expect(toneCoverage(afterSetup, wav.sampleRate, CHAIR_HZ, 100, 0.3)).toBeGreaterThan(0.8);

    const audit = await c.secretary.get<{ items: { action: string }[] }>(
      `/api/meetings/${meeting.id}/audit?pageSize=500`,
    );
    expect(audit.body.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['conference.recording_started', 'conference.recording_stopped']),
    );
  }, 60_000);
});
