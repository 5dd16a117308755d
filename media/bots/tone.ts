/**
 * Test tones: a sine generator for bots that "speak", and a Goertzel detector for bots (and the
 * recorder test) that check what they hear. Not used on production paths.
 */

/** Generates a continuous sine wave in 16-bit frames (phase carries over between frames). */
export class SineGenerator {
  private phase = 0;
  private readonly step: number;

  constructor(
    readonly frequencyHz: number,
    readonly sampleRate: number,
    /** Peak amplitude as a fraction of full scale (0..1). */
    readonly amplitude = 0.3,
  ) {
    if (!(frequencyHz > 0 && frequencyHz < sampleRate / 2)) {
      throw new RangeError(`tone frequency must be between 0 and ${sampleRate / 2} Hz`);
    }
    this.step = (2 * Math.PI * frequencyHz) / sampleRate;
  }

  /** The next `samples` samples. */
  next(samples: number): Int16Array {
    const out = new Int16Array(samples);
    const peak = Math.round(this.amplitude * 32767);
    for (let i = 0; i < samples; i++) {
      out[i] = Math.round(peak * Math.sin(this.phase));
      this.phase += this.step;
    }
    this.phase %= 2 * Math.PI;
    return out;
  }
}

/**
 * Share of a block's energy at `frequencyHz` (Goertzel filter at the exact frequency), from 0
 * (none) to about 1 (a pure tone at that frequency). 0 for silence.
 */
export function toneEnergyRatio(
  samples: ArrayLike<number>,
  sampleRate: number,
  frequencyHz: number,
): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i] as number;
    energy += x * x;
    const s = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * power) / (n * energy);
}

/** Root mean square of 16-bit samples, as a fraction of full scale. */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = (samples[i] as number) / 32768;
    sum += x * x;
  }
  return Math.sqrt(sum / samples.length);
}

/** Options of {@link ToneDetector}. */
export interface ToneDetectorOptions {
  /** Block length analysed at once (default 20 ms). */
  blockMs?: number;
  /** Smallest share of the block's energy at the frequency (default 0.4). */
  minRatio?: number;
  /** Smallest RMS level, fraction of full scale (default 0.01, about -40 dBFS). */
  minRms?: number;
  /** Consecutive blocks that must hold the tone (default 2). */
  minBlocks?: number;
}

/** Finds a tone in a stream of 16-bit mono frames. */
export class ToneDetector {
  private readonly block: Int16Array;
  private filled = 0;
  private run = 0;
  private readonly minRatio: number;
  private readonly minRms: number;
  private readonly minBlocks: number;
  /** Samples consumed so far. */
  samplesSeen = 0;
  /** Sample index at which the tone was first confirmed, or null. */
  detectedAtSample: number | null = null;

  constructor(
    readonly frequencyHz: number,
    readonly sampleRate: number,
    options: ToneDetectorOptions = {},
  ) {
    this.block = new Int16Array(Math.round((sampleRate * (options.blockMs ?? 20)) / 1000));
    this.minRatio = options.minRatio ?? 0.4;
    this.minRms = options.minRms ?? 0.01;
    this.minBlocks = options.minBlocks ?? 2;
  }

  /** Feeds samples; returns true once the tone has been found (and stays true). */
  push(samples: Int16Array): boolean {
    let offset = 0;
    while (offset < samples.length && this.detectedAtSample === null) {
      const take = Math.min(this.block.length - this.filled, samples.length - offset);
      this.block.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      this.samplesSeen += take;
      if (this.filled === this.block.length) {
        this.filled = 0;
        const hit =
          rms(this.block) >= this.minRms &&
          toneEnergyRatio(this.block, this.sampleRate, this.frequencyHz) >= this.minRatio;
        this.run = hit ? this.run + 1 : 0;
        if (this.run >= this.minBlocks) this.detectedAtSample = this.samplesSeen;
      }
    }
    return this.detectedAtSample !== null;
  }
}

/** Share of fixed-length blocks of `samples` that carry the tone (for checking recordings). */
export function toneCoverage(
  samples: Int16Array,
  sampleRate: number,
  frequencyHz: number,
  blockMs = 100,
  minRatio = 0.4,
): number {
  const size = Math.round((sampleRate * blockMs) / 1000);
  const blocks = Math.floor(samples.length / size);
  if (blocks === 0) return 0;
  let hits = 0;
  for (let b = 0; b < blocks; b++) {
    const block = samples.subarray(b * size, (b + 1) * size);
    if (rms(block) >= 0.01 && toneEnergyRatio(block, sampleRate, frequencyHz) >= minRatio) hits++;
  }
  return hits / blocks;
}
