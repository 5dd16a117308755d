import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { RoomEvent, TrackKind } from '@livekit/rtc-node';
import type { AudioFrame, RemoteTrack, RemoteTrackPublication, Room } from '@livekit/rtc-node';
import { createConferenceToken } from '../access-tokens';
import type { LivekitEndpoint } from '../livekit-health';
import { MediaError } from '../media-errors';
import { connectRtcRoom } from '../rtc-connect';
import type { RtcNetworkOptions } from '../rtc-connect';
import { mixTrack } from './mixed-track';
import { WallClockMixer } from './wall-clock-mixer';
import { WAV_HEADER_BYTES, WAV_MAX_DATA_BYTES, wavHeader } from './wav';

/**
 * Where a finished recording goes: a writable the host opens (e.g. a GridFS upload stream
 * linked to the meeting). The recorder writes the whole file and ends it.
 */
export type RecordingSink = (filename: string, contentType: string) => Writable | Promise<Writable>;

/** Options of {@link ConferenceRecorder.start}. */
export interface ConferenceRecorderOptions extends RtcNetworkOptions {
  endpoint: LivekitEndpoint;
  meetingId: string;
  sink: RecordingSink;
  /** Mono sample rate of the recording (default 16 kHz: wideband speech, ~115 MB an hour). */
  sampleRate?: 8000 | 16000 | 24000 | 48000;
  /** Directory for the spool file while recording (default the OS temp dir). */
  spoolDir?: string;
  /** File name handed to the sink (default `meeting-<id>-<start ISO>.wav`). */
  filename?: string;
}

/** What a finished recording is. */
export interface RecordingResult {
  filename: string;
  contentType: 'audio/wav';
  sampleRate: number;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  /** Size of the file written to the sink. */
  bytes: number;
  /** Identities whose audio was mixed in at some point. */
  speakers: string[];
}

const TICK_MS = 20;
/** The mix trails the clock by this much so late frames still land in place. */
const LATENCY_MS = 200;

/**
 * Records a conference's audio: a hidden @livekit/rtc-node participant (`recorder:<meetingId>`)
 * that subscribes to every published audio track (the chair and whoever holds the floor), mixes
 * them against the wall clock into 16-bit mono PCM spooled to a temporary file, and on
 * {@link stop} writes a WAV file (exact sizes in its header) to the host's sink. Spooling keeps
 * memory flat and lets the header carry the real length, which a stream-only sink such as
 * GridFS could not patch afterwards.
 */
export class ConferenceRecorder {
  private readonly mixer: WallClockMixer;
  private readonly readers = new Map<string, ReadableStreamDefaultReader<AudioFrame>>();
  private readonly speakers = new Set<string>();
  private readonly startedAt = new Date();
  private readonly startedMono = performance.now();
  private readonly timer: NodeJS.Timeout;
  private samplesWritten = 0;
  private state: 'recording' | 'stopping' | 'done' = 'recording';
  private spoolError: Error | null = null;

  private constructor(
    private readonly room: Room,
    private readonly options: ConferenceRecorderOptions,
    private readonly sampleRate: number,
    private readonly spoolDir: string,
    private readonly spool: WriteStream,
  ) {
    this.mixer = new WallClockMixer(sampleRate);
    spool.on('error', (err) => {
      this.spoolError ??= err;
    });
    room.on(RoomEvent.TrackPublished, (pub) => this.subscribe(pub));
    room.on(RoomEvent.TrackSubscribed, (track, pub, participant) =>
      this.attach(track, pub, participant.identity),
    );
    room.on(RoomEvent.TrackUnsubscribed, (_track, pub) => this.detach(pub.sid ?? ''));
    room.on(RoomEvent.TrackUnpublished, (pub) => this.detach(pub.sid ?? ''));
    for (const p of room.remoteParticipants.values()) {
      for (const pub of p.trackPublications.values()) this.subscribe(pub);
    }
    this.timer = setInterval(() => this.tick(false), TICK_MS);
  }

  /**
   * Joins the meeting's room as its hidden recorder and starts recording.
   * @throws MediaError `invalid_input` for a malformed meeting id; ConnectError from rtc-node
   *   when LiveKit refuses the connection (e.g. the room is not open).
   */
  static async start(options: ConferenceRecorderOptions): Promise<ConferenceRecorder> {
    const sampleRate = options.sampleRate ?? 16_000;
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
    const spoolDir = mkdtempSync(join(options.spoolDir ?? tmpdir(), 'dienhong-rec-'));
    const spool = createWriteStream(join(spoolDir, 'audio.pcm'));
    return new ConferenceRecorder(room, options, sampleRate, spoolDir, spool);
  }

