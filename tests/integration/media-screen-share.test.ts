import {
  LocalVideoTrack,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
} from '@livekit/rtc-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { ConferenceControl } from '../../media/conference-control';
import { siteIdentity } from '../../media/contracts/participant-identity';
import { stack, waitFor } from '../support/stack';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';

const WIDTH = 320;
const HEIGHT = 180;

/** A screen share published by a bot: a grey picture sent a few times a second. */
interface Share {
  sid: string;
  stop(): Promise<void>;
}

/**
 * Publishes a screen-share video track from `bot` (rtc-node stands in for a browser's
 * getDisplayMedia). @throws when LiveKit refuses the publication.
 */
async function shareScreen(bot: ConferenceBot): Promise<Share> {
  const local = bot.room.localParticipant;
  if (!local) throw new Error('the bot is not connected');
  const source = new VideoSource(WIDTH, HEIGHT);
  const track = LocalVideoTrack.createVideoTrack('screen', source);
  let publicationSid: string;
  try {
    const publication = await local.publishTrack(
      track,
      new TrackPublishOptions({ source: TrackSource.SOURCE_SCREENSHARE, simulcast: false }),
    );
    publicationSid = publication.sid ?? '';
  } catch (err) {
    await track.close();
    throw err;
  }
  const frame = new VideoFrame(
    new Uint8Array(WIDTH * HEIGHT * 4).fill(128),
    WIDTH,
    HEIGHT,
    VideoBufferType.RGBA,
  );
  const timer = setInterval(() => {
    try {
      source.captureFrame(frame);
    } catch {
      // The server took the track away: nothing drains the source any more.
    }
  }, 200);
  return {
    sid: publicationSid,
    async stop() {
      clearInterval(timer);
      await local.unpublishTrack(publicationSid).catch(() => undefined);
      await track.close().catch(() => undefined);
    },
  };
}

/** The screen-share tracks `identity` publishes, as the server lists them. */
async function screenTracks(
  control: ConferenceControl,
  meetingId: string,
  identity: string,
): Promise<string[]> {
  const p = await control.getParticipant(meetingId, identity);
  return p.tracks.filter((t) => t.source === 'screen_share').map((t) => t.sid);
}

describe('screen sharing on a real livekit-server', () => {
  const endpoint = stack().livekit;
  const control = new ConferenceControl({ endpoint });
  const meetingId = randomObjectId();
  const hubUnit = unit('26', 'province', 'UBND tỉnh');
  const siteUnits = [unit('VP-249-11', 'commune'), unit('243', 'district')];
  let hub: ConferenceBot;
  let sites: ConferenceBot[] = [];
  const shares: Share[] = [];

  beforeAll(async () => {
    await control.openRoom({ meetingId, title: 'Họp trình chiếu' });
    hub = await joinBot(endpoint, meetingId, { site: hubUnit, role: 'hub' });
    sites = await Promise.all(siteUnits.map((site) => joinBot(endpoint, meetingId, { site })));
  });

  afterEach(async () => {
    await Promise.all(shares.splice(0).map((s) => s.stop()));
    for (const u of siteUnits) {
      await control.endFloor(meetingId, siteIdentity(u.code)).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await disconnectAll([hub, ...sites]);
    await control.closeRoom(meetingId);
  });

  it('refuses a screen share from a site that does not hold the floor', async () => {
    const site = sites[0] as ConferenceBot;
    await expect(shareScreen(site)).rejects.toThrow();
    expect(await screenTracks(control, meetingId, site.identity)).toEqual([]);
    expect(hub.publishersOf('video')).not.toContain(site.identity);
  });

  it('lets the hub share its screen without the floor, seen by every site', async () => {
    const share = await shareScreen(hub);
    shares.push(share);
    await Promise.all(sites.map((s) => s.waitForTrack(hub.identity, 'video', 15_000)));
    expect(await screenTracks(control, meetingId, hub.identity)).toEqual([share.sid]);
  });

  it('lets the floor holder share its screen and takes the share away when its floor ends', async () => {
    const [speaker, other] = sites as [ConferenceBot, ConferenceBot];
    const granted = await control.grantFloor(meetingId, speaker.identity);
    expect(granted.holdsFloor).toBe(true);
    const share = await shareScreen(speaker);
    shares.push(share);
    await other.waitForTrack(speaker.identity, 'video', 15_000);
    expect(await screenTracks(control, meetingId, speaker.identity)).toEqual([share.sid]);

    await control.endFloor(meetingId, speaker.identity);
    await waitFor(
      async () => (await screenTracks(control, meetingId, speaker.identity)).length === 0,
      'the share unpublished by the server',
    );
    await waitFor(
      () => !other.publishersOf('video').includes(speaker.identity),
      'the share gone at the other site',
    );
    // Without the floor again, a new share is refused.
    await expect(shareScreen(speaker)).rejects.toThrow();
  });
});
