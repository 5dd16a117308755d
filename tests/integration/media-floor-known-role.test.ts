import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { ConferenceControl } from '../../media/conference-control';
import { ConferenceMonitor } from '../../media/conference-monitor';
import { FLOOR_ATTRIBUTE } from '../../media/contracts/grant-profiles';
import { userIdentity } from '../../media/contracts/participant-identity';
import { LivekitRoomApi } from '../../media/livekit-room-api';
import { isMediaError } from '../../media/media-errors';
import { stack, waitFor } from '../support/stack';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';

// The floor grant's fast path: when the meeting's monitor already knows the participant's role,
// the grant does not ask LiveKit for the participant first (one server request fewer before
// the site hears it has the floor). A stale role must never open the floor to a role that may
// not take it.
const CHAIR_HZ = 440;
const SITE_HZ = 1250;

/** The LiveKit server API methods called (fetch is what livekit-server-sdk's Twirp uses). */
async function serverRequests<T>(run: () => Promise<T>): Promise<{ result: T; methods: string[] }> {
  const original = globalThis.fetch;
  const methods: string[] = [];
  globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/twirp/')) methods.push(url.slice(url.lastIndexOf('/') + 1));
    return original(input, init);
  };
  try {
    return { result: await run(), methods };
  } finally {
    globalThis.fetch = original;
  }
}

describe('floor grant with the role the monitor knows', () => {
  const endpoint = stack().livekit;
  const meetingId = randomObjectId();
  const chairUserId = randomObjectId();
  const observerUserId = randomObjectId();
  const site = unit('VP-252-07', 'commune');
  const plain = new ConferenceControl({ endpoint });
  const api = new LivekitRoomApi(endpoint);
  let monitor: ConferenceMonitor;
  let chair: ConferenceBot;
  let siteBot: ConferenceBot;
  let observer: ConferenceBot;

  beforeAll(async () => {
    await plain.openRoom({ meetingId, title: 'Giao ban trực tuyến' });
    monitor = await ConferenceMonitor.start({ endpoint, meetingId });
    chair = await joinBot(endpoint, meetingId, { userId: chairUserId, role: 'chair' });
    await chair.publishTone(CHAIR_HZ);
    siteBot = await joinBot(endpoint, meetingId, { site });
    observer = await joinBot(endpoint, meetingId, { userId: observerUserId, role: 'observer' });
    await siteBot.publishTone(SITE_HZ, { muted: true });
    await waitFor(
      () =>
        monitor.roleOf(siteBot.identity) === 'site' && monitor.roleOf(observer.identity) !== null,
      'the monitor sees the site and the observer',
    );
    await waitFor(
      async () => (await plain.getParticipant(meetingId, siteBot.identity)).tracks.length > 0,
      'the muted microphone published',
    );
  });

  afterEach(async () => {
    await plain.endFloor(meetingId, siteBot.identity).catch(() => undefined);
  });

  afterAll(async () => {
    await disconnectAll([chair, siteBot, observer]);
    await monitor.stop();
    await plain.closeRoom(meetingId);
  });

  it('grants with two server requests (the permission, then the unmute) and the chair hears the site', async () => {
    const control = new ConferenceControl({
      endpoint,
      knownRole: (_meeting, identity) => Promise.resolve(monitor.roleOf(identity)),
    });
    const { result, methods } = await serverRequests(() =>
      control.grantFloor(meetingId, siteBot.identity),
    );
    expect(methods).toEqual(['UpdateParticipant', 'MutePublishedTrack']);
    expect(result.holdsFloor).toBe(true);
    expect(result.tracks).toMatchObject([{ source: 'microphone', muted: false }]);
    await chair.waitForTone(siteBot.identity, SITE_HZ);
  });

  it('asks LiveKit first when the role is not known, as before', async () => {
    const control = new ConferenceControl({ endpoint, knownRole: () => Promise.resolve(null) });
    const { methods } = await serverRequests(() => control.grantFloor(meetingId, siteBot.identity));
    expect(methods).toEqual(['GetParticipant', 'UpdateParticipant', 'MutePublishedTrack']);
  });

  it('a stale role never opens the floor to an observer: what was set is taken back', async () => {
    // The monitor's view claims a site; LiveKit holds an observer.
    const control = new ConferenceControl({
      endpoint,
      knownRole: () => Promise.resolve('site'),
    });
    await expect(control.grantFloor(meetingId, observer.identity)).rejects.toSatisfy((e) =>
      isMediaError(e, 'not_allowed'),
    );
    const info = await api.participantInfo(meetingId, observer.identity);
    expect(info.permission?.canPublish).toBe(false);
    expect(info.permission?.canSubscribe).toBe(true);
    expect(info.attributes[FLOOR_ATTRIBUTE] ?? '').toBe('');
  });

  it('the chair, whose role the monitor knows, is told it always has the floor', async () => {
    const control = new ConferenceControl({
      endpoint,
      knownRole: (_meeting, identity) => Promise.resolve(monitor.roleOf(identity)),
    });
    await expect(control.grantFloor(meetingId, userIdentity(chairUserId))).rejects.toSatisfy((e) =>
      isMediaError(e, 'not_allowed'),
    );
  });
});
