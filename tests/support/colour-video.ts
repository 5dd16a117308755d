import {
  LocalVideoTrack,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
} from '@livekit/rtc-node';
import type { Room } from '@livekit/rtc-node';

/** A colour in video range, as BT.601 Y, U, V. */
export interface YuvColour {
  y: number;
  u: number;
  v: number;
}

/** BT.601 limited-range Y'CbCr of an sRGB colour (what ffmpeg decodes back to the same RGB). */
export function yuvOf(r: number, g: number, b: number): YuvColour {
  const y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
  const u = 128 + (-37.797 * r - 74.203 * g + 112 * b) / 255;
  const v = 128 + (112 * r - 93.786 * g - 18.214 * b) / 255;
  return { y: Math.round(y), u: Math.round(u), v: Math.round(v) };
}

/** A camera publishing one solid colour, for tests that read the colour back from a recording. */
export interface ColourCamera {
  sid: string;
  stop(): Promise<void>;
}

/**
 * Publishes a solid-colour camera track from an rtc-node room (a bot that holds the floor or
 * always publishes) at `fps` frames per second.
 * @throws Error when LiveKit refuses the publication (no publish permission).
 */
export async function publishColour(
  room: Room,
  rgb: [number, number, number],
  options: { width?: number; height?: number; fps?: number } = {},
): Promise<ColourCamera> {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const fps = options.fps ?? 15;
  const { y, u, v } = yuvOf(...rgb);
  const data = new Uint8Array(width * height * 1.5);
  data.fill(y, 0, width * height);
  data.fill(u, width * height, width * height * 1.25);
  data.fill(v, width * height * 1.25);
  const source = new VideoSource(width, height);
  const track = LocalVideoTrack.createVideoTrack('colour', source);
  const local = room.localParticipant;
  if (!local) throw new Error('not connected');
  const publication = await local.publishTrack(
    track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA, simulcast: false }),
  );
  const started = process.hrtime.bigint();
  const timer = setInterval(() => {
    const frame = new VideoFrame(data, width, height, VideoBufferType.I420);
    try {
      source.captureFrame(frame, (process.hrtime.bigint() - started) / 1000n);
    } catch {
      // The server took the track away (the floor ended).
    }
  }, 1000 / fps);
  const sid = publication.sid ?? '';
  return {
    sid,
    async stop() {
      clearInterval(timer);
      if (local.trackPublications.has(sid)) {
        await Promise.race([
          local.unpublishTrack(sid).catch(() => undefined),
          new Promise((r) => setTimeout(r, 3000)),
        ]);
      }
      await source.close().catch(() => undefined);
    },
  };
}

/**
 * Publishes a camera-like moving picture (a sliding gradient with a little noise, so the
 * encoder has real work as with a camera) at `fps`. For benchmarks.
 * @throws Error when LiveKit refuses the publication.
 */
export async function publishPattern(
  room: Room,
  options: { width?: number; height?: number; fps?: number } = {},
): Promise<ColourCamera> {
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const fps = options.fps ?? 15;
  const luma = width * height;
  const frames: Uint8Array[] = [];
  let seed = 7;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 16) % 12;
  };
  for (let f = 0; f < 30; f++) {
    const data = new Uint8Array(luma * 1.5);
    const shift = Math.round((f * width) / 30);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        data[y * width + x] = 16 + ((((x + shift) % width) * 200) / width + noise()) * (y / height);
      }
    }
    data.fill(110, luma, luma * 1.25);
    data.fill(150, luma * 1.25);
    frames.push(data);
  }
  const source = new VideoSource(width, height);
  const track = LocalVideoTrack.createVideoTrack('pattern', source);
  const local = room.localParticipant;
  if (!local) throw new Error('not connected');
  const publication = await local.publishTrack(
    track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA, simulcast: false }),
  );
  let n = 0;
  const timer = setInterval(() => {
    const data = frames[n++ % frames.length] as Uint8Array;
    try {
      source.captureFrame(new VideoFrame(data, width, height, VideoBufferType.I420));
    } catch {
      // unpublished by the server
    }
  }, 1000 / fps);
  const sid = publication.sid ?? '';
  return {
    sid,
    async stop() {
      clearInterval(timer);
      if (local.trackPublications.has(sid)) {
        await Promise.race([
          local.unpublishTrack(sid).catch(() => undefined),
          new Promise((r) => setTimeout(r, 3000)),
        ]);
      }
      await source.close().catch(() => undefined);
    },
  };
}
