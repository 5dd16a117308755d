import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConferenceBot } from '../../media/bots/conference-bot';
import type { Attendance } from '../../server/contracts/attendance';
import type {
  ConferenceMuteResult,
  ConferenceParticipantView,
  ConferenceRemoval,
  ConferenceRollCall,
  ConferenceStatus,
  ConferenceTokenInfo,
} from '../../server/contracts/conference';
import type { RoomMetadata } from '../../media/contracts/conference-room';
import type { Meeting, Site } from '../../server/contracts/meetings';
import type { FloorState } from '../../server/contracts/speakers';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';
import { disconnectAll } from '../support/media';

// The conference REST routes against the run's real livekit-server: tokens from the API join
// @livekit/rtc-node bots, and every check is what the bots hear or what LiveKit reports.
const CHAIR_HZ = 440;
const VINH_YEN_HZ = 1250;
const TAM_HOP_HZ = 1900;

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let meeting: Meeting;
let vinhYen: Site;
let tamHop: Site;
const bots: ConferenceBot[] = [];

async function tokenOf(client: ApiClient, body: Record<string, unknown> = {}) {
  return client.post<ConferenceTokenInfo>(`/api/meetings/${meeting.id}/conference/token`, body);
}

async function join(client: ApiClient, body: Record<string, unknown> = {}): Promise<ConferenceBot> {
  const res = await tokenOf(client, body);
  expect(res.status).toBe(200);
  const bot = await ConferenceBot.join({ url: res.body.url, token: res.body.token });
  bots.push(bot);
  return bot;
}

const conf = (path: string): string => `/api/meetings/${meeting.id}/conference${path}`;

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  meeting = await buildMeeting(c, dir, {
    state: 'scheduled',
    delegates: ['daibieu1', 'daibieu2'],
  });
  const observer = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
    kind: 'person',
    userIds: [dir.userId('daibieu3')],
    role: 'observer',
  });
  expect(observer.status).toBe(200);
  for (const [code, operator] of [
    ['243', 'diemcau.vinhyen'],
    ['VP-249-11', 'diemcau.tamhop'],
  ] as const) {
    const res = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
      kind: 'unit',
      unitId: dir.unitId(code),
      operatorId: dir.userId(operator),
    });
    expect(res.status).toBe(200);
  }
  const live = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'live' });
  expect(live.status).toBe(200);
  const sites = (await c.secretary.get<Site[]>(`/api/meetings/${meeting.id}/sites`)).body;
  vinhYen = must(sites.find((s) => s.unitId === dir.unitId('243')));
  tamHop = must(sites.find((s) => s.unitId === dir.unitId('VP-249-11')));
}, 60_000);

afterAll(async () => {
  await disconnectAll(bots);
  await app.stop();
});

describe('conference tokens', () => {
  it('gives each role its grants, with identities from media/contracts', async () => {
    const chair = await tokenOf(c.chair);
    expect(chair.status).toBe(200);
    expect(chair.body).toMatchObject({
      identity: `user:${dir.userId('chutich')}`,
      role: 'chair',
      canPublish: true,
      roomName: `meeting-${meeting.id}`,
    });
    expect(new Date(chair.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(chair.body.url).toMatch(/^wss?:\/\//);

    expect((await tokenOf(c.d1)).body).toMatchObject({ role: 'delegate', canPublish: false });
    expect((await tokenOf(c.secretary)).body).toMatchObject({ role: 'delegate' });
    expect((await tokenOf(c.d3)).body).toMatchObject({ role: 'observer', canPublish: false });
    expect((await tokenOf(c.opVinhYen)).body).toMatchObject({
      identity: 'site:243',
      role: 'site',
      canPublish: false,
    });
    expect((await tokenOf(c.opTamHop, { siteId: tamHop.id })).body).toMatchObject({
      identity: 'site:VP-249-11',
      role: 'site',
    });
  });

  it('refuses anyone who is not logged in, not a participant, or not the site operator', async () => {
    expect((await tokenOf(c.anonymous)).status).toBe(401);
    const outsider = await tokenOf(c.unitAdmin);
    expect(outsider.status).toBe(403);
    expect((outsider.body as unknown as ErrorBody).error.code).toBe('not_site_operator');
    expect((await tokenOf(c.admin)).status).toBe(403);
    expect((await tokenOf(c.opVinhYen, { siteId: tamHop.id })).status).toBe(403);
    expect((await tokenOf(c.opVinhYen, { siteId: 'nope' })).status).toBe(400);
  });

  it('documents every conference route in the OpenAPI description', async () => {
    const res = await c.anonymous.get<{ paths: Record<string, unknown> }>('/api/openapi.json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths).filter((p) => p.includes('/conference/'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/meetings/{id}/conference/token',
        '/api/meetings/{id}/conference/roll-call',
        '/api/meetings/{id}/conference/roll-call/{siteId}/present-by-phone',
        '/api/meetings/{id}/conference/floor',
        '/api/meetings/{id}/conference/floor/end',
        '/api/meetings/{id}/conference/mute',
        '/api/meetings/{id}/conference/mute-all',
        '/api/meetings/{id}/conference/ask-unmute',
        '/api/meetings/{id}/conference/spotlight',
        '/api/meetings/{id}/conference/remove',
        '/api/meetings/{id}/conference/recording/start',
        '/api/meetings/{id}/conference/recording/stop',
        '/api/meetings/{id}/conference/egress',
        '/api/meetings/{id}/conference/status',
        '/api/meetings/{id}/conference/end',
        '/api/meetings/{id}/conference/reopen',
        '/api/meetings/{id}/conference/removed',
        '/api/meetings/{id}/conference/readmit',
      ]),
    );
  });

  it('answers 409 while the meeting is not live', async () => {
    const later = await buildMeeting(c, dir, { state: 'scheduled' });
    const res = await c.chair.post<ErrorBody>(`/api/meetings/${later.id}/conference/token`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ current: 'scheduled' });
  });
});

