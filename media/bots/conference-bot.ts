import {
  AudioFrame,
  AudioSource,
  AudioStream,
  ConnectionQuality,
  LocalAudioTrack,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import type { Participant, RemoteTrack, Room } from '@livekit/rtc-node';
import { floorGrantedIn } from '../contracts/grant-profiles';
import {
  encodeQualityReport,
  QUALITY_REPORT_INTERVAL_MS,
  QUALITY_REPORT_TOPIC,
} from '../contracts/connection-quality';
import type { QualityReport } from '../contracts/connection-quality';
import { connectRtcRoom } from '../rtc-connect';
import type { RtcNetworkOptions } from '../rtc-connect';
import { SineGenerator, ToneDetector, toneCoverage } from './tone';

/** Options of {@link ConferenceBot.join}. */
export interface ConferenceBotOptions extends RtcNetworkOptions {
  url: string;
  token: string;
  /** Subscribe to every track as it is published (default true, like a browser). */
  autoSubscribe?: boolean;
  /**
   * Subscribe only to the tracks of this identity (e.g. the hub), instead of every track:
   * load generators that stand for sites on their own devices, whose subscriptions would
   * otherwise all be paid by one machine.
   */
  listenOnlyTo?: string;
  /** Send connection-quality reports to this identity (the meeting's monitor), as clients do. */
  reportQualityTo?: string;
  /**
   * Unmute the tone when the server grants the floor (attribute), as the browser client does
   * (default true). A bot that never follows plays a client that ignores the floor.
   */
  followFloor?: boolean;
}

/** The part of rtc-node's FFI client a local mute needs (rtc-node 1.1 has no mute method). */
interface FfiMuteClient {
  request(req: {
    message: { case: 'localTrackMute'; value: { trackHandle: bigint; mute: boolean } };
  }): unknown;
}

/**
 * Mutes or unmutes a local track through rtc-node's FFI (the Rust SDK sends the mute to the
 * server). rtc-node keeps its one FFI client in `globalThis._ffiClientInstance`.
 */
function setLocalTrackMuted(track: LocalAudioTrack, mute: boolean): void {
  const ffi = (globalThis as { _ffiClientInstance?: FfiMuteClient })._ffiClientInstance;
  if (!ffi) throw new Error('rtc-node is not initialized');
  ffi.request({
    message: { case: 'localTrackMute', value: { trackHandle: track.ffi_handle.handle, mute } },
  });
}

const QUALITY_NAME: Record<ConnectionQuality, QualityReport['quality']> = {
  [ConnectionQuality.QUALITY_EXCELLENT]: 'excellent',
  [ConnectionQuality.QUALITY_GOOD]: 'good',
  [ConnectionQuality.QUALITY_POOR]: 'poor',
  [ConnectionQuality.QUALITY_LOST]: 'lost',
};

/**
 * A scripted conference participant on @livekit/rtc-node for tests and benchmarks (not for
 * production paths): it joins with a token, publishes a generated tone as its microphone, and
 * detects a tone in what another participant publishes.
 */
export class ConferenceBot {
  private toneTask: Promise<void> | null = null;
  private toneRunning = false;
  private toneTrackSid: string | null = null;
  private toneSource: AudioSource | null = null;
  private toneTrack: LocalAudioTrack | null = null;
  private qualityTimer: NodeJS.Timeout | null = null;
  private lastQuality: QualityReport['quality'] | null = null;
  /** The local connection quality as LiveKit last rated it. */
  quality: QualityReport['quality'] | null = null;

  private constructor(
    readonly room: Room,
    /** Time connect() took, in ms. */
    readonly joinMs: number,
    reportTo: string | undefined,
    followFloor: boolean,
  ) {
    if (followFloor) {
      room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
        if (participant.identity !== this.identity) return;
        if (floorGrantedIn(participant.attributes)) this.setMicMuted(false);
      });
    }
    room.on(RoomEvent.LocalTrackUnpublished, (published) => {
      // The server took the track away (the floor ended): stop feeding it. rtc-node sometimes
      // emits this event without the publication, so look the track up when it is missing.
      const sid = this.toneTrackSid;
      if (!sid) return;
      const publication = published as typeof published | undefined;
      const gone = publication
        ? publication.sid === sid
        : !room.localParticipant?.trackPublications.has(sid);
      if (gone) {
        this.toneTrackSid = null;
        this.haltTone();
      }
    });
    room.on(RoomEvent.ConnectionQualityChanged, (q, p) => {
      if (p.identity !== this.identity) return;
      this.quality = QUALITY_NAME[q];
      if (reportTo) this.report(reportTo, this.quality);
    });
    if (reportTo) {
      this.qualityTimer = setInterval(() => {
        if (this.lastQuality) this.report(reportTo, this.lastQuality);
      }, QUALITY_REPORT_INTERVAL_MS);
      this.qualityTimer.unref();
    }
  }

  /** Connects a bot. @throws ConnectError from rtc-node when LiveKit refuses it. */
  static async join(options: ConferenceBotOptions): Promise<ConferenceBot> {
    const started = performance.now();
    const only = options.listenOnlyTo;
    const room = await connectRtcRoom(options.url, options.token, {
      autoSubscribe: only === undefined ? (options.autoSubscribe ?? true) : false,
      ...(options.closedNetwork === undefined ? {} : { closedNetwork: options.closedNetwork }),
    });
    if (only !== undefined) {
      room.on(RoomEvent.TrackPublished, (publication, participant) => {
        if (participant.identity === only) publication.setSubscribed(true);
      });
      for (const publication of room.remoteParticipants.get(only)?.trackPublications.values() ??
        []) {
        publication.setSubscribed(true);
      }
    }
    return new ConferenceBot(
      room,
      performance.now() - started,
      options.reportQualityTo,
      options.followFloor ?? true,
    );
  }

  /** The bot's identity. */
  get identity(): string {
    return this.room.localParticipant?.identity ?? '';
  }

  /**
   * Publishes a continuous sine tone as the microphone; `muted`: published muted, as a site does
   * on joining (the floor unmutes it); `dtx`: discontinuous transmission, as browsers publish.
   * @throws Error when LiveKit refuses the publication (no publish permission: rtc-node reports
   *   a timeout because the server answers the request with "not allowed").
   */
  async publishTone(
    frequencyHz: number,
    options: { amplitude?: number; muted?: boolean; dtx?: boolean } = {},
  ): Promise<string> {
    if (this.toneTrackSid) throw new Error('the bot already publishes a tone');
    const sampleRate = 48_000;
    const source = new AudioSource(sampleRate, 1, 60);
    const track = LocalAudioTrack.createAudioTrack('tone', source);
    const publishOptions = new TrackPublishOptions({
      source: TrackSource.SOURCE_MICROPHONE,
      // Off by default: tests measure how much of a tone got through. Browsers publish with
      // DTX (livekit-client's default), so a muted microphone sends almost nothing.
      dtx: options.dtx ?? false,
      red: false,
    });
    const local = this.room.localParticipant;
    if (!local) throw new Error('the bot is not connected');
    if (options.muted === true) setLocalTrackMuted(track, true);
    let sid: string;
    try {
      const publication = await local.publishTrack(track, publishOptions);
      sid = publication.sid ?? '';
    } catch (err) {
      await track.close();
      throw err;
    }
    this.toneTrackSid = sid;
    this.toneTrack = track;
    this.toneSource = source;
    // The floor may have been granted while publishing: follow it now.
    if (options.muted === true && floorGrantedIn(local.attributes)) this.setMicMuted(false);
    this.toneRunning = true;
    const generator = new SineGenerator(frequencyHz, sampleRate, options.amplitude ?? 0.3);
    const frameSamples = sampleRate / 100;
    this.toneTask = (async () => {
      try {
        while (this.toneRunning) {
          await source.captureFrame(
            new AudioFrame(generator.next(frameSamples), sampleRate, 1, frameSamples),
          );
        }
      } catch {
        // The source closes when the track is unpublished by the server (floor ended).
      } finally {
        await track.close().catch(() => undefined);
      }
    })();
    return sid;
  }

  /**
   * Mutes or unmutes the tone track itself, as a client's microphone button does (a no-op
   * without a tone). Without the floor the server mutes it again: this is how tests play a
   * modified client.
   */
  setMicMuted(muted: boolean): void {
    if (this.toneTrack && this.toneTrackSid) setLocalTrackMuted(this.toneTrack, muted);
  }

  /** Whether the tone track is muted as the local SDK sees it (null without a tone). */
  get micMuted(): boolean | null {
    const sid = this.toneTrackSid;
    if (!sid) return null;
    return this.room.localParticipant?.trackPublications.get(sid)?.muted ?? null;
  }

  /** Stops the tone and unpublishes it (a no-op when none runs or the server removed it). */
  async stopTone(): Promise<void> {
    const sid = this.toneTrackSid;
    this.toneTrackSid = null;
    this.haltTone();
    const local = this.room.localParticipant;
    if (sid && local?.trackPublications.has(sid)) {
      // If the server already removed it, rtc-node may never answer: do not wait forever.
      await Promise.race([
        local.unpublishTrack(sid).catch(() => undefined),
        new Promise((r) => setTimeout(r, 3000)),
      ]);
    }
    await this.toneTask;
    this.toneTask = null;
  }

  /**
   * Stops the tone loop. Once the track is unpublished nothing drains the source, so a pending
   * captureFrame would wait forever: clear its queue to release it.
   */
  private haltTone(): void {
    this.toneRunning = false;
    this.toneSource?.clearQueue();
    this.toneSource = null;
    this.toneTrack = null;
  }

  /** Identities of remote participants that publish a track of `kind` now. */
  publishersOf(kind: 'audio' | 'video'): string[] {
    const wanted = kind === 'audio' ? TrackKind.KIND_AUDIO : TrackKind.KIND_VIDEO;
    return [...this.room.remoteParticipants.values()]
      .filter((p) => [...p.trackPublications.values()].some((t) => t.kind === wanted))
      .map((p) => p.identity);
  }

  /** The subscribed remote track of `kind` from `identity`, if any. */
  remoteTrack(identity: string, kind: 'audio' | 'video'): RemoteTrack | undefined {
    const wanted = kind === 'audio' ? TrackKind.KIND_AUDIO : TrackKind.KIND_VIDEO;
    const p = this.room.remoteParticipants.get(identity);
    for (const pub of p?.trackPublications.values() ?? []) {
      if (pub.kind === wanted && pub.track) return pub.track;
    }
    return undefined;
  }

  /**
   * Waits until a subscribed track of `kind` from `identity` exists.
   * @throws Error after `timeoutMs`.
   */
  async waitForTrack(
    identity: string,
    kind: 'audio' | 'video',
    timeoutMs = 10_000,
  ): Promise<RemoteTrack> {
    const existing = this.remoteTrack(identity, kind);
    if (existing) return existing;
    return new Promise<RemoteTrack>((resolve, reject) => {
      const onTrack = (track: RemoteTrack, _pub: unknown, participant: Participant): void => {
        const wanted = kind === 'audio' ? TrackKind.KIND_AUDIO : TrackKind.KIND_VIDEO;
        if (participant.identity === identity && track.kind === wanted) {
          cleanup();
          resolve(track);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`${this.identity}: no ${kind} track from ${identity} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.room.off(RoomEvent.TrackSubscribed, onTrack);
      };
      this.room.on(RoomEvent.TrackSubscribed, onTrack);
    });
  }

  /**
   * Listens to `identity`'s audio until a tone of `frequencyHz` is heard.
   * @returns the wall-clock time (Date.now()) at which the tone was confirmed.
   * @throws Error when no such tone arrives within `timeoutMs`.
   */
  async waitForTone(identity: string, frequencyHz: number, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const track = await this.waitForTrack(identity, 'audio', timeoutMs);
    const sampleRate = 16_000;
    const detector = new ToneDetector(frequencyHz, sampleRate);
    // 40 ms frames: half the events of the default, for bots that listen by the hundred.
    const stream = new AudioStream(track, { sampleRate, numChannels: 1, frameSizeMs: 40 });
    const reader = stream.getReader();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${this.identity}: no ${frequencyHz} Hz tone from ${identity} within ${timeoutMs} ms`,
            ),
          ),
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      for (;;) {
        const next = await Promise.race([reader.read(), timeout]);
        if (next.done)
          throw new Error(`${this.identity}: audio from ${identity} ended before the tone`);
        if (detector.push(next.value.data)) return Date.now();
      }
    } finally {
      clearTimeout(timer);
      await reader.cancel().catch(() => undefined);
    }
  }

  /**
   * Listens to `identity`'s audio for `ms` and says how many milliseconds of it carried a tone
   * of `frequencyHz` (20 ms blocks): 0 when nothing of it was heard. Without a subscribed audio
   * track from `identity` within the window, nothing was heard either.
   */
  async toneMsFrom(identity: string, frequencyHz: number, ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    const track = await this.waitForTrack(identity, 'audio', ms).catch(() => null);
    if (!track) return 0;
    const sampleRate = 16_000;
    const stream = new AudioStream(track, { sampleRate, numChannels: 1, frameSizeMs: 20 });
    const reader = stream.getReader();
    const chunks: Int16Array[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<null>((r) => {
      timer = setTimeout(() => r(null), Math.max(0, deadline - Date.now()));
    });
    try {
      for (;;) {
        const next = await Promise.race([reader.read(), done]);
        if (next === null || next.done) break;
        chunks.push(next.value.data);
      }
    } finally {
      clearTimeout(timer);
      await reader.cancel().catch(() => undefined);
    }
    const samples = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      samples.set(c, offset);
      offset += c.length;
    }
    const blocks = Math.floor(samples.length / (sampleRate / 50));
    return Math.round(toneCoverage(samples, sampleRate, frequencyHz, 20) * blocks * 20);
  }

  /** Disconnects (stopping any tone). Idempotent. */
  async disconnect(): Promise<void> {
    if (this.qualityTimer) clearInterval(this.qualityTimer);
    this.qualityTimer = null;
    this.haltTone();
    await this.toneTask;
    await this.room.disconnect();
  }

  private report(to: string, quality: QualityReport['quality']): void {
    this.lastQuality = quality;
    const local = this.room.localParticipant;
    if (!local || !this.room.isConnected) return;
    void local
      .publishData(encodeQualityReport(quality), {
        reliable: true,
        topic: QUALITY_REPORT_TOPIC,
        destination_identities: [to],
      })
      .catch(() => undefined);
  }
}
