// 720p camera video for the HD benchmark's bots on @livekit/rtc-node: a moving test pattern
// published as a simulcast camera track, and what a subscriber actually receives (resolution
// and frame rate counted from the decoded frames).
import {
  LocalVideoTrack,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoCodec,
  VideoFrame,
  VideoSource,
  VideoStream,
} from '@livekit/rtc-node';
import type { RemoteTrackPublication, Room, Track } from '@livekit/rtc-node';

export const HD_WIDTH = 1280;
export const HD_HEIGHT = 720;

/**
 * A cycle of I420 frames: a gradient with a bright bar sweeping across and a block of noise
 * that changes every frame, so the encoder has motion to code as a talking head gives it (a
 * still image would cost the encoder almost nothing). Built once per process, shared by its
 * bots (each starts at its own offset).
 */
export function testPattern(frames: number, width = HD_WIDTH, height = HD_HEIGHT): VideoFrame[] {
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  const out: VideoFrame[] = [];
  let seed = 12345;
  for (let f = 0; f < frames; f++) {
    const data = new Uint8Array(ySize + 2 * cSize);
    const barX = Math.floor((f / frames) * width);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const inBar = x >= barX && x < barX + 48;
        data[row + x] = inBar ? 235 : 16 + ((x + y) >> 3);
      }
    }
    // A face-sized block of noise in the middle: the part a talking head keeps changing.
    for (let y = height / 3; y < (2 * height) / 3; y++) {
      for (let x = (2 * width) / 5; x < (3 * width) / 5; x++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        data[y * width + x] = 60 + (seed >> 24);
      }
    }
    data.fill(128, ySize, ySize + cSize);
    data.fill(110 + ((f * 4) % 40), ySize + cSize);
    out.push(new VideoFrame(data, width, height, VideoBufferType.I420));
  }
  return out;
}

/** Encoding of a published camera: the top layer's bitrate ceiling and frame rate. */
export interface CameraEncoding {
  fps: number;
  /** Bits per second of the 720p layer (LiveKit's h720 preset: 1.7 Mbit/s at 30 fps). */
  maxBitrate: number;
}

/** A camera track being fed; stop() unpublishes it. */
export interface PublishedCamera {
  sid: string;
  track: LocalVideoTrack;
  stop(): Promise<void>;
}

/**
 * Publishes `frames` as a 720p VP8 camera with simulcast (LiveKit adds the 360p and 180p
 * layers), as conferenceRoomOptions makes browsers do, fed at `encoding.fps`.
 * @throws what rtc-node throws when the publication is refused (no permission).
 */
export async function publishCamera(
  room: Room,
  frames: readonly VideoFrame[],
  encoding: CameraEncoding,
  offset = 0,
): Promise<PublishedCamera> {
  const local = room.localParticipant;
  if (!local) throw new Error('not connected');
  const source = new VideoSource(HD_WIDTH, HD_HEIGHT);
  const track = LocalVideoTrack.createVideoTrack('camera', source);
  const options = new TrackPublishOptions({
    source: TrackSource.SOURCE_CAMERA,
    simulcast: true,
    videoCodec: VideoCodec.VP8,
    videoEncoding: { maxBitrate: BigInt(encoding.maxBitrate), maxFramerate: encoding.fps },
  });
  const publication = await local.publishTrack(track, options).catch(async (err: unknown) => {
    await track.close();
    throw err;
  });
  let n = offset;
  const started = performance.now();
  const timer = setInterval(() => {
    const frame = frames[n++ % frames.length];
    if (!frame || source.closed) return;
    const timestampUs = BigInt(Math.round((performance.now() - started) * 1000));
    source.captureFrame(frame, timestampUs);
  }, 1000 / encoding.fps);
  const sid = publication.sid ?? '';
  return {
    sid,
    track,
    async stop() {
      clearInterval(timer);
      if (local.trackPublications.has(sid)) await local.unpublishTrack(sid).catch(() => undefined);
      await track.close().catch(() => undefined);
    },
  };
}

/** What one subscriber decoded from one track over a window. */
export interface ReceivedVideo {
  frames: number;
  fps: number;
  /** The resolution most frames had (e.g. '1280x720'); 'none' without frames. */
  resolution: string;
  /** Height of that resolution (0 without frames). */
  height: number;
}

/**
 * Counts the decoded frames of a subscribed video track for `ms` and reports their rate and
 * resolution. The decoded frames are what a screen would show: a layer the SFU switched down or
 * an encoder that dropped resolution under load shows here.
 */
