import { execFileSync } from 'node:child_process';

/** What ffprobe says of a media file. */
export interface ProbedMedia {
  durationSec: number;
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
}

/** Runs Debian's ffprobe on a file. @throws Error when ffprobe cannot read it. */
export function ffprobe(path: string): ProbedMedia {
  const out = execFileSync(
    '/usr/bin/ffprobe',
    [
      '-v',
      'error',
      '-show_entries',
      'format=duration:stream=codec_type,codec_name,width,height',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8' },
  );
  const parsed = JSON.parse(out) as {
    format: { duration: string };
    streams: ProbedMedia['streams'];
  };
  return { durationSec: Number(parsed.format.duration), streams: parsed.streams };
}

/**
 * The mean RGB colour of a 32×32 square at the centre of the picture shown at `atSec`
 * (decoded by ffmpeg).
 * @throws Error when ffmpeg cannot decode a frame there.
 */
export function colourAt(path: string, atSec: number): [number, number, number] {
  const raw = execFileSync(
    '/usr/bin/ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      atSec.toFixed(3),
      '-i',
      path,
      '-frames:v',
      '1',
      '-vf',
      'crop=32:32:(iw-32)/2:(ih-32)/2',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { maxBuffer: 1 << 20 },
  );
  if (raw.length < 32 * 32 * 3) throw new Error(`no frame at ${atSec} s in ${path}`);
  const sum = [0, 0, 0];
  for (let i = 0; i < 32 * 32 * 3; i++) sum[i % 3] = (sum[i % 3] as number) + (raw[i] as number);
  return sum.map((s) => Math.round(s / (32 * 32))) as [number, number, number];
}

/** Whether two colours are within `tolerance` on each channel. */
export function near(a: readonly number[], b: readonly number[], tolerance = 40): boolean {
  return a.every((x, i) => Math.abs(x - (b[i] as number)) <= tolerance);
}
