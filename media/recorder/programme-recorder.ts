import { RoomEvent, TrackKind, TrackSource, VideoBufferType, VideoStream } from '@livekit/rtc-node';
import type {
  AudioFrame,
  RemoteParticipant,
  RemoteTrack,
  RemoteTrackPublication,
  Room,
  VideoFrame,
  VideoFrameEvent,
} from '@livekit/rtc-node';
import { createConferenceToken } from '../access-tokens';
import { parseRoomMetadata } from '../contracts/conference-room';
import { parseParticipantMetadata } from '../contracts/participant-metadata';
import type { LivekitEndpoint } from '../livekit-health';
import { MediaError } from '../media-errors';
import { connectRtcRoom } from '../rtc-connect';
import type { RtcNetworkOptions } from '../rtc-connect';
import { ProgrammeEncoder } from './programme-encoder';
import { blackI420, fitI420 } from './programme-frame';
import { chooseProgramme } from './programme-selector';
import type { ProgrammeCandidate } from './programme-selector';
import { mixTrack } from './mixed-track';
import { WallClockMixer } from './wall-clock-mixer';

/** Options of {@link ProgrammeRecorder.start}. */
export interface ProgrammeRecorderOptions extends RtcNetworkOptions {
  endpoint: LivekitEndpoint;
  meetingId: string;
  /** Where ffmpeg writes the fragmented MP4 while recording. */
  outputPath: string;
  /** Programme size (default 1280×720); every source is fitted into it. */
  width?: number;
  height?: number;
  /** Frames per second of the recording (default 15). */
  fps?: number;
  /** Audio sample rate of the mix (default 48 kHz). */
  sampleRate?: number;
  ffmpegPath?: string;
  /**
   * Called once when the recording ends without {@link ProgrammeRecorder.stop}: the room closed
   * (the meeting or the conference ended) or ffmpeg failed. The host then calls `stop()` to
   * collect what was written.
   */
  onInterrupted?: (reason: 'disconnected' | 'encoder_failed', detail: string) => void;
}

/** What a finished programme recording is. */
export interface ProgrammeRecordingResult {
  /** The MP4 file ffmpeg wrote (the host stores it and removes it). */
  path: string;
  contentType: 'video/mp4';
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  /** Identities whose audio was mixed in at some point. */
  speakers: string[];
  /** Identities the programme showed, in the order they first appeared. */
  shown: string[];
}

const TICK_MS = 20;
/** Audio and picture trail the clock by this much so late frames still land in place. */
const LATENCY_MS = 200;
/** How often the programme choice is checked besides room events. */
const RECHOOSE_MS = 1000;

const isVideoSource = (pub: RemoteTrackPublication): boolean =>
  pub.kind === TrackKind.KIND_VIDEO &&
  (pub.source === TrackSource.SOURCE_CAMERA || pub.source === TrackSource.SOURCE_SCREENSHARE);

/**
 * Records the conference programme to MP4 (H.264 + AAC): a hidden @livekit/rtc-node
 * participant (`recorder:<meetingId>`) follows what every screen shows large (spotlight, else
 * the floor holder, else the hub, see {@link chooseProgramme}), subscribes to that one picture
 * (a screen share before a camera), fits each frame into a fixed programme size, mixes the
 * audio of everyone heard against the wall clock, and pipes both to an ffmpeg child
 * ({@link ProgrammeEncoder}). Frames and samples are written at a constant rate by the clock
 * (the last picture repeats, silence fills gaps), so the file lasts as long as the meeting did
 * and picture and sound stay in step.
 */
export class ProgrammeRecorder {
  private readonly mixer: WallClockMixer;
  private readonly audioReaders = new Map<string, ReadableStreamDefaultReader<AudioFrame>>();
  private videoReader: ReadableStreamDefaultReader<VideoFrameEvent> | null = null;
  private videoSid: string | null = null;
  private programmeIdentity: string | null = null;
  private readonly speakers = new Set<string>();
  private readonly shown: string[] = [];
  private readonly picture: Buffer;
  private latest: VideoFrame | null = null;
  private readonly startedAt = new Date();
  private readonly startedMono = performance.now();
  private readonly timer: NodeJS.Timeout;
  private lastChoice = 0;
  private framesWritten = 0;
  private samplesWritten = 0;
  private state: 'recording' | 'stopping' | 'done' = 'recording';
  private interrupted = false;
  private readonly width: number;
  private readonly height: number;
  private readonly fps: number;
  private readonly sampleRate: number;