export async function receiveVideo(track: Track, ms: number): Promise<ReceivedVideo> {
  const reader = new VideoStream(track).getReader();
  const sizes = new Map<string, number>();
  let frames = 0;
  const started = performance.now();
  const stopAt = started + ms;
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<'time'>((r) => {
    timer = setTimeout(() => r('time'), ms);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timeUp]);
      if (next === 'time' || next.done) break;
      const key = `${next.value.frame.width}x${next.value.frame.height}`;
      sizes.set(key, (sizes.get(key) ?? 0) + 1);
      frames++;
      if (performance.now() >= stopAt) break;
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  const seconds = (performance.now() - started) / 1000;
  const [resolution] = [...sizes].sort((a, b) => b[1] - a[1])[0] ?? ['none'];
  return {
    frames,
    fps: frames / seconds,
    resolution,
    height: resolution === 'none' ? 0 : Number(resolution.split('x')[1]),
  };
}

/** LiveKit's simulcast layers as rtc-node's FFI numbers them (livekit.proto.VideoQuality). */
export const VIDEO_QUALITY = { low: 0, medium: 1, high: 2 } as const;

interface FfiClientLike {
  request(req: unknown): unknown;
  waitFor(predicate: (ev: FfiEventLike) => boolean): Promise<unknown>;
}

interface FfiEventLike {
  message: { case?: string; value?: unknown };
}

function ffiClient(): FfiClientLike | undefined {
  return (globalThis as { _ffiClientInstance?: FfiClientLike })._ffiClientInstance;
}

/**
 * Asks the SFU for one simulcast layer of a subscribed track, as livekit-client's adaptive
 * stream does for a small tile. rtc-node 1.1 has the FFI request but no method for it: the
 * request goes through its FFI client (a process-wide singleton it keeps on globalThis).
 * @returns false when that client is not there (another rtc-node version): the SFU then keeps
 *   sending its default (the top layer), which the received resolution shows.
 */
export function requestLayer(
  publication: RemoteTrackPublication,
  quality: (typeof VIDEO_QUALITY)[keyof typeof VIDEO_QUALITY],
): boolean {
  const ffi = ffiClient();
  if (!ffi) return false;
  ffi.request({
    message: {
      case: 'setRemoteTrackPublicationQuality',
      value: { trackPublicationHandle: publication.ffiHandle.handle, quality },
    },
  });
  return true;
}

/** Why libwebrtc's encoder sends less than asked (RTCOutboundRtpStreamStats). */
export const LIMITATION = ['none', 'cpu', 'bandwidth', 'other'] as const;

/** One simulcast layer as its sender's WebRTC stack reports it. */
export interface SentLayer {
  /** LiveKit's layer name: q (quarter), h (half), f (full). */
  rid: string;
  frameHeight: number;
  framesPerSecond: number;
  bytesSent: number;
  /** What limits the encoder now. */
  limitation: (typeof LIMITATION)[number];
  /** Seconds spent limited by CPU since the track started. */
  cpuLimitedS: number;
}

interface OutboundRtpLike {
  sent?: { bytesSent?: bigint };
  outbound?: {
    rid?: string;
    frameHeight?: number;
    framesPerSecond?: number;
    qualityLimitationReason?: number;
    qualityLimitationDurations?: Record<string, number>;
  };
}

/**
 * The outbound layers of a published camera from its WebRTC stats: rtc-node 1.1 has the FFI
 * request (GetStats) but no method for it, so it goes through the FFI client as
 * {@link requestLayer} does. Empty when that client is not there or the stats do not come.
 */
export async function sentLayers(track: LocalVideoTrack, timeoutMs = 5000): Promise<SentLayer[]> {
  const ffi = ffiClient();
  if (!ffi) return [];
  const res = ffi.request({
    message: { case: 'getStats', value: { trackHandle: track.ffi_handle.handle } },
  }) as { asyncId?: bigint };
  let timer: NodeJS.Timeout | undefined;
  const callback = (await Promise.race([
    ffi.waitFor(
      (ev) =>
        ev.message.case === 'getStats' &&
        (ev.message.value as { asyncId?: bigint }).asyncId === res.asyncId,
    ),
    new Promise((r) => {
      timer = setTimeout(() => r(null), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer))) as {
    error?: string;
    stats?: { stats: { case?: string; value?: unknown } }[];
  } | null;
  if (!callback?.stats) return [];
  return callback.stats
    .filter((s) => s.stats.case === 'outboundRtp')
    .map((s) => {
      const v = s.stats.value as OutboundRtpLike;
      return {
        rid: v.outbound?.rid ?? '',
        frameHeight: v.outbound?.frameHeight ?? 0,
        framesPerSecond: v.outbound?.framesPerSecond ?? 0,
        bytesSent: Number(v.sent?.bytesSent ?? 0n),
        limitation: LIMITATION[v.outbound?.qualityLimitationReason ?? 0] ?? 'other',
        cpuLimitedS: v.outbound?.qualityLimitationDurations?.cpu ?? 0,
      };
    });
}
