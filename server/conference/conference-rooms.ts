import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { CurrentItem } from '../../media/contracts/conference-room';
import type { MediaService } from '../../media/media-service';
import type { RecordingResult } from '../../media/recorder/conference-recorder';
import { recordItems } from '../agenda/agenda-view';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type { ConferenceStatus } from '../contracts/conference';
import { KeyedQueue } from '../keyed-queue';
import { liveService } from '../live/live.service';
import { requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { canChair, takesPart } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { forbidden } from '../errors';
import { conferenceEnded, isDuplicateKey, requireLive } from './conference-access';
import { ConferenceClosureModel } from './conference.model';
import { mediaCall } from './media-error-map';

/** A recording running in this process: where its file goes and who started it. */
export interface ActiveRecording {
  fileId: Types.ObjectId | null;
  startedBy: string;
  startedAt: Date;
}

/** What the room lifecycle needs from the recording part when a room closes. */
export interface RoomRecordings {
  /** Forgets the meeting's running recording and returns it (undefined: none). */
  take(meetingId: string): ActiveRecording | undefined;
  /** Stores a finished recording (file metadata, audit). */
  save(
    meetingId: string,
    result: RecordingResult,
    active: ActiveRecording,
    actor: AuthUser | null,
  ): Promise<unknown>;
}

/** The programme video recorder as the room's lifecycle sees it. */
export interface RoomVideoRecording {
  /**
   * The room is closing: the recording stops before the room goes (stored in the background).
   * Settles once the recorder has left; never throws.
   */
  roomClosing(meetingId: string, actor: AuthUser | null): Promise<void>;
}

/**
 * The conference room of live meetings: opened when a meeting goes live (or on first use in
 * this process), closed when it ends or the chair ends the conference, its current item kept
 * in the room metadata; lifecycle work runs in order per meeting. The other parts of the
 * conference run their LiveKit calls through `withRoom` and check the chair with `chairOf`.
 */
export class ConferenceRooms {
  /** Meetings whose room this process opened, with the unsubscribe of their live events. */
  private readonly opened = new Map<string, () => void>();
  /** Lifecycle work per meeting, in order (open, close). */
  private readonly queues = new KeyedQueue();
  private closed = false;

  constructor(
    private readonly media: MediaService,
    private readonly logger: Logger,
    private readonly recordings: RoomRecordings,
    private readonly video: RoomVideoRecording = { roomClosing: () => Promise.resolve() },
  ) {}

  /** The meeting went live: open its room (in the background, in order with later moves). */
  meetingWentLive(meetingId: string): Promise<void> {
    return this.enqueue(meetingId, () => this.openRoom(meetingId));
  }

  /** The meeting ended or was cancelled: finish the recording and close the room. */
  meetingEnded(meetingId: string): Promise<void> {
    return this.enqueue(meetingId, () => this.closeRoom(meetingId));
  }

  enqueue(meetingId: string, fn: () => Promise<void>): Promise<void> {
    return this.queues.run(meetingId, fn);
  }

  private async currentItemOf(
    meetingId: string,
    itemId: string | null,
  ): Promise<CurrentItem | null> {
    if (!itemId) return null;
    const item = (await recordItems(meetingId)).find((i) => i.id === itemId);
    return item ? { id: item.id, title: item.title } : null;
  }

  private async openRoom(meetingId: string): Promise<void> {
    if (this.closed) return;
    const meeting = await MeetingModel.findById(meetingId, {
      title: 1,
      state: 1,
      currentItemId: 1,
    }).lean();
    if (meeting?.state !== 'live') return;
    if (await this.endedAt(meetingId)) return;
    const currentItem = await this.currentItemOf(
      meetingId,
      meeting.currentItemId?.toHexString() ?? null,
    );
    const metadata = await this.media.goLive({ meetingId, title: meeting.title, currentItem });
    if (!this.opened.has(meetingId)) {
      const unsubscribe = liveService.subscribe(meetingId, (event) => {
        if (event.type !== 'agenda.current') return;
        const itemId =
          typeof event.data.currentItemId === 'string' ? event.data.currentItemId : null;
        void this.showCurrentItem(meetingId, itemId);
      });
      this.opened.set(meetingId, unsubscribe);
      await auditService.append({
        meetingId,
        actor: null,
        action: 'conference.room_opened',
        target: { kind: 'conference', id: meetingId },
        after: { title: metadata.title, currentItem: metadata.currentItem },
      });
    }
  }

  private async showCurrentItem(meetingId: string, itemId: string | null): Promise<void> {
    try {
      const item = await this.currentItemOf(meetingId, itemId);
      await this.media.control.setCurrentItem(meetingId, item);
    } catch (err) {
      this.logger.warn({ err, meetingId }, 'the current item could not be shown in the conference');
    }
  }

  /** Closes the room; its recordings stop first and are stored (`actor`: who ended it). */
  private async closeRoom(meetingId: string, actor: AuthUser | null = null): Promise<void> {
    this.opened.get(meetingId)?.();
    const wasOpen = this.opened.delete(meetingId);
    const active = this.recordings.take(meetingId);
    try {
      // Stopped here rather than cut off by the room's deletion: a reopened room starts with
      // no recording, and every state says so.
      await this.video.roomClosing(meetingId, actor);
      const { recording } = await this.media.end(meetingId);
      if (recording && active) {
        await this.recordings.save(meetingId, recording, active, actor);
      }
    } finally {
      if (wasOpen) {
        await auditService.append({
          meetingId,
          actor: null,
          action: 'conference.room_closed',
          target: { kind: 'conference', id: meetingId },
        });
      }
    }
  }

  /**
   * Runs a control against the meeting's room, opening it first when this process has not (a
   * restart, or a meeting that went live elsewhere), and once more when LiveKit lost it.
   */
  async withRoom<T>(meetingId: string, fn: () => Promise<T>): Promise<T> {
    const endedAt = await this.endedAt(meetingId);
    if (endedAt) throw conferenceEnded(endedAt);
    if (!this.opened.has(meetingId)) {
      await mediaCall(() => this.enqueue(meetingId, () => this.openRoom(meetingId)));
    }
    try {
      return await mediaCall(fn);
    } catch (err) {
      if ((err as { details?: { reason?: string } }).details?.reason !== 'conference_not_open') {
        throw err;
      }
      this.opened.get(meetingId)?.();
      this.opened.delete(meetingId);
      await mediaCall(() => this.enqueue(meetingId, () => this.openRoom(meetingId)));
      return mediaCall(fn);
    }
  }

  /** When the chair ended the meeting's conference (null while it may run). */
  async endedAt(meetingId: string): Promise<Date | null> {
    const closure = await ConferenceClosureModel.findById(meetingId, { endedAt: 1 }).lean();
    return closure?.endedAt ?? null;
  }

  /** Whether the chair ended the conference. @throws AppError 403/404. */
  async status(user: AuthUser, meetingId: string): Promise<ConferenceStatus> {
    const access = await requireAccess(user, meetingId);
    if (!takesPart(access)) throw forbidden('You do not take part in this meeting.');
    const endedAt = await this.endedAt(meetingId);
    return { ended: endedAt !== null, endedAt: endedAt?.toISOString() ?? null };
  }

  /**
   * Ends the video conference while the meeting goes on (e.g. the bridge part is over and the
   * hall continues): the recording is saved, everyone is disconnected, and no token is issued
   * until the chair reopens it. Ending an ended conference changes nothing.
   * @throws AppError 403/404, 409 (meeting not live).
   */
  async endConference(user: AuthUser, meetingId: string): Promise<ConferenceStatus> {
    await this.chairOf(user, meetingId);
    let endedAt = new Date();
    let first = true;
    try {
      await ConferenceClosureModel.create({ _id: meetingId, endedAt, endedBy: user.id });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      first = false;
      endedAt = (await this.endedAt(meetingId)) ?? endedAt;
    }
    // Also on a repeat: a first attempt that LiveKit did not answer is completed now.
    await mediaCall(() => this.enqueue(meetingId, () => this.closeRoom(meetingId, user)));
    if (first) await this.audit(user, meetingId, 'conference.ended', null);
    return { ended: true, endedAt: endedAt.toISOString() };
  }

  /** Opens an ended conference again. @throws AppError 403/404, 409 (meeting not live), 503. */
  async reopenConference(user: AuthUser, meetingId: string): Promise<ConferenceStatus> {
    await this.chairOf(user, meetingId);
    const removed = await ConferenceClosureModel.deleteOne({ _id: meetingId });
    if (removed.deletedCount > 0) {
      await mediaCall(() => this.enqueue(meetingId, () => this.openRoom(meetingId)));
      await this.audit(user, meetingId, 'conference.reopened', null);
    }
    return { ended: false, endedAt: null };
  }

  /** Stops following rooms in this process once queued work is done (rooms stay open for other nodes). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queues.idle();
    for (const unsubscribe of this.opened.values()) unsubscribe();
    this.opened.clear();
  }

  async chairOf(user: AuthUser, meetingId: string): Promise<MeetingAccess> {
    const access = await requireAccess(
      user,
      meetingId,
      canChair,
      'Only the chair controls the conference.',
    );
    requireLive(access);
    return access;
  }

  async audit(
    user: AuthUser | null,
    meetingId: string,
    action: string,
    identity: string | null,
    after?: unknown,
  ): Promise<void> {
    await auditService.append({
      meetingId,
      actor: user,
      action,
      target: identity
        ? { kind: 'conference_participant', id: identity }
        : { kind: 'conference', id: meetingId },
      ...(after === undefined ? {} : { after }),
    });
  }
}
