import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { MediaService } from '../../media/media-service';
import { stack, waitFor } from '../support/stack';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';

// The floor as the issue asks for it: sites publish their microphone muted when they join, a
// grant only unmutes it, and the server alone decides who is heard. The room is opened through
// MediaService.goLive, as the app does, so its monitor enforces the floor.
const CHAIR_HZ = 440;
const SITE_HZ = 1250;
const ROGUE_HZ = 1900;
/** Longest a self-unmuted track may reach a listener before the monitor has it muted again. */
const ENFORCEMENT_WINDOW_MS = 400;

async function micOf(
  media: MediaService,
  meetingId: string,
  identity: string,
): Promise<{ sid: string; muted: boolean } | undefined> {
  const p = await media.control.getParticipant(meetingId, identity);
  return p.tracks.find((t) => t.source === 'microphone');
}

describe('the floor unmutes a microphone published muted, and only the floor does', () => {
  const endpoint = stack().livekit;
  const enforced: { identity: string; result: string[] | Error }[] = [];
  const media = new MediaService({
    livekit: endpoint,
    onFloorEnforced: (_meetingId, identity, result) => enforced.push({ identity, result }),
  });
  const meetingId = randomObjectId();
  let chair: ConferenceBot;
  let speaker: ConferenceBot;
  let rogue: ConferenceBot;
  let listener: ConferenceBot;

  beforeAll(async () => {
    await media.goLive({ meetingId, title: 'Hội nghị trực tuyến toàn tỉnh' });
    chair = await joinBot(endpoint, meetingId, { userId: randomObjectId(), role: 'chair' });
    await chair.publishTone(CHAIR_HZ);
    speaker = await joinBot(endpoint, meetingId, { site: unit('243', 'district') });
    // A modified client: it ignores the floor and unmutes whenever it likes.
    rogue = await joinBot(
      endpoint,
      meetingId,
      { site: unit('VP-249-11', 'commune') },
      { followFloor: false },
    );
    listener = await joinBot(endpoint, meetingId, { site: unit('VP-250-02', 'commune') });
    await speaker.publishTone(SITE_HZ, { muted: true });
    await rogue.publishTone(ROGUE_HZ, { muted: true });
    await waitFor(
      () => chair.publishersOf('audio').includes(rogue.identity),
      "the chair subscribed to the sites' muted microphones",
    );
  });

  afterAll(async () => {
    await disconnectAll([chair, speaker, rogue, listener]);
    await media.end(meetingId);
    await media.close();
  });

  it('keeps a microphone published muted on joining silent for everyone', async () => {
    expect(await micOf(media, meetingId, speaker.identity)).toMatchObject({ muted: true });
    expect(await chair.toneMsFrom(speaker.identity, SITE_HZ, 1500)).toBe(0);
  });

  it('does not let a site without the floor be heard by unmuting itself', async () => {
    rogue.setMicMuted(false);
    const [chairHeard, listenerHeard] = await Promise.all([
      chair.toneMsFrom(rogue.identity, ROGUE_HZ, 2500),
      listener.toneMsFrom(rogue.identity, ROGUE_HZ, 2500),
    ]);
    await waitFor(
      async () => (await micOf(media, meetingId, rogue.identity))?.muted === true,
      'the rogue microphone muted again by the server',
    );
    expect(enforced.some((e) => e.identity === rogue.identity && Array.isArray(e.result))).toBe(
      true,
    );
    console.info(`self-unmute heard for ${chairHeard} ms (chair), ${listenerHeard} ms (site)`);
    expect(chairHeard).toBeLessThanOrEqual(ENFORCEMENT_WINDOW_MS);
    expect(listenerHeard).toBeLessThanOrEqual(ENFORCEMENT_WINDOW_MS);
    // Muted again, it stays silent.
    expect(await chair.toneMsFrom(rogue.identity, ROGUE_HZ, 1000)).toBe(0);
  });

  it('makes a grant unmute the published microphone: heard at once, no new publication', async () => {
    const before = await micOf(media, meetingId, speaker.identity);
    const hearing = chair.waitForTone(speaker.identity, SITE_HZ, 5000);
    const granted = await media.control.grantFloor(meetingId, speaker.identity);
    expect(granted.holdsFloor).toBe(true);
    await hearing;
    await listener.waitForTone(speaker.identity, SITE_HZ, 5000);
    expect((await micOf(media, meetingId, speaker.identity))?.sid).toBe(before?.sid);
    expect(enforced.filter((e) => e.identity === speaker.identity)).toEqual([]);
    await media.control.endFloor(meetingId, speaker.identity);
  });

  it('mutes the microphone again when the floor ends, and the site is no longer heard', async () => {
    await media.control.grantFloor(meetingId, speaker.identity);
    await chair.waitForTone(speaker.identity, SITE_HZ, 5000);
    const ended = await media.control.endFloor(meetingId, speaker.identity);
    expect(ended.holdsFloor).toBe(false);
    expect(await micOf(media, meetingId, speaker.identity)).toMatchObject({ muted: true });
    await waitFor(
      () =>
        [...(chair.room.remoteParticipants.get(speaker.identity)?.trackPublications.values() ?? [])]
          .filter((t) => t.source !== undefined)
          .every((t) => t.muted === true),
      'the chair sees the microphone muted',
    );
    // What was already in flight when the floor ended (jitter buffer) may still play out.
    expect(await chair.toneMsFrom(speaker.identity, SITE_HZ, 1000)).toBeLessThanOrEqual(100);
  });

  it('lets a site heard while it holds the floor, then mutes its own unmute once the floor ends', async () => {
    await media.control.grantFloor(meetingId, rogue.identity);
    rogue.setMicMuted(false);
    await chair.waitForTone(rogue.identity, ROGUE_HZ, 5000);
    await media.control.endFloor(meetingId, rogue.identity);
    rogue.setMicMuted(false);
    const heard = await chair.toneMsFrom(rogue.identity, ROGUE_HZ, 2000);
    expect(heard).toBeLessThanOrEqual(ENFORCEMENT_WINDOW_MS);
    await waitFor(
      async () => (await micOf(media, meetingId, rogue.identity))?.muted === true,
      'muted again after the floor ended',
    );
  });
});