  /** Whether it is still recording. */
  get recording(): boolean {
    return this.state === 'recording';
  }

  /** Recorded length so far, in ms. */
  get durationMs(): number {
    return (this.samplesWritten / this.sampleRate) * 1000;
  }

  /**
   * Stops recording, leaves the room and writes the WAV file to the sink.
   * @throws MediaError `already_running` when a stop is already under way or done; Error when
   *   the spool failed (disk full) or whatever the sink throws. The spool file is kept then
   *   (see {@link spoolPath}), so the raw audio is not lost.
   */
  async stop(): Promise<RecordingResult> {
    if (this.state !== 'recording') {
      throw new MediaError('already_running', 'This recording is already stopping or stopped.');
    }
    this.state = 'stopping';
    clearInterval(this.timer);
    this.tick(true);
    const endedAt = new Date();
    for (const sid of [...this.readers.keys()]) this.detach(sid);
    await this.room.disconnect().catch(() => undefined);
    await new Promise<void>((resolve) => this.spool.end(() => resolve()));
    this.state = 'done';
    if (this.spoolError) {
      throw new Error(`The recording spool ${this.spoolPath} failed: ${this.spoolError.message}`, {
        cause: this.spoolError,
      });
    }
    const dataBytes = Math.min(this.samplesWritten * 2, WAV_MAX_DATA_BYTES - 1);
    const filename =
      this.options.filename ??
      `meeting-${this.options.meetingId}-${this.startedAt.toISOString().replace(/[:.]/g, '-')}.wav`;
    const header = wavHeader(dataBytes, this.sampleRate);
    const spoolPath = this.spoolPath;
    const out = await this.options.sink(filename, 'audio/wav');
    await pipeline(
      Readable.from(
        (async function* () {
          yield header;
          if (dataBytes > 0) yield* createReadStream(spoolPath, { end: dataBytes - 1 });
        })(),
      ),
      out,
    );
    rmSync(this.spoolDir, { recursive: true, force: true });
    return {
      filename,
      contentType: 'audio/wav',
      sampleRate: this.sampleRate,
      startedAt: this.startedAt,
      endedAt,
      durationMs: (dataBytes / 2 / this.sampleRate) * 1000,
      bytes: WAV_HEADER_BYTES + dataBytes,
      speakers: [...this.speakers].sort(),
    };
  }

  /** Stops without writing anything (the meeting was cancelled). Idempotent. */
  async abort(): Promise<void> {
    if (this.state === 'done') return;
    this.state = 'done';
    clearInterval(this.timer);
    for (const sid of [...this.readers.keys()]) this.detach(sid);
    await this.room.disconnect().catch(() => undefined);
    this.spool.destroy();
    rmSync(this.spoolDir, { recursive: true, force: true });
  }

  /** Where the raw PCM is spooled while recording (16-bit little-endian mono). */
  get spoolPath(): string {
    return join(this.spoolDir, 'audio.pcm');
  }

  private tick(final: boolean): void {
    const elapsedMs = performance.now() - this.startedMono - (final ? 0 : LATENCY_MS);
    const target = Math.floor((Math.max(0, elapsedMs) * this.sampleRate) / 1000);
    const count = target - this.samplesWritten;
    if (count <= 0) return;
    const mixed = this.mixer.pull(count);
    this.samplesWritten += count;
    this.spool.write(Buffer.from(mixed.buffer, mixed.byteOffset, mixed.byteLength));
  }

  private subscribe(pub: RemoteTrackPublication): void {
    if (this.state === 'recording' && pub.kind === TrackKind.KIND_AUDIO && !pub.subscribed) {
      pub.setSubscribed(true);
    }
  }

  private attach(track: RemoteTrack, pub: RemoteTrackPublication, identity: string): void {
    const sid = pub.sid;
    if (this.state !== 'recording' || track.kind !== TrackKind.KIND_AUDIO || !sid) return;
    if (this.readers.has(sid)) return;
    this.readers.set(sid, mixTrack(track, sid, this.mixer, this.sampleRate));
    this.speakers.add(identity);
  }

  private detach(sid: string): void {
    const reader = this.readers.get(sid);
    if (!reader) return;
    this.readers.delete(sid);
    this.mixer.removeSource(sid);
    void reader.cancel().catch(() => undefined);
  }
}