  private constructor(
    private readonly room: Room,
    private readonly encoder: ProgrammeEncoder,
    private readonly options: ProgrammeRecorderOptions,
  ) {
    this.width = options.width ?? 1280;
    this.height = options.height ?? 720;
    this.fps = options.fps ?? 15;
    this.sampleRate = options.sampleRate ?? 48_000;
    this.mixer = new WallClockMixer(this.sampleRate);
    this.picture = blackI420(this.width, this.height);
    const rechoose = (): void => this.choose();
    room.on(RoomEvent.ParticipantConnected, rechoose);
    room.on(RoomEvent.ParticipantDisconnected, rechoose);
    room.on(RoomEvent.ParticipantMetadataChanged, rechoose);
    room.on(RoomEvent.RoomMetadataChanged, rechoose);
    room.on(RoomEvent.TrackPublished, rechoose);
    room.on(RoomEvent.TrackUnpublished, (pub) => {
      this.detachAudio(pub.sid ?? '');
      this.choose();
    });
    room.on(RoomEvent.TrackSubscribed, (track, pub, participant) =>
      this.attach(track, pub, participant.identity),
    );
    room.on(RoomEvent.TrackUnsubscribed, (_track, pub) => this.detachAudio(pub.sid ?? ''));
    room.on(RoomEvent.Disconnected, () => this.interrupt('disconnected', 'the room closed'));
    this.choose();
    this.timer = setInterval(() => this.tick(false), TICK_MS);
  }

  /**
   * Joins the meeting's room as its hidden recorder and starts ffmpeg.
   * @throws MediaError `invalid_input` for a malformed meeting id; ConnectError from rtc-node
   *   when LiveKit refuses the connection.
   */
  static async start(options: ProgrammeRecorderOptions): Promise<ProgrammeRecorder> {
    const { token } = await createConferenceToken(options.endpoint, {
      meetingId: options.meetingId,
      identity: { kind: 'recorder', meetingId: options.meetingId },
      role: 'recorder',
      displayName: 'Recorder',
    });
    const room = await connectRtcRoom(options.endpoint.url, token, {
      autoSubscribe: false,
      ...(options.closedNetwork === undefined ? {} : { closedNetwork: options.closedNetwork }),
    });
    const holder: { recorder?: ProgrammeRecorder } = {};
    const encoder = new ProgrammeEncoder({
      outputPath: options.outputPath,
      width: options.width ?? 1280,
      height: options.height ?? 720,
      fps: options.fps ?? 15,
      sampleRate: options.sampleRate ?? 48_000,
      ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
      onExit: (code, signal, stderr) =>
        holder.recorder?.interrupt(
          'encoder_failed',
          `ffmpeg exited (${code ?? signal ?? 'unknown'}): ${stderr.trim()}`,
        ),
    });
    holder.recorder = new ProgrammeRecorder(room, encoder, options);
    return holder.recorder;
  }

  /** Whether it is still recording. */
  get recording(): boolean {
    return this.state === 'recording';
  }

  /** Recorded length so far, in ms. */
  get durationMs(): number {
    return (this.samplesWritten / this.sampleRate) * 1000;
  }

  /** The identity the programme shows now (null: black picture). */
  get programme(): string | null {
    return this.programmeIdentity;
  }

  /** The ffmpeg process id (for CPU accounting). */
  get encoderPid(): number | undefined {
    return this.encoder.pid;
  }

  /**
   * Stops recording, leaves the room and lets ffmpeg finish the file.
   * @throws MediaError `already_running` when a stop is under way or done; Error when ffmpeg
   *   failed (what it wrote before stays in `outputPath`, playable up to its last fragment).
   */
  async stop(): Promise<ProgrammeRecordingResult> {
    if (this.state !== 'recording') {
      throw new MediaError('already_running', 'This recording is already stopping or stopped.');
    }
    this.state = 'stopping';
    clearInterval(this.timer);
    this.tick(true);
    const endedAt = new Date();
    this.release();
    await this.room.disconnect().catch(() => undefined);
    try {
      await this.encoder.finish();
    } finally {
      this.state = 'done';
    }
    return {
      path: this.options.outputPath,
      contentType: 'video/mp4',
      startedAt: this.startedAt,
      endedAt,
      durationMs: this.durationMs,
      speakers: [...this.speakers].sort(),
      shown: [...this.shown],
    };
  }

  /** Stops at once without waiting for a clean end of the file. Idempotent. */
  async abort(): Promise<void> {
    if (this.state === 'done') return;
    this.state = 'done';
    clearInterval(this.timer);
    this.release();
    await this.room.disconnect().catch(() => undefined);
    await this.encoder.kill();
  }

  private interrupt(reason: 'disconnected' | 'encoder_failed', detail: string): void {
    if (this.state !== 'recording' || this.interrupted) return;
    this.interrupted = true;
    this.options.onInterrupted?.(reason, detail);
  }

  private release(): void {
    for (const sid of [...this.audioReaders.keys()]) this.detachAudio(sid);
    this.detachVideo();
  }