describe('conference controls', () => {
  let chairBot: ConferenceBot;
  let vinhYenBot: ConferenceBot;
  let tamHopBot: ConferenceBot;
  let observerBot: ConferenceBot;

  beforeAll(async () => {
    chairBot = await join(c.chair);
    await chairBot.publishTone(CHAIR_HZ);
    [vinhYenBot, tamHopBot, observerBot] = await Promise.all([
      join(c.opVinhYen),
      join(c.opTamHop),
      join(c.d3),
    ]);
  }, 60_000);

  it('every site hears the chair, and a site without the floor is not heard even if it unmutes itself', async () => {
    await Promise.all(
      [vinhYenBot, tamHopBot].map((b) => b.waitForTone(chairBot.identity, CHAIR_HZ)),
    );
    await tamHopBot.publishTone(TAM_HOP_HZ, { muted: true });
    await waitFor(
      () => chairBot.publishersOf('audio').includes(tamHopBot.identity),
      'the muted microphone published',
    );
    tamHopBot.setMicMuted(false);
    // The app's monitor mutes it again at once: at most a moment of it gets through.
    expect(await chairBot.toneMsFrom(tamHopBot.identity, TAM_HOP_HZ, 2000)).toBeLessThanOrEqual(
      400,
    );
    expect(await chairBot.toneMsFrom(tamHopBot.identity, TAM_HOP_HZ, 1000)).toBe(0);
    await tamHopBot.stopTone();
  }, 30_000);

  it('granting a queued floor request lets the site speak to the chair; ending it mutes the site', async () => {
    const asked = await c.opVinhYen.post<FloorState>(`/api/meetings/${meeting.id}/floor`, {
      siteId: vinhYen.id,
    });
    expect(asked.status).toBe(201);
    const entry = must(asked.body.queue.find((e) => e.speaker.kind === 'site'));
    const granted = await c.chair.post(`/api/meetings/${meeting.id}/floor/${entry.id}/grant`, {});
    expect(granted.status).toBe(200);
    await vinhYenBot.publishTone(VINH_YEN_HZ);
    await chairBot.waitForTone(vinhYenBot.identity, VINH_YEN_HZ);

    const ended = await c.chair.post(`/api/meetings/${meeting.id}/floor/${entry.id}/end`, {});
    expect(ended.status).toBe(200);
    await waitFor(
      () =>
        [
          ...(chairBot.room.remoteParticipants
            .get(vinhYenBot.identity)
            ?.trackPublications.values() ?? []),
        ].every((t) => t.muted),
      'the site muted at the chair',
    );
    await vinhYenBot.stopTone();
  }, 40_000);

  it('lets only the chair grant the floor directly, and mutes everyone but the chair', async () => {
    const notChair = await c.secretary.post(conf('/floor'), { identity: 'site:243' });
    expect(notChair.status).toBe(403);
    expect((await c.chair.post(conf('/floor'), { identity: 'bad id' })).status).toBe(400);
    const missing = await c.chair.post<ErrorBody>(conf('/floor'), { identity: 'site:VP-999-99' });
    expect(missing.status).toBe(409);

    for (const identity of ['site:243', 'site:VP-249-11']) {
      const res = await c.chair.post<ConferenceParticipantView>(conf('/floor'), { identity });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ identity, holdsFloor: true, canPublish: true });
    }
    await vinhYenBot.publishTone(VINH_YEN_HZ);
    await tamHopBot.publishTone(TAM_HOP_HZ);
    await chairBot.waitForTone(tamHopBot.identity, TAM_HOP_HZ);
    await chairBot.waitForTone(vinhYenBot.identity, VINH_YEN_HZ);

    const muted = await c.chair.post<ConferenceMuteResult>(conf('/mute-all'));
    expect(muted.status).toBe(200);
    expect(muted.body.muted).toEqual(['site:243', 'site:VP-249-11']);
    await waitFor(
      () =>
        [vinhYenBot, tamHopBot].every((s) =>
          [
            ...(chairBot.room.remoteParticipants.get(s.identity)?.trackPublications.values() ?? []),
          ].every((t) => t.muted),
        ),
      'the chair sees both sites muted',
    );
    expect((await c.chair.post<ConferenceMuteResult>(conf('/mute-all'))).body.muted).toEqual([]);

    for (const bot of [vinhYenBot, tamHopBot]) {
      const res = await c.chair.post<ConferenceParticipantView>(conf('/floor/end'), {
        identity: bot.identity,
      });
      expect(res.body).toMatchObject({ holdsFloor: false, canPublish: false });
      expect(res.body.tracks.every((t) => t.muted)).toBe(true);
      await bot.stopTone();
    }
    const audit = await c.chair.get<{ items: { action: string }[] }>(
      `/api/meetings/${meeting.id}/audit?pageSize=200`,
    );
    const actions = audit.body.items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'conference.room_opened',
        'conference.floor_granted',
        'conference.muted_all',
        'conference.floor_ended',
      ]),
    );
  }, 60_000);

  it('shows who is muted in the roll call, and asks only a floor holder to unmute', async () => {
    const refused = await c.chair.post<ErrorBody>(conf('/ask-unmute'), { identity: 'site:243' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('floor_required');

    expect((await c.chair.post(conf('/floor'), { identity: 'site:243' })).status).toBe(200);
    await vinhYenBot.publishTone(VINH_YEN_HZ);
    const micOf = async (identity: string) =>
      (await c.chair.get<ConferenceRollCall>(conf('/roll-call'))).body.participants.find(
        (p) => p.identity === identity,
      )?.microphone;
    await waitFor(async () => (await micOf('site:243')) === 'on', 'the site heard');
    // Tam Hợp unpublished its microphone in the previous test; LiveKit lists it a moment later.
    await waitFor(async () => (await micOf('site:VP-249-11')) === 'off', 'the other site off');
    expect((await c.chair.post(conf('/mute'), { identity: 'site:243' })).status).toBe(200);
    await waitFor(async () => (await micOf('site:243')) === 'muted', 'the site muted');

    expect((await c.d1.post(conf('/ask-unmute'), { identity: 'site:243' })).status).toBe(403);
    expect((await c.chair.post(conf('/ask-unmute'), { identity: 'site:243' })).status).toBe(204);
    const audit = await c.chair.get<{ items: { action: string }[] }>(
      `/api/meetings/${meeting.id}/audit?pageSize=200`,
    );
    expect(audit.body.items.map((e) => e.action)).toContain('conference.unmute_requested');

    expect((await c.chair.post(conf('/floor/end'), { identity: 'site:243' })).status).toBe(200);
    await vinhYenBot.stopTone();
  }, 40_000);

  it('spotlights a participant on every screen and removes one', async () => {
    const spot = await c.chair.post<RoomMetadata>(conf('/spotlight'), { identity: 'site:243' });
    expect(spot.status).toBe(200);
    expect(spot.body).toMatchObject({ meetingId: meeting.id, spotlight: 'site:243' });
    await waitFor(
      () => (JSON.parse(tamHopBot.room.metadata || '{}') as RoomMetadata).spotlight === 'site:243',
      'the spotlight in the room metadata',
    );
    expect((await c.d1.get<RoomMetadata>(conf('/room'))).body.spotlight).toBe('site:243');
    expect((await c.chair.post(conf('/spotlight'), { identity: null })).status).toBe(200);

    expect((await c.d1.post(conf('/remove'), { identity: observerBot.identity })).status).toBe(403);
    expect((await c.chair.post(conf('/remove'), { identity: observerBot.identity })).status).toBe(
      204,
    );
    await waitFor(
      () => !chairBot.room.remoteParticipants.has(observerBot.identity),
      'the observer gone',
    );

    // Removed means removed: no new token until the chair lets the observer back in.
    const again = await tokenOf(c.d3);
    expect(again.status).toBe(403);
    expect((again.body as unknown as ErrorBody).error.code).toBe('removed_from_conference');
    expect((await c.d1.get(conf('/removed'))).status).toBe(403);
    const removed = await c.secretary.get<ConferenceRemoval[]>(conf('/removed'));
    expect(removed.body.map((r) => r.identity)).toEqual([observerBot.identity]);
    expect((await c.d1.post(conf('/readmit'), { identity: observerBot.identity })).status).toBe(
      403,
    );
    expect((await c.chair.post(conf('/readmit'), { identity: observerBot.identity })).status).toBe(
      204,
    );
    expect((await c.secretary.get<ConferenceRemoval[]>(conf('/removed'))).body).toEqual([]);
    expect((await tokenOf(c.d3)).status).toBe(200);
  }, 30_000);

  it('takes the roll call from the connected bots and marks a site present by phone', async () => {
    expect((await c.d1.get(conf('/roll-call'))).status).toBe(403);
    const first = await c.secretary.get<ConferenceRollCall>(conf('/roll-call'));
    expect(first.status).toBe(200);
    expect(first.body.sites.map((s) => [s.siteId, s.identity, s.status])).toEqual([
      [vinhYen.id, 'site:243', 'connected'],
      [tamHop.id, 'site:VP-249-11', 'connected'],
    ]);
    expect(first.body.counts).toMatchObject({ expected: 2, connected: 2, absent: 0 });

    await tamHopBot.disconnect();
    const gone = await waitFor(async () => {
      const r = await c.chair.get<ConferenceRollCall>(conf('/roll-call'));
      return r.body.sites[1]?.status === 'absent' ? r.body : null;
    }, 'the commune absent from the roll call');
    expect(gone.counts).toMatchObject({ connected: 1, absent: 1 });

    expect((await c.d1.post(conf(`/roll-call/${tamHop.id}/present-by-phone`))).status).toBe(403);
    const marked = await c.secretary.post<Attendance>(
      conf(`/roll-call/${tamHop.id}/present-by-phone`),
    );
    expect(marked.status).toBe(200);
    expect(marked.body.sites.find((s) => s.subject.id === tamHop.id)).toMatchObject({
      status: 'present_remote',
    });
    const after = await c.chair.get<ConferenceRollCall>(conf('/roll-call'));
    expect(after.body.sites[1]).toMatchObject({ status: 'present_by_phone', byPhone: true });
    expect(after.body.counts).toMatchObject({ connected: 1, presentByPhone: 1, absent: 0 });
  }, 30_000);

  it('answers 501 for video recording without LiveKit Egress', async () => {
    expect((await c.d1.post(conf('/egress'))).status).toBe(403);
    const res = await c.chair.post<ErrorBody>(conf('/egress'));
    expect(res.status).toBe(501);
    expect(res.body.error.code).toBe('not_configured');
    expect(res.body.error.message).toMatch(/Egress/);
  });

  it('closes the room when the meeting ends', async () => {
    const end = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'ended' });
    expect(end.status).toBe(200);
    await waitFor(() => !chairBot.room.isConnected, 'the chair disconnected');
    expect((await tokenOf(c.chair)).status).toBe(409);
    expect((await c.chair.post(conf('/mute-all'))).status).toBe(409);
  }, 30_000);
});

