import { describe, expect, it } from 'vitest';
import {
  rms,
  SineGenerator,
  toneCoverage,
  ToneDetector,
  toneEnergyRatio,
} from '../../../media/bots/tone';
import { WallClockMixer } from '../../../media/recorder/wall-clock-mixer';
import { readWav, wavHeader } from '../../../media/recorder/wav';

describe('tones', () => {
  const rate = 16_000;

  it('measures a pure tone near 1 at its frequency and near 0 elsewhere', () => {
    const block = new SineGenerator(440, rate, 0.5).next(rate / 50);
    expect(toneEnergyRatio(block, rate, 440)).toBeGreaterThan(0.9);
    expect(toneEnergyRatio(block, rate, 1250)).toBeLessThan(0.05);
    expect(rms(block)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(toneEnergyRatio(new Int16Array(320), rate, 440)).toBe(0);
  });

  it('keeps the phase continuous across frames', () => {
    const g = new SineGenerator(1000, rate, 0.5);
    const joined = new Int16Array(640);
    joined.set(g.next(160));
    joined.set(g.next(480), 160);
    expect(toneEnergyRatio(joined, rate, 1000)).toBeGreaterThan(0.95);
  });

  it('detects a tone after silence, at the right sample', () => {
    const d = new ToneDetector(440, rate);
    expect(d.push(new Int16Array(rate / 2))).toBe(false);
    const tone = new SineGenerator(440, rate, 0.2);
    let found = false;
    for (let i = 0; i < 10 && !found; i++) found = d.push(tone.next(160));
    expect(found).toBe(true);
    // Two 20 ms blocks of tone after 500 ms of silence.
    expect(d.detectedAtSample).toBe(rate / 2 + (2 * rate) / 50);
  });

  it('ignores noise and another tone', () => {
    const d = new ToneDetector(440, rate);
    const noise = Int16Array.from(
      { length: rate },
      (_, i) => Math.round(Math.sin(i * 12.9898) * 43758.5453) % 8000,
    );
    expect(d.push(noise)).toBe(false);
    expect(d.push(new SineGenerator(1900, rate, 0.3).next(rate))).toBe(false);
  });

  it('measures coverage of a recording', () => {
    const samples = new Int16Array(rate * 2);
    samples.set(new SineGenerator(440, rate).next(rate), rate);
    expect(toneCoverage(samples, rate, 440)).toBeCloseTo(0.5, 1);
  });
});

describe('WAV', () => {
  it('writes a header a reader understands', () => {
    const pcm = new SineGenerator(440, 8000).next(8000);
    const file = Buffer.concat([wavHeader(pcm.byteLength, 8000), Buffer.from(pcm.buffer)]);
    const wav = readWav(file);
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 1, durationMs: 1000 });
    expect(wav.samples).toEqual(pcm);
  });

  it('refuses sizes a WAV cannot hold', () => {
    expect(() => wavHeader(3, 8000)).toThrow(RangeError);
    expect(() => wavHeader(2 ** 32, 8000)).toThrow(RangeError);
    expect(() => readWav(Buffer.from('not a wav file at all, clearly'))).toThrow();
  });
});

describe('wall-clock mixer', () => {
  it('sums sources, clips, and fills gaps with silence', () => {
    const m = new WallClockMixer(1000);
    m.addSource('a');
    m.addSource('b');
    m.push('a', Int16Array.from([100, 200, 30000]));
    m.push('b', Int16Array.from([1, 2, 30000, 5]));
    expect([...m.pull(5)]).toEqual([101, 202, 32767, 5, 0]);
    expect([...m.pull(2)]).toEqual([0, 0]);
  });

  it('drops the oldest samples of a source that runs ahead', () => {
    const m = new WallClockMixer(1000, 10);
    m.addSource('a');
    m.push(
      'a',
      Int16Array.from({ length: 8 }, (_, i) => i),
    );
    m.push(
      'a',
      Int16Array.from({ length: 8 }, (_, i) => 100 + i),
    );
    expect([...m.pull(10)]).toEqual([6, 7, 100, 101, 102, 103, 104, 105, 106, 107]);
    m.removeSource('a');
    m.push('a', Int16Array.from([1]));
    expect([...m.pull(1)]).toEqual([0]);
  });
});