  private tick(final: boolean): void {
    const elapsedMs = performance.now() - this.startedMono - (final ? 0 : LATENCY_MS);
    const at = Math.max(0, elapsedMs);
    if (!final && performance.now() - this.lastChoice >= RECHOOSE_MS) this.choose();
    const frames = Math.floor((at * this.fps) / 1000) - this.framesWritten;
    if (frames > 0) {
      const latest = this.latest;
      this.latest = null;
      if (latest) this.draw(latest);
      for (let i = 0; i < frames; i++) this.encoder.writeFrame(this.picture);
      this.framesWritten += frames;
    }
    const samples = Math.floor((at * this.sampleRate) / 1000) - this.samplesWritten;
    if (samples > 0) {
      this.encoder.writeAudio(this.mixer.pull(samples));
      this.samplesWritten += samples;
    }
  }

  private draw(frame: VideoFrame): void {
    try {
      const i420 =
        frame.type === VideoBufferType.I420 ? frame : frame.convert(VideoBufferType.I420);
      // Each write copies the picture into the pipe, so it is safe to draw over it next tick.
      fitI420(i420, this.picture, this.width, this.height);
    } catch {
      // A frame of an unexpected format: keep the previous picture.
    }
  }

  private candidates(): ProgrammeCandidate[] {
    return [...this.room.remoteParticipants.values()].map((p: RemoteParticipant) => {
      const pubs = [...p.trackPublications.values()] as RemoteTrackPublication[];
      return {
        identity: p.identity,
        role: parseParticipantMetadata(p.metadata)?.role ?? null,
        hasVideo: pubs.some(isVideoSource),
        hasAudio: pubs.some((t) => t.kind === TrackKind.KIND_AUDIO),
      };
    });
  }

  /** Subscribes to every audio track and to the programme's one picture. */
  private choose(): void {
    if (this.state !== 'recording') return;
    this.lastChoice = performance.now();
    for (const p of this.room.remoteParticipants.values()) {
      for (const pub of p.trackPublications.values()) {
        const remote = pub;
        if (remote.kind === TrackKind.KIND_AUDIO && !remote.subscribed) remote.setSubscribed(true);
      }
    }
    const spotlight = parseRoomMetadata(this.room.metadata)?.spotlight ?? null;
    const identity = chooseProgramme(this.candidates(), spotlight);
    const participant = identity ? this.room.remoteParticipants.get(identity) : undefined;
    const pubs = participant
      ? ([...participant.trackPublications.values()] as RemoteTrackPublication[]).filter(
          isVideoSource,
        )
      : [];
    const wanted =
      pubs.find((p) => p.source === TrackSource.SOURCE_SCREENSHARE) ?? pubs[0] ?? undefined;
    if (identity !== this.programmeIdentity) {
      this.programmeIdentity = identity;
      if (identity && !this.shown.includes(identity)) this.shown.push(identity);
    }
    const wantedSid = wanted?.sid ?? null;
    if (wantedSid === this.videoSid) return;
    this.detachVideo();
    // A new source: black until its first frame, never the previous speaker's face.
    this.picture.fill(16, 0, this.width * this.height);
    this.picture.fill(128, this.width * this.height);
    this.latest = null;
    this.videoSid = wantedSid;
    if (!wanted) return;
    if (wanted.subscribed && wanted.track) this.attachVideo(wanted.track, wantedSid as string);
    else wanted.setSubscribed(true);
  }

  private attach(track: RemoteTrack, pub: RemoteTrackPublication, identity: string): void {
    const sid = pub.sid;
    if (this.state !== 'recording' || !sid) return;
    if (track.kind === TrackKind.KIND_VIDEO) {
      if (sid === this.videoSid) this.attachVideo(track, sid);
      else pub.setSubscribed(false);
      return;
    }
    if (track.kind !== TrackKind.KIND_AUDIO || this.audioReaders.has(sid)) return;
    this.audioReaders.set(sid, mixTrack(track, sid, this.mixer, this.sampleRate));
    this.speakers.add(identity);
  }

  private attachVideo(track: RemoteTrack, sid: string): void {
    if (this.videoReader) return;
    const reader = new VideoStream(track).getReader();
    this.videoReader = reader;
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || this.videoReader !== reader) break;
          if (this.videoSid === sid) this.latest = value.frame;
        }
      } catch {
        // The stream closed with the track.
      }
    })();
  }

  private detachVideo(): void {
    const reader = this.videoReader;
    this.videoReader = null;
    void reader?.cancel().catch(() => undefined);
    const sid = this.videoSid;
    this.videoSid = null;
    if (!sid) return;
    for (const p of this.room.remoteParticipants.values()) {
      const pub = p.trackPublications.get(sid);
      if (pub?.subscribed) pub.setSubscribed(false);
    }
  }

  private detachAudio(sid: string): void {
    const reader = this.audioReaders.get(sid);
    if (!reader) return;
    this.audioReaders.delete(sid);
    this.mixer.removeSource(sid);
    void reader.cancel().catch(() => undefined);
  }
}
