import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import mongoose, { Types } from 'mongoose';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LivekitEndpoint } from '../../media/livekit-health';
import type { MediaService } from '../../media/media-service';
import type {
  ProgrammeRecorder,
  ProgrammeRecorderOptions,
  ProgrammeRecordingResult,
} from '../../media/recorder/programme-recorder';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type { ConferenceRecording, ProgrammeRecordingStatus } from '../contracts/conference';
import { appError, conflict } from '../errors';
import { requireAccess } from '../meetings/meeting-access.service';
import { canChair, canReadDocuments } from '../meetings/meeting.policy';
import { notLiveRefusal } from './conference-refusals';
import { RecordingModel } from './conference.model';

const execFileAsync = promisify(execFile);

/** The GridFS bucket of all conference recordings (the audio ones' RECORDING_BUCKET). */
const BUCKET = 'recording_files';

/** What the programme video recorder needs from the composition root. */
export interface VideoRecordingOptions {
  /** The LiveKit server the recorder joins. */
  endpoint: LivekitEndpoint;
  /** Starts a recorder: `ProgrammeRecorder.start` of media/, wired in by server/main.ts. */
  startRecorder: (options: ProgrammeRecorderOptions) => Promise<ProgrammeRecorder>;
  /**
   * Where recordings are written while they run (under DATA_DIR: a file left by a crash is
   * stored on the next start).
   */
  spoolDir: string;
  media: MediaService;
  logger: Logger;
  /** Opens the meeting's room when this process has not (ConferenceService.meetingWentLive). */
  ensureRoom: (meetingId: string) => Promise<void>;
  /** Whether the conference audio is being recorded (the recorders share one identity). */
  audioRecording: (meetingId: string) => boolean;
  /** Told when whether the programme is being recorded changed (the chair's console feed). */
  onChange?: (meetingId: string) => void;
  closedNetwork?: boolean;
  fps?: number;
  width?: number;
  height?: number;
  ffmpegPath?: string;
}

/** The sidecar of a running recording, enough to store its file after a crash. */
const sidecarSchema = z.object({
  meetingId: z.string().regex(/^[0-9a-f]{24}$/),
  startedBy: z.string().regex(/^[0-9a-f]{24}$/),
  startedAt: z.iso.datetime(),
  filename: z.string().min(1).max(200),
});
type Sidecar = z.infer<typeof sidecarSchema>;

const SIDECAR = 'recording.json';
const VIDEO_FILE = 'programme.mp4';

interface Active {
  recorder: ProgrammeRecorder;
  dir: string;
  sidecar: Sidecar;
  /** Set once a stop is under way (by the chair, the room closing, or shutdown). */
  finishing: Promise<ConferenceRecording | null> | null;
  /** Settles once the recorder has left the room and the indicator is cleared. */
  stopped: Promise<void> | null;
}

function recordingDto(r: InstanceType<typeof RecordingModel>): ConferenceRecording {
  return {
    id: r._id.toHexString(),
    meetingId: r.meetingId.toHexString(),
    filename: r.filename,
    contentType: r.contentType,
    bytes: r.bytes,
    durationMs: r.durationMs,
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt.toISOString(),
    speakers: r.speakers,
    startedBy: r.startedBy?.toHexString() ?? null,
    sha256: r.sha256 ?? null,
  };
}

/** A stream pass-through that hashes what goes through it. */
function hashing(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

/** The duration ffprobe reads from an MP4 (0 when it cannot). */
async function probeDurationMs(path: string): Promise<number> {
  try {
    const { stdout } = await execFileAsync('/usr/bin/ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'default=noprint_wrappers=1:nokey=1',
      path,
    ]);
    const sec = Number(stdout.trim());
    return Number.isFinite(sec) ? Math.round(sec * 1000) : 0;
  } catch {
    return 0;
  }
}

