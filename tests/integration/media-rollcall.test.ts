import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { isMediaError } from '../../media/media-errors';
import { MediaService } from '../../media/media-service';
import type { RollCall } from '../../media/contracts/roll-call';
import { stack, waitFor } from '../support/stack';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';

describe('roll call with connection quality', () => {
  const media = new MediaService({ livekit: stack().livekit });
  const meetingId = randomObjectId();
  const expected = [
    unit('243', 'district', 'TP Vĩnh Yên'),
    unit('VP-249-11', 'commune', 'Xã Tam Hợp'),
    unit('VP-250-02', 'commune'),
    unit('VP-251-07', 'commune'),
  ];
  const unexpected = unit('VP-253-01', 'commune');
  const bots = new Map<string, ConferenceBot>();

  beforeAll(async () => {
    await media.goLive({ meetingId, title: 'Họp trực tuyến với các huyện' });
    const chair = await joinBot(stack().livekit, meetingId, {
      userId: randomObjectId(),
      role: 'chair',
    });
    bots.set('chair', chair);
    // Three of the four expected sites and one site nobody invited connect; VP-251-07 does not.
    for (const site of [...expected.slice(0, 3), unexpected]) {
      bots.set(
        site.code,
        await joinBot(stack().livekit, meetingId, { site }, { reportQuality: true }),
      );
    }
  });

  afterAll(async () => {
    await disconnectAll(bots.values());
    await media.end(meetingId);
  });

  const take = (presentByPhone: string[] = []): Promise<RollCall> =>
    media.rollCall(meetingId, { expectedSites: expected, presentByPhone });

  it('lists expected sites against the connected ones, each with its quality', async () => {
    const call = await waitFor(
      async () => {
        const c = await take(['VP-251-07']);
        return c.sites.slice(0, 3).every((s) => s.quality !== 'unknown') ? c : null;
      },
      'every connected site reported its quality',
      20_000,
    );

    expect(call.sites.map((s) => [s.unit.code, s.status])).toEqual([
      ['243', 'connected'],
      ['VP-249-11', 'connected'],
      ['VP-250-02', 'connected'],
      ['VP-251-07', 'present_by_phone'],
    ]);
    expect(call.counts).toEqual({ expected: 4, connected: 3, presentByPhone: 1, absent: 0 });
    expect(call.unexpected).toEqual([`site:${unexpected.code}`]);
    for (const s of call.sites.slice(0, 3)) {
      // Loopback: LiveKit rates every link excellent (good at worst under load).
      expect(['excellent', 'good']).toContain(s.quality);
      expect(s.joinedAt).not.toBeNull();
      expect(s.lastSeenAt).toBe(call.takenAt);
    }
    const absent = call.sites[3];
    expect(absent).toMatchObject({
      quality: 'unknown',
      joinedAt: null,
      lastSeenAt: null,
      byPhone: true,
    });
    // The chair and the hidden monitor are not sites.
    expect(call.sites.map((s) => s.identity)).not.toContain(`monitor:${meetingId}`);
  });

  it('shows a site that left as absent with its last sign of life', async () => {
    const otherMeeting = randomObjectId();
    const site = unit('VP-252-03', 'commune');
    await media.goLive({ meetingId: otherMeeting, title: 'Họp rút kinh nghiệm' });
    try {
      const bot = await joinBot(stack().livekit, otherMeeting, { site }, { reportQuality: true });
      bots.set(`other-${site.code}`, bot);
      const rollCall = (): Promise<RollCall> =>
        media.rollCall(otherMeeting, { expectedSites: [site] });
      // LiveKit tells other participants about non-publishers in batches (every few seconds):
      // wait until the monitor has heard from the site, as it would during a real meeting.
      await waitFor(
        async () => (await rollCall()).sites[0]?.quality !== 'unknown',
        'site connected and reporting',
        20_000,
      );
      await bot.disconnect();
      const leftAround = Date.now();
      const call = await waitFor(async () => {
        const c = await rollCall();
        return c.sites[0]?.status === 'absent' && c.sites[0].lastSeenAt ? c : null;
      }, 'site absent after leaving');
      expect(call.sites[0]?.quality).toBe('unknown');
      expect(
        Math.abs(new Date(call.sites[0]?.lastSeenAt ?? 0).getTime() - leftAround),
      ).toBeLessThan(5_000);
      expect(call.counts).toEqual({ expected: 1, connected: 0, presentByPhone: 0, absent: 1 });
    } finally {
      await media.end(otherMeeting);
    }
  });

  it('answers room_not_found for a meeting that is not live', async () => {
    await expect(media.rollCall(randomObjectId(), { expectedSites: expected })).rejects.toSatisfy(
      (e) => isMediaError(e, 'room_not_found'),
    );
  });
});
