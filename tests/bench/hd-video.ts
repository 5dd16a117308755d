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

interface RtcStatsLike {
  stats: { case?: string; value?: unknown };
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

interface InboundRtpLike {
  inbound?: {
    framesDecoded?: number;
    frameWidth?: number;
    frameHeight?: number;
    bytesReceived?: bigint;
  };
}

/**
 * A track's WebRTC statistics: rtc-node 1.1 has the FFI request (GetStats) but no method for
 * it, so it goes through the FFI client as {@link requestLayer} does. Empty when that client is
 * not there or the answer does not come within `timeoutMs`.
 */
async function trackStats(track: Track, timeoutMs = 5000): Promise<RtcStatsLike[]> {
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
  ]).finally(() => clearTimeout(timer))) as { stats?: RtcStatsLike[] } | null;
  return callback?.stats ?? [];
}

/** The outbound layers of a published camera, from its WebRTC stats. */
export async function sentLayers(track: LocalVideoTrack): Promise<SentLayer[]> {
  return (await trackStats(track))
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

/** A subscribed video track's decoder, as its WebRTC stats count it. */
interface Decoded {
  framesDecoded: number;
  width: number;
  height: number;
  bytesReceived: number;
}

async function decoded(track: Track): Promise<Decoded | null> {
  const inbound = (await trackStats(track)).find((s) => s.stats.case === 'inboundRtp');
  if (!inbound) return null;
  const v = (inbound.stats.value as InboundRtpLike).inbound;
  return {
    framesDecoded: v?.framesDecoded ?? 0,
    width: v?.frameWidth ?? 0,
    height: v?.frameHeight ?? 0,
    bytesReceived: Number(v?.bytesReceived ?? 0n),
  };
}

/** What one subscriber decoded from one track over a window. */
export interface ReceivedVideo {
  frames: number;
  fps: number;
  /** The resolution of the last decoded frame (e.g. '1280x720'); 'none' without frames. */
  resolution: string;
  /** Its height (0 without frames). */
  height: number;
  /** What the SFU sent this subscriber for this track. */
  bitsPerSecond: number;
}

/**
 * What a subscriber's decoder made of a video track over `ms`: frames decoded, their rate and
 * resolution, and the bitrate received, from the WebRTC inbound-rtp statistics (no frame is
 * copied out of the decoder, so measuring does not load the machine). A layer the SFU switched
 * down or a sender that lowered its resolution under load shows here as a screen would show it.
 */
export async function receiveVideo(track: Track, ms: number): Promise<ReceivedVideo> {
  const before = await decoded(track);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const after = await decoded(track);
  const seconds = (performance.now() - started) / 1000;
  const frames = after && before ? after.framesDecoded - before.framesDecoded : 0;
  const bytes = after && before ? after.bytesReceived - before.bytesReceived : 0;
  return {
    frames,
    fps: frames / seconds,
    resolution: frames > 0 && after ? `${after.width}x${after.height}` : 'none',
    height: frames > 0 && after ? after.height : 0,
    bitsPerSecond: (bytes * 8) / seconds,
  };
}