describe('muting one site, and ending the conference while the meeting goes on', () => {
  let other: Meeting;
  let site: Site;
  const on = (path: string): string => `/api/meetings/${other.id}/conference${path}`;
  const tokenFor = (client: ApiClient) => client.post<ConferenceTokenInfo>(on('/token'), {});
  async function joinOther(client: ApiClient): Promise<ConferenceBot> {
    const res = await tokenFor(client);
    expect(res.status).toBe(200);
    const bot = await ConferenceBot.join({ url: res.body.url, token: res.body.token });
    bots.push(bot);
    return bot;
  }

  beforeAll(async () => {
    other = await buildMeeting(c, dir, { state: 'scheduled', delegates: ['daibieu1'] });
    const invited = await c.secretary.post(`/api/meetings/${other.id}/invitations`, {
      kind: 'unit',
      unitId: dir.unitId('243'),
      operatorId: dir.userId('diemcau.vinhyen'),
    });
    expect(invited.status).toBe(200);
    const live = await c.secretary.post(`/api/meetings/${other.id}/transitions`, { to: 'live' });
    expect(live.status).toBe(200);
    const sites = (await c.secretary.get<Site[]>(`/api/meetings/${other.id}/sites`)).body;
    site = must(sites.find((s) => s.unitId === dir.unitId('243')));
  }, 60_000);

  it("mutes one site's microphone and no one else's", async () => {
    const chairBot = await joinOther(c.chair);
    await chairBot.publishTone(CHAIR_HZ);
    const siteBot = await joinOther(c.opVinhYen);
    const granted = await c.chair.post(on('/floor'), { identity: siteBot.identity });
    expect(granted.status).toBe(200);
    await siteBot.publishTone(VINH_YEN_HZ);
    await chairBot.waitForTone(siteBot.identity, VINH_YEN_HZ);

    expect((await c.d1.post(on('/mute'), { identity: siteBot.identity })).status).toBe(403);
    const muted = await c.chair.post<ConferenceMuteResult>(on('/mute'), {
      identity: siteBot.identity,
    });
    expect(muted.status).toBe(200);
    expect(muted.body.muted).toEqual([siteBot.identity]);
    expect(muted.body.trackSids).toHaveLength(1);
    await waitFor(
      () =>
        [
          ...(chairBot.room.remoteParticipants.get(siteBot.identity)?.trackPublications.values() ??
            []),
        ].every((t) => t.muted),
      "the chair sees the site's microphone muted",
    );
    // The chair's own microphone is untouched: the site still hears it.
    await siteBot.waitForTone(chairBot.identity, CHAIR_HZ);
    await siteBot.stopTone();
  }, 60_000);

  it('ends the conference: everyone leaves, no token until the chair reopens it', async () => {
    const siteBot = await joinOther(c.opVinhYen);
    expect((await c.anonymous.get(on('/status'))).status).toBe(401);
    expect((await c.d1.get<ConferenceStatus>(on('/status'))).body).toEqual({
      ended: false,
      endedAt: null,
    });
    expect((await c.d1.post(on('/end'))).status).toBe(403);

    const ended = await c.chair.post<ConferenceStatus>(on('/end'));
    expect(ended.status).toBe(200);
    expect(ended.body.ended).toBe(true);
    await waitFor(() => !siteBot.room.isConnected, 'the site disconnected');
    const again = await c.chair.post<ConferenceStatus>(on('/end'));
    expect(again.body).toEqual(ended.body);

    for (const client of [c.chair, c.opVinhYen, c.d1]) {
      const refused = await tokenFor(client);
      expect(refused.status).toBe(409);
      expect((refused.body as unknown as ErrorBody).error.code).toBe('conference_ended');
    }
    expect((await c.chair.post(on('/mute-all'))).status).toBe(409);
    expect((await c.chair.get(on('/roll-call'))).status).toBe(409);
    // The meeting itself goes on.
    expect((await c.chair.get<Meeting>(`/api/meetings/${other.id}`)).body.state).toBe('live');

    expect((await c.d1.post(on('/reopen'))).status).toBe(403);
    const reopened = await c.chair.post<ConferenceStatus>(on('/reopen'));
    expect(reopened.body).toEqual({ ended: false, endedAt: null });
    const back = await joinOther(c.opVinhYen);
    expect(back.room.isConnected).toBe(true);
    await waitFor(async () => {
      const roll = await c.chair.get<ConferenceRollCall>(on('/roll-call'));
      return (
        roll.status === 200 &&
        roll.body.sites.find((s) => s.siteId === site.id)?.status === 'connected'
      );
    }, 'the site connected again in the roll call');

    const audit = await c.chair.get<{ items: { action: string }[] }>(
      `/api/meetings/${other.id}/audit?pageSize=200`,
    );
    expect(audit.body.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['conference.ended', 'conference.room_closed', 'conference.reopened']),
    );
  }, 60_000);
});
