import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { ConferenceControl } from '../../media/conference-control';
import { siteIdentity, userIdentity } from '../../media/contracts/participant-identity';
import { ProgrammeRecorder } from '../../media/recorder/programme-recorder';
import { publishColour } from '../support/colour-video';
import type { ColourCamera } from '../support/colour-video';
import { colourAt, ffprobe, near } from '../support/ffprobe';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';
import { stack, waitFor } from '../support/stack';

const BLUE: [number, number, number] = [30, 60, 200];
const RED: [number, number, number] = [210, 40, 40];

describe('programme video recorder', () => {
  const endpoint = stack().livekit;
  const control = new ConferenceControl({ endpoint });
  const meetingId = randomObjectId();
  const chairId = randomObjectId();
  const site = unit('VP-249-11', 'commune');
  const dir = mkdtempSync(join(stack().tmpDir, 'programme-'));
  const cameras: ColourCamera[] = [];
  let chair: ConferenceBot;
  let commune: ConferenceBot;
  let recorder: ProgrammeRecorder | undefined;

  beforeAll(async () => {
    await control.openRoom({ meetingId, title: 'Kỳ họp thứ 12' });
    chair = await joinBot(endpoint, meetingId, { userId: chairId, role: 'chair' });
    commune = await joinBot(endpoint, meetingId, { site });
    cameras.push(await publishColour(chair.room, BLUE));
    await chair.publishTone(440);
  });

  afterAll(async () => {
    await recorder?.abort();
    await Promise.all(cameras.map((c) => c.stop()));
    await disconnectAll([chair, commune]);
    await control.closeRoom(meetingId);
  });

  it('records an H.264 + AAC MP4 of the meeting’s length whose picture follows the floor', async () => {
    const outputPath = join(dir, 'programme.mp4');
    recorder = await ProgrammeRecorder.start({ endpoint, meetingId, outputPath });
    const t0 = performance.now();
    expect(chair.room.remoteParticipants.has(`recorder:${meetingId}`)).toBe(false);
    await waitFor(() => recorder?.programme === userIdentity(chairId), 'the chair on programme');
    await waitFor(() => recorder && recorder.durationMs >= 3000, '3 s recorded');

    await control.grantFloor(meetingId, siteIdentity(site.code));
    cameras.push(await publishColour(commune.room, RED));
    await commune.publishTone(1250, { amplitude: 0.2 });
    await waitFor(
      () => recorder?.programme === siteIdentity(site.code),
      'the floor holder on programme',
    );
    const grantedSec = (performance.now() - t0) / 1000;
    await waitFor(() => recorder && recorder.durationMs >= grantedSec * 1000 + 3000, '3 s more');

    const result = await recorder.stop();
    const wallSec = (performance.now() - t0) / 1000;
    expect(result.contentType).toBe('video/mp4');
    expect(result.shown).toEqual([userIdentity(chairId), siteIdentity(site.code)]);
    expect(result.speakers).toEqual([siteIdentity(site.code), userIdentity(chairId)].sort());
    expect(statSync(outputPath).size).toBeGreaterThan(0);

    const probe = ffprobe(outputPath);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:aac',
      'video:h264',
    ]);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({
      width: 1280,
      height: 720,
    });
    expect(
      Math.abs(probe.durationSec - wallSec),
      `${probe.durationSec} s in the file, ${wallSec} s of wall clock`,
    ).toBeLessThan(1);

    // Before the grant the chair (blue) fills the picture; a second after it, the site (red).
    expect(near(colourAt(outputPath, 2), BLUE)).toBe(true);
    expect(near(colourAt(outputPath, grantedSec + 1.5), RED)).toBe(true);
  }, 60_000);

  it('leaves a playable file when the recorder is cut off without stopping', async () => {
    const outputPath = join(dir, 'cut.mp4');
    const cut = await ProgrammeRecorder.start({ endpoint, meetingId, outputPath });
    recorder = cut;
    // Past the first two fragments (a keyframe every 2 s).
    await waitFor(() => cut.durationMs >= 5000, '5 s recorded', 15_000);
    await cut.abort();
    expect(existsSync(outputPath)).toBe(true);
    const probe = ffprobe(outputPath);
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(probe.durationSec).toBeGreaterThan(2);
  }, 30_000);
});