/**
 * Programme video recording on this machine (issue 14, point 4): the chair starts and stops a
 * {@link ProgrammeRecorder}; the MP4 is stored in GridFS beside the audio recordings with its
 * SHA-256, listed and downloaded through the same routes and authorization. Every screen's
 * indicator comes from the room metadata (`recording: 'video'`). The room's closing stops the
 * recording before the room goes ({@link roomClosing}) and stores it; a recording that the
 * recorder's loss of the room interrupts is stored at once; one a crash interrupted is stored on the next start
 * ({@link recover}). LiveKit Egress remains the production alternative (infra/deploy/egress.md).
 */
export class VideoRecordingService {
  /** Recordings whose recorder is in the room (recording, or stopping). */
  private readonly active = new Map<string, Active>();
  /** Spool directories of stopped recordings being stored, with the storing. */
  private readonly storing = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: VideoRecordingOptions) {
    mkdirSync(options.spoolDir, { recursive: true });
  }

  /**
   * Whether the recorder of this meeting is in the room here (recording or stopping): it holds
   * the recorder identity, so no audio recording may start.
   */
  isRecording(meetingId: string): boolean {
    return this.active.has(meetingId);
  }

  /** Whether the programme of this meeting is being recorded here now (no stop under way). */
  isRunning(meetingId: string): boolean {
    const a = this.active.get(meetingId);
    return a !== undefined && a.finishing === null;
  }

  /**
   * The meeting's room is closing (the chair ended the bridge, or the meeting ended): the
   * recording stops there, before the room goes, and is stored in the background. Settles once
   * the recorder has left; a reopened room starts without a recording. Never throws.
   */
  async roomClosing(meetingId: string, actor: AuthUser | null): Promise<void> {
    const a = this.active.get(meetingId);
    if (!a) return;
    void this.finish(meetingId, actor);
    await a.stopped;
  }

  /** The recorder's ffmpeg process id (benchmarks). */
  encoderPid(meetingId: string): number | undefined {
    return this.active.get(meetingId)?.recorder.encoderPid;
  }

  /** Whether the programme is being recorded, and what it shows. @throws AppError 403/404. */
  async status(user: AuthUser, meetingId: string): Promise<ProgrammeRecordingStatus> {
    await requireAccess(user, meetingId, canReadDocuments, 'You do not take part in this meeting.');
    const a = this.active.get(meetingId);
    return {
      recording: this.isRunning(meetingId),
      startedAt: a?.sidecar.startedAt ?? null,
      durationMs: a?.recorder.durationMs ?? 0,
      programme: a?.recorder.programme ?? null,
    };
  }

  /**
   * Starts recording the programme (chair, live meeting).
   * @throws AppError 403/404; 409 not live / `already_running` / `audio_recording_running` /
   *   `conference_not_open`; 503 when LiveKit or ffmpeg cannot start.
   */
  async start(user: AuthUser, meetingId: string): Promise<ProgrammeRecordingStatus> {
    const access = await requireAccess(
      user,
      meetingId,
      canChair,
      'Only the chair controls the conference.',
    );
    const refusal = notLiveRefusal(access.state);
    if (refusal) throw refusal;
    if (this.closed) throw appError('service_unavailable', 503, 'The server is shutting down.');
    if (this.active.has(meetingId)) {
      throw conflict('The programme is already being recorded.', { reason: 'already_running' });
    }
    if (this.options.audioRecording(meetingId)) {
      throw conflict(
        'The conference audio is being recorded; stop it first (the video recording includes the sound).',
        { reason: 'audio_recording_running' },
      );
    }
    await this.options.ensureRoom(meetingId);
    if (!(await this.options.media.control.isOpen(meetingId).catch(() => false))) {
      throw conflict('The video conference of this meeting is not open.', {
        reason: 'conference_not_open',
      });
    }
    const startedAt = new Date();
    const dir = join(this.options.spoolDir, `${meetingId}-${startedAt.getTime()}`);
    mkdirSync(dir, { recursive: true });
    const sidecar: Sidecar = {
      meetingId,
      startedBy: user.id,
      startedAt: startedAt.toISOString(),
      filename: `meeting-${meetingId}-${startedAt.toISOString().replace(/[:.]/g, '-')}.mp4`,
    };
    writeFileSync(join(dir, SIDECAR), JSON.stringify(sidecar));
    let recorder: ProgrammeRecorder;
    try {
      recorder = await this.options.startRecorder({
        endpoint: this.options.endpoint,
        meetingId,
        outputPath: join(dir, VIDEO_FILE),
        closedNetwork: this.options.closedNetwork ?? true,
        ...(this.options.fps ? { fps: this.options.fps } : {}),
        ...(this.options.width ? { width: this.options.width } : {}),
        ...(this.options.height ? { height: this.options.height } : {}),
        ...(this.options.ffmpegPath ? { ffmpegPath: this.options.ffmpegPath } : {}),
        onInterrupted: (reason, detail) => {
          this.options.logger.warn({ meetingId, reason, detail }, 'video recording interrupted');
          void this.finish(meetingId, null);
        },
      });
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw appError('service_unavailable', 503, 'The recorder could not join the conference.', {
        cause: err instanceof Error ? err.message : String(err),
      });
    }
    this.active.set(meetingId, { recorder, dir, sidecar, finishing: null, stopped: null });
    await this.options.media.control.setRecording(meetingId, 'video').catch((err: unknown) => {
      this.options.logger.warn({ err, meetingId }, 'the recording indicator could not be set');
    });
    await auditService.append({
      meetingId,
      actor: user,
      action: 'conference.video_recording_started',
      target: { kind: 'conference', id: meetingId },
      after: { startedAt: sidecar.startedAt },
    });
    return { recording: true, startedAt: sidecar.startedAt, durationMs: 0, programme: null };
  }

  /**
   * Stops the recording and stores the MP4 with its SHA-256.
   * @throws AppError 403/404; 409 `not_running`.
   */
  async stop(user: AuthUser, meetingId: string): Promise<ConferenceRecording> {
    await requireAccess(user, meetingId, canChair, 'Only the chair controls the conference.');
    const a = this.active.get(meetingId);
    if (!a || a.finishing) {
      throw conflict('No video recording is running for this meeting.', { reason: 'not_running' });
    }
    const stored = await this.finish(meetingId, user);
    if (!stored) throw appError('internal', 500, 'The video recording could not be stored.');
    return stored;
  }

  /**
   * Stops a running recording and stores what it wrote; one stop at a time per meeting. Once
   * the recorder has left the room the meeting may record again while the file is stored.
   */
  private finish(meetingId: string, actor: AuthUser | null): Promise<ConferenceRecording | null> {
    const a = this.active.get(meetingId);
    if (!a) return Promise.resolve(null);
    if (!a.finishing) {
      const result = this.stopRecorder(meetingId, a);
      a.stopped = result.then(() => undefined);
      a.finishing = result.then((r) => {
        const storing = this.storeFinished(meetingId, a, r, actor);
        this.storing.set(a.dir, storing);
        return storing.finally(() => this.storing.delete(a.dir));
      });
      this.options.onChange?.(meetingId);
    }
    return a.finishing;
  }

  /** Stops the recorder (it leaves the room) and clears every screen's indicator. Never throws. */
  private async stopRecorder(
    meetingId: string,
    a: Active,
  ): Promise<ProgrammeRecordingResult | null> {
    let result: ProgrammeRecordingResult | null = null;
    try {
      result = await a.recorder.stop();
    } catch (err) {
      // ffmpeg failed: what it wrote before is stored all the same.
      this.options.logger.error({ err, meetingId }, 'the video recorder did not stop cleanly');
    }
    await this.options.media.control.setRecording(meetingId, null).catch(() => undefined);
    if (this.active.get(meetingId) === a) this.active.delete(meetingId);
    this.options.onChange?.(meetingId);
    return result;
  }

  /** Stores a stopped recording; on failure it stays in the spool directory (next start). */
  private async storeFinished(
    meetingId: string,
    a: Active,
    result: ProgrammeRecordingResult | null,
    actor: AuthUser | null,
  ): Promise<ConferenceRecording | null> {
    try {
      return await this.store(a.dir, a.sidecar, result, actor);
    } catch (err) {
      this.options.logger.error(
        { err, meetingId, dir: a.dir },
        'the video recording could not be stored; it stays in the spool directory and is stored on the next start',
      );
      return null;
    } finally {
      this.options.onChange?.(meetingId);
    }
  }

  /** Uploads a spool directory's MP4 to GridFS with its SHA-256, records it, removes the dir. */
  private async store(
    dir: string,
    sidecar: Sidecar,
    result: ProgrammeRecordingResult | null,
    actor: AuthUser | null,
  ): Promise<ConferenceRecording | null> {
    const path = join(dir, VIDEO_FILE);
    if (!existsSync(path) || statSync(path).size === 0) {
      rmSync(dir, { recursive: true, force: true });
      return null;
    }
    const db = mongoose.connection.db;
    if (!db) throw new Error('MongoDB is not connected');
    const bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: BUCKET });
    const hash = createHash('sha256');
    const upload = bucket.openUploadStream(sidecar.filename, {
      metadata: { meetingId: sidecar.meetingId, contentType: 'video/mp4' },
    });
    await pipeline(createReadStream(path), hashing(hash), upload);
    const durationMs = result?.durationMs ?? (await probeDurationMs(path));
    const startedAt = new Date(sidecar.startedAt);
    const created = await RecordingModel.create({
      meetingId: new Types.ObjectId(sidecar.meetingId),
      fileId: upload.id,
      filename: sidecar.filename,
      contentType: 'video/mp4',
      bytes: statSync(path).size,
      durationMs,
      startedAt,
      endedAt: result?.endedAt ?? new Date(startedAt.getTime() + durationMs),
      speakers: result?.speakers ?? [],
      startedBy: new Types.ObjectId(sidecar.startedBy),
      sha256: hash.digest('hex'),
    });
    const dto = recordingDto(created);
    await auditService.append({
      meetingId: sidecar.meetingId,
      actor,
      action: 'conference.video_recording_stopped',
      target: { kind: 'recording', id: dto.id },
      after: {
        filename: dto.filename,
        durationMs: dto.durationMs,
        bytes: dto.bytes,
        sha256: dto.sha256,
        recovered: result === null,
      },
    });
    rmSync(dir, { recursive: true, force: true });
    return dto;
  }

  /**
   * Stores the recordings a crash left in the spool directory (ffmpeg wrote a fragmented MP4:
   * playable up to its last fragment). Called once at start, before any recording runs here.
   * @returns how many were stored.
   */
  async recover(): Promise<number> {
    let stored = 0;
    for (const name of readdirSync(this.options.spoolDir)) {
      const dir = join(this.options.spoolDir, name);
      if (this.storing.has(dir) || [...this.active.values()].some((a) => a.dir === dir)) continue;
      try {
        const parsed = sidecarSchema.safeParse(
          JSON.parse(readFileSync(join(dir, SIDECAR), 'utf8')),
        );
        if (!parsed.success) {
          this.options.logger.warn({ dir }, 'not a recording: left in the spool directory');
          continue;
        }
        if (await this.store(dir, parsed.data, null, null)) stored++;
        // Every screen still shows the indicator the dead recorder set.
        await this.options.media.control
          .setRecording(parsed.data.meetingId, null)
          .catch(() => undefined);
      } catch (err) {
        this.options.logger.error({ err, dir }, 'a leftover video recording could not be stored');
      }
    }
    if (stored > 0) this.options.logger.info({ stored }, 'stored video recordings left by a crash');
    return stored;
  }

  /** Shutdown: finishes and stores every running recording, and waits for those being stored. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.active.keys()].map((id) => this.finish(id, null)));
    await Promise.allSettled([...this.storing.values()]);
  }
}
