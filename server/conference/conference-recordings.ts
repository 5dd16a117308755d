import mongoose from 'mongoose';
import type { GridFSBucket } from 'mongodb';
import type { MediaService } from '../../media/media-service';
import type { RecordingResult } from '../../media/recorder/conference-recorder';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type {
  ConferenceRecording,
  RecordingStatus,
  VideoRecordingInfo,
} from '../contracts/conference';
import { contentDisposition } from '../documents/content-disposition';
import { appError, conflict, notFound } from '../errors';
import type { FileStream } from '../http/send-file-stream';
import { requireAccess } from '../meetings/meeting-access.service';
import { canChair, canReadDocuments } from '../meetings/meeting.policy';
import { oid } from './conference-access';
import type { ActiveRecording, ConferenceRooms, RoomRecordings } from './conference-rooms';
import { RecordingModel } from './conference.model';
import type { RecordingLean } from './conference.model';
import { mediaCall } from './media-error-map';

/** The GridFS bucket holding conference recordings (collections recording_files.*). */
export const RECORDING_BUCKET = 'recording_files';

function recordingDto(r: RecordingLean): ConferenceRecording {
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

/**
 * Recording the conference: the audio recorder of this process into GridFS, the stored
 * recordings and their download, and video through LiveKit Egress where configured.
 */
export class ConferenceRecordings implements RoomRecordings {
  private readonly recordings = new Map<string, ActiveRecording>();
  private bucket: GridFSBucket | undefined;

  constructor(
    private readonly media: MediaService,
    /** Resolved on use: the rooms are built with this part as their recordings. */
    private readonly rooms: () => ConferenceRooms,
    /** Whether the programme video recorder runs (it has the recorder's identity). */
    private readonly videoRecording: (meetingId: string) => boolean = () => false,
  ) {}

  /** Forgets the meeting's running recording and returns it (the room is closing). */
  take(meetingId: string): ActiveRecording | undefined {
    const active = this.recordings.get(meetingId);
    this.recordings.delete(meetingId);
    return active;
  }

  /** Stops every recording of this process and stores their files (the process stops). */
  async stopAll(): Promise<void> {
    const active = [...this.recordings.entries()];
    this.recordings.clear();
    await Promise.allSettled(
      active.map(async ([meetingId, a]) => {
        const result = await this.media.stopRecording(meetingId);
        await this.save(meetingId, result, a, null);
      }),
    );
  }

  private recordingBucket(): GridFSBucket {
    const db = mongoose.connection.db;
    if (!db) throw new Error('MongoDB is not connected');
    this.bucket ??= new mongoose.mongo.GridFSBucket(db, { bucketName: RECORDING_BUCKET });
    return this.bucket;
  }

  /** Whether the conference audio is being recorded. @throws AppError 403/404. */
  async recordingStatus(user: AuthUser, meetingId: string): Promise<RecordingStatus> {
    await requireAccess(user, meetingId, canReadDocuments, 'You do not take part in this meeting.');
    return this.recordingOf(meetingId);
  }

  /** Whether this process records the conference audio, without access checks (the live feed). */
  recordingOf(meetingId: string): RecordingStatus {
    const active = this.recordings.get(meetingId);
    const status = this.media.recordingStatus(meetingId);
    return {
      recording: status.recording,
      startedAt: active?.startedAt.toISOString() ?? null,
      durationMs: status.durationMs,
    };
  }

  /** Starts recording the conference audio. @throws AppError 403/404/409/503. */
  async startRecording(user: AuthUser, meetingId: string): Promise<RecordingStatus> {
    await this.rooms().chairOf(user, meetingId);
    if (this.recordings.has(meetingId)) {
      throw conflict('The conference audio is already being recorded.', {
        reason: 'already_running',
      });
    }
    if (this.videoRecording(meetingId)) {
      throw conflict('The programme is being recorded to video, with its sound.', {
        reason: 'video_recording_running',
      });
    }
    const active: ActiveRecording = { fileId: null, startedBy: user.id, startedAt: new Date() };
    const bucket = this.recordingBucket();
    const { startedAt } = await this.rooms().withRoom(meetingId, () =>
      this.media.startRecording(meetingId, (filename, contentType) => {
        const upload = bucket.openUploadStream(filename, {
          metadata: { meetingId, contentType },
        });
        active.fileId = upload.id;
        return upload;
      }),
    );
    active.startedAt = startedAt;
    this.recordings.set(meetingId, active);
    // Every screen shows the recording indicator (room metadata); best effort like the video's.
    await this.media.control.setRecording(meetingId, 'audio').catch(() => undefined);
    await this.rooms().audit(user, meetingId, 'conference.recording_started', null, {
      startedAt: startedAt.toISOString(),
    });
    return { recording: true, startedAt: startedAt.toISOString(), durationMs: 0 };
  }

  /** Stops the recording and stores the file. @throws AppError 403/404/409. */
  async stopRecording(user: AuthUser, meetingId: string): Promise<ConferenceRecording> {
    await requireAccess(user, meetingId, canChair, 'Only the chair controls the conference.');
    const active = this.recordings.get(meetingId);
    if (!active) {
      throw conflict('No audio recording is running for this meeting.', { reason: 'not_running' });
    }
    this.recordings.delete(meetingId);
    const result = await mediaCall(() => this.media.stopRecording(meetingId));
    await this.media.control.setRecording(meetingId, null).catch(() => undefined);
    return this.save(meetingId, result, active, user);
  }

  /** Stores a finished recording's metadata beside its GridFS file and audits it. */
  async save(
    meetingId: string,
    result: RecordingResult,
    active: ActiveRecording,
    actor: AuthUser | null,
  ): Promise<ConferenceRecording> {
    if (!active.fileId) throw new Error('the recording was not written to GridFS');
    const created = await RecordingModel.create({
      meetingId: oid(meetingId),
      fileId: active.fileId,
      filename: result.filename,
      contentType: result.contentType,
      bytes: result.bytes,
      durationMs: result.durationMs,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      speakers: result.speakers,
      startedBy: oid(active.startedBy),
    });
    const dto = recordingDto(created.toObject());
    await auditService.append({
      meetingId,
      actor,
      action: 'conference.recording_stopped',
      target: { kind: 'recording', id: dto.id },
      after: { filename: dto.filename, durationMs: dto.durationMs, bytes: dto.bytes },
    });
    return dto;
  }

  /** The meeting's recordings (participants). @throws AppError 403/404. */
  async listRecordings(user: AuthUser, meetingId: string): Promise<ConferenceRecording[]> {
    await requireAccess(user, meetingId, canReadDocuments, 'You do not take part in this meeting.');
    const rows = await RecordingModel.find({ meetingId: oid(meetingId) })
      .sort({ startedAt: 1 })
      .lean();
    return rows.map((r) => recordingDto(r));
  }

  /** Opens a recording's file for the route to send. @throws AppError 403/404. */
  async openRecording(user: AuthUser, meetingId: string, recordingId: string): Promise<FileStream> {
    await requireAccess(user, meetingId, canReadDocuments, 'You do not take part in this meeting.');
    const r = await RecordingModel.findOne({
      _id: oid(recordingId),
      meetingId: oid(meetingId),
    }).lean();
    if (!r) throw notFound(`Recording ${recordingId}`);
    return {
      stream: this.recordingBucket().openDownloadStream(r.fileId),
      headers: {
        'Content-Type': r.contentType,
        'Content-Length': String(r.bytes),
        'Content-Disposition': contentDisposition('attachment', r.filename),
        'Cache-Control': 'private, no-cache',
        'X-Content-Type-Options': 'nosniff',
      },
    };
  }

  /**
   * Starts a video recording through LiveKit Egress.
   * @throws AppError 501 `not_configured` when Egress is not set up; 403/404/409/503.
   */
  async startVideoRecording(user: AuthUser, meetingId: string): Promise<VideoRecordingInfo> {
    await this.rooms().chairOf(user, meetingId);
    if (!this.media.egress.configured) {
      throw appError(
        'not_configured',
        501,
        'Video recording needs LiveKit Egress (Redis, Chrome and GStreamer next to LiveKit), which is not configured on this server. Record the audio instead, or see infra/deploy/egress.md.',
      );
    }
    const video = await mediaCall(() => this.media.egress.startVideoRecording(meetingId));
    await this.rooms().audit(user, meetingId, 'conference.video_recording_started', null, {
      egressId: video.egressId,
    });
    return {
      ...video,
      startedAt: video.startedAt?.toISOString() ?? null,
      endedAt: video.endedAt?.toISOString() ?? null,
    };
  }
}
