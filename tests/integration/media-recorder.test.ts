import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { toneCoverage } from '../../media/bots/tone';
import { ConferenceControl } from '../../media/conference-control';
import { siteIdentity, userIdentity } from '../../media/contracts/participant-identity';
import { ConferenceRecorder } from '../../media/recorder/conference-recorder';
import { readWav } from '../../media/recorder/wav';
import { isMediaError } from '../../media/media-errors';
import { stack, waitFor } from '../support/stack';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';

const CHAIR_HZ = 440;
const SITE_HZ = 1250;

describe('conference audio recorder', () => {
  const endpoint = stack().livekit;
  const control = new ConferenceControl({ endpoint });
  const meetingId = randomObjectId();
  const chairId = randomObjectId();
  const site = unit('VP-249-11', 'commune');
  const dir = mkdtempSync(join(stack().tmpDir, 'recorder-'));
  let chair: ConferenceBot;
  let commune: ConferenceBot;
  let recorder: ConferenceRecorder | undefined;

  beforeAll(async () => {
    await control.openRoom({ meetingId, title: 'Kỳ họp thứ 12' });
    chair = await joinBot(endpoint, meetingId, { userId: chairId, role: 'chair' });
    commune = await joinBot(endpoint, meetingId, { site });
    await chair.publishTone(CHAIR_HZ);
  });

  afterAll(async () => {
    await recorder?.abort();
    await disconnectAll([chair, commune]);
    await control.closeRoom(meetingId);
  });

  it('records the chair and the floor holder to a WAV file of the meeting’s length', async () => {
    const files: string[] = [];
    // The sink stands in for the host's GridFS upload stream.
    recorder = await ConferenceRecorder.start({
      endpoint,
      meetingId,
      spoolDir: dir,
      sink: (filename, contentType) => {
        expect(contentType).toBe('audio/wav');
        const path = join(dir, filename);
        files.push(path);
        return createWriteStream(path);
      },
    });
    const startedAt = performance.now();
    // Hidden: the others do not see the recorder.
    expect(chair.room.remoteParticipants.has(`recorder:${meetingId}`)).toBe(false);

    await waitFor(() => recorder && recorder.durationMs >= 2000, '2 s recorded');
    await control.grantFloor(meetingId, siteIdentity(site.code));
    await commune.publishTone(SITE_HZ, { amplitude: 0.2 });
    await chair.waitForTone(siteIdentity(site.code), SITE_HZ);
    await waitFor(() => recorder && recorder.durationMs >= 4000, '4 s recorded');
    await control.endFloor(meetingId, siteIdentity(site.code));
    await waitFor(() => recorder && recorder.durationMs >= 5000, '5 s recorded', 15_000);

    const stoppedAt = performance.now();
    const result = await recorder.stop();
    const wallMs = stoppedAt - startedAt;

    expect(files).toHaveLength(1);
    const wav = readWav(readFileSync(files[0] as string));
    expect(wav.sampleRate).toBe(16_000);
    expect(wav.channels).toBe(1);
    expect(wav.durationMs).toBeCloseTo(result.durationMs, 0);
    expect(Math.abs(wav.durationMs - wallMs)).toBeLessThan(300);
    expect(result.bytes).toBe(readFileSync(files[0] as string).length);
    expect(result.speakers).toEqual([siteIdentity(site.code), userIdentity(chairId)].sort());

    // The chair's tone runs through the whole file once the subscription is up (first 0.5 s
    // aside); the site's tone is there while it held the floor (about 2 s of 5).
    const afterSetup = wav.samples.subarray(wav.sampleRate / 2);
    expect(toneCoverage(afterSetup, wav.sampleRate, CHAIR_HZ, 100, 0.3)).toBeGreaterThan(0.8);
    const siteShare = toneCoverage(afterSetup, wav.sampleRate, SITE_HZ, 100, 0.1);
    expect(siteShare).toBeGreaterThan(0.2);
    expect(siteShare).toBeLessThan(0.8);

    await expect(recorder.stop()).rejects.toSatisfy((e) => isMediaError(e, 'already_running'));
  });
});
