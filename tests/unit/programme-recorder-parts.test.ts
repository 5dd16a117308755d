import { describe, expect, it } from 'vitest';
import { blackI420, fitI420, fitPlacement, i420Size } from '../../media/recorder/programme-frame';
import { chooseProgramme } from '../../media/recorder/programme-selector';
import type { ProgrammeCandidate } from '../../media/recorder/programme-selector';

const who = (
  identity: string,
  role: ProgrammeCandidate['role'],
  hasVideo = true,
  hasAudio = true,
): ProgrammeCandidate => ({ identity, role, hasVideo, hasAudio });

describe('chooseProgramme', () => {
  const hub = who('site:243', 'hub');
  const chair = who('user:c', 'chair');
  const site = who('site:VP-249-11', 'site');
  const quiet = who('site:VP-249-12', 'site', false, false);

  it('shows the spotlight first', () => {
    expect(chooseProgramme([hub, chair, site], 'user:c')).toBe('user:c');
  });

  it('shows the floor holder when nobody is spotlighted', () => {
    expect(chooseProgramme([hub, quiet, site], null)).toBe('site:VP-249-11');
  });

  it('falls back to the hub, then the chair, never a hidden helper', () => {
    expect(chooseProgramme([chair, hub, quiet], null)).toBe('site:243');
    expect(chooseProgramme([who('recorder:x', 'recorder'), chair], null)).toBe('user:c');
    expect(chooseProgramme([quiet], null)).toBeNull();
  });
});

describe('fitI420', () => {
  it('letterboxes a 4:3 picture into 16:9, centred on black', () => {
    expect(fitPlacement(640, 480, 1280, 720)).toEqual({ x: 160, y: 0, width: 960, height: 720 });
    const src = { data: new Uint8Array(i420Size(640, 480)).fill(200), width: 640, height: 480 };
    const dst = blackI420(1280, 720);
    fitI420(src, dst, 1280, 720);
    expect(dst[360 * 1280 + 640]).toBe(200);
    expect(dst[360 * 1280 + 10]).toBe(16);
    expect(dst[1280 * 720 + 180 * 640 + 5]).toBe(128);
  });

  it('refuses a picture shorter than its size', () => {
    const dst = blackI420(1280, 720);
    expect(() =>
      fitI420({ data: new Uint8Array(10), width: 640, height: 480 }, dst, 1280, 720),
    ).toThrow();
  });
});
