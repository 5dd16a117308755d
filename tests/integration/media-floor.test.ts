import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { ConferenceControl } from '../../media/conference-control';
import { siteIdentity, userIdentity } from '../../media/contracts/participant-identity';
import { isMediaError } from '../../media/media-errors';
import { stack, waitFor } from '../support/stack';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';

// A chair bot speaks a 440 Hz tone; three sites listen. Sites speak their own tone when they
// hold the floor, so every check is "this exact sound arrived", not just "a track exists".
const CHAIR_HZ = 440;
const SITE_HZ = 1250;
const SITE_B_HZ = 1900;

describe('conference floor on a real livekit-server', () => {
  const endpoint = stack().livekit;
  const control = new ConferenceControl({ endpoint });
  const meetingId = randomObjectId();
  const chairUserId = randomObjectId();
  const sites = [
    unit('243', 'district'),
    unit('VP-249-11', 'commune'),
    unit('VP-250-02', 'commune'),
  ];
  let chair: ConferenceBot;
  let siteBots: ConferenceBot[] = [];

  beforeAll(async () => {
    await control.openRoom({ meetingId, title: 'Họp UBND tỉnh tháng 11' });
    chair = await joinBot(endpoint, meetingId, { userId: chairUserId, role: 'chair' });
    await chair.publishTone(CHAIR_HZ);
    siteBots = await Promise.all(sites.map((site) => joinBot(endpoint, meetingId, { site })));
  });

  afterEach(async () => {
    // Each test starts with nobody but the chair holding the floor.
    for (const [i, bot] of siteBots.entries()) {
      await bot.stopTone();
      await control.endFloor(meetingId, siteIdentity(sites[i]?.code ?? '')).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await disconnectAll([chair, ...siteBots]);
    await control.closeRoom(meetingId);
  });

  it("every site hears the chair's tone", async () => {
    const heardAt = await Promise.all(
      siteBots.map((b) => b.waitForTone(userIdentity(chairUserId), CHAIR_HZ)),
    );
    expect(heardAt).toHaveLength(sites.length);
  });

  it('keeps a site off air until it holds the floor: its microphone may only be published muted', async () => {
    const site = siteBots[1] as ConferenceBot;
    await site.publishTone(SITE_HZ, { muted: true });
    await waitFor(
      async () => (await control.getParticipant(meetingId, site.identity)).tracks.length > 0,
      'the muted microphone published',
    );
    const seen = await control.getParticipant(meetingId, site.identity);
    expect(seen.canPublish).toBe(false);
    expect(seen.holdsFloor).toBe(false);
    expect(seen.tracks).toMatchObject([{ source: 'microphone', muted: true }]);
  });

  it('lets the chair hear a site while it holds the floor, and mutes it when the floor ends', async () => {
    const site = siteBots[0] as ConferenceBot;
    await site.publishTone(SITE_HZ, { muted: true });
    await waitFor(
      async () => (await control.getParticipant(meetingId, site.identity)).tracks.length > 0,
      'the muted microphone published',
    );
    const granted = await control.grantFloor(meetingId, site.identity);
    expect(granted.holdsFloor).toBe(true);
    expect(granted.tracks).toMatchObject([{ source: 'microphone', muted: false }]);
    await chair.waitForTone(site.identity, SITE_HZ);
    // Another site hears the floor holder too (the SFU forwards it to everyone).
    await (siteBots[2] as ConferenceBot).waitForTone(site.identity, SITE_HZ);

    const ended = await control.endFloor(meetingId, site.identity);
    expect(ended.holdsFloor).toBe(false);
    expect(ended.tracks).toMatchObject([{ source: 'microphone', muted: true }]);
    await waitFor(
      () =>
        [
          ...(chair.room.remoteParticipants.get(site.identity)?.trackPublications.values() ?? []),
        ].every((t) => t.muted),
      'site microphone muted at the chair',
    );
  });

  it('mutes everyone but the chair', async () => {
    const [a, b] = siteBots as [ConferenceBot, ConferenceBot];
    await control.grantFloor(meetingId, a.identity);
    await control.grantFloor(meetingId, b.identity);
    await a.publishTone(SITE_HZ);
    await b.publishTone(SITE_B_HZ);
    await chair.waitForTone(b.identity, SITE_B_HZ);

    const muted = await control.muteAllExceptChair(meetingId);
    expect(muted).toEqual([a.identity, b.identity].sort());
    const everyone = await control.listParticipants(meetingId);
    for (const p of everyone) {
      const mic = p.tracks.find((t) => t.source === 'microphone');
      if (p.role === 'chair') expect(mic?.muted).toBe(false);
      else if (mic) expect(mic.muted).toBe(true);
    }
    await waitFor(
      () =>
        [a, b].every((s) =>
          [
            ...(chair.room.remoteParticipants.get(s.identity)?.trackPublications.values() ?? []),
          ].every((t) => t.muted),
        ),
      'the chair sees both sites muted',
    );
    // Muting again changes nothing.
    expect(await control.muteAllExceptChair(meetingId)).toEqual([]);
  });

  it('refuses the floor to roles that never take it and to participants not connected', async () => {
    await expect(control.grantFloor(meetingId, userIdentity(chairUserId))).rejects.toSatisfy((e) =>
      isMediaError(e, 'not_allowed'),
    );
    await expect(control.grantFloor(meetingId, siteIdentity('VP-999-99'))).rejects.toSatisfy((e) =>
      isMediaError(e, 'not_connected'),
    );
    await expect(control.grantFloor(randomObjectId(), siteIdentity('243'))).rejects.toSatisfy((e) =>
      isMediaError(e, 'room_not_found'),
    );
  });
});
