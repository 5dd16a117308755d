import type { Response } from 'express';
import mongoose, { Types } from 'mongoose';
import type { GridFSBucket } from 'mongodb';
import type { Logger } from 'pino';
import type { ConferenceParticipant } from '../../media/conference-participant';
import type { CurrentItem, RoomMetadata } from '../../media/contracts/conference-room';
import { grantProfiles } from '../../media/contracts/grant-profiles';
import {
  formatParticipantIdentity,
  userIdentity,
} from '../../media/contracts/participant-identity';
import type { MediaService } from '../../media/media-service';
import type { RecordingResult } from '../../media/recorder/conference-recorder';
import type {
  ConferenceEvent,
  ParticipantJoinedEvent,
  ParticipantLeftEvent,
} from '../../media/webhook';
import { recordItems } from '../agenda/agenda-view';
import { RemoteIntervalModel } from '../attendance/attendance.model';
import { attendanceService } from '../attendance/attendance.service';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type { Attendance } from '../contracts/attendance';
import type {
  ConferenceMuteResult,
  ConferenceParticipantView,
  ConferenceRecording,
  ConferenceRemoval,
  ConferenceRollCall,
  ConferenceStatus,
  ConferenceTokenInfo,
  ConferenceTokenRequest,
  RecordingStatus,
  VideoRecordingInfo,
} from '../contracts/conference';
import type { FloorEntry } from '../contracts/speakers';
import { contentDisposition } from '../documents/content-disposition';
import { appError, badRequest, conflict, forbidden, notFound } from '../errors';
import { liveService } from '../live/live.service';
import { accessOf, requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { canChair, canReadDocuments, canTakeRollCall, takesPart } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import type { FloorHooks } from '../speakers/floor-hooks';
import { FloorEntryModel } from '../speakers/floor-entry.model';
import { whoJoins } from './conference-join';
import { conferenceRefusals, notLiveRefusal } from './conference-refusals';
import { conferenceSite, conferenceSitesOf } from './conference-sites';
import type { ConferenceSite } from './conference-sites';
import {
  ConferenceClosureModel,
  ConferenceRemovalModel,
  PhoneMarkModel,
  RecordingModel,
  WebhookEventModel,
  removalKey,
} from './conference.model';
import type { RecordingLean } from './conference.model';
import { isMediaFailure, mediaCall } from './media-error-map';
import { KeyedQueue } from '../keyed-queue';
import type { RoomLimit } from './room-limit';

/** The GridFS bucket holding conference recordings (collections recording_files.*). */
export const RECORDING_BUCKET = 'recording_files';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

interface ActiveRecording {
  fileId: Types.ObjectId | null;
  startedBy: string;
  startedAt: Date;
}

function requireLive(access: MeetingAccess): void {
  const refusal = notLiveRefusal(access.state);
  if (refusal) throw refusal;
}

function conferenceEnded(endedAt: Date): Error {
  return appError(
    'conference_ended',
    409,
    'The chair ended the video conference of this meeting; only the chair can open it again.',
    { reason: 'conference_ended', endedAt: endedAt.toISOString() },
  );
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}

function participantView(p: ConferenceParticipant): ConferenceParticipantView {
  return {
    identity: p.identity,
    role: p.role,
    canPublish: p.canPublish,
    holdsFloor: p.holdsFloor,
    tracks: p.tracks.map((t) => ({ sid: t.sid, kind: t.kind, source: t.source, muted: t.muted })),
  };
}

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
  };
}

/**
 * The conference of live meetings, on top of the media library: who joins with what grants,
 * the room's lifecycle and metadata, chair controls, roll call, the audio recorder and
 * attendance from LiveKit webhooks. Authorization comes from the meeting policy; every state
 * change is audited. One instance per process, built by startConference.
 */
export class ConferenceService {
  /** Meetings whose room this process opened, with the unsubscribe of their live events. */
  private readonly opened = new Map<string, () => void>();
  /** Lifecycle work per meeting, in order (open, close). */
  private readonly queues = new KeyedQueue();
  private readonly recordings = new Map<string, ActiveRecording>();
  private bucket: GridFSBucket | undefined;
  private closed = false;
  /**
   * Told when what the chair's console shows may have changed (a join or leave, a control, a
   * floor move); the live feed (conference-feed.ts) pushes the new state on the stream.
   */
  onChange: ((meetingId: string) => void) | null = null;

  constructor(
    private readonly media: MediaService,
    private readonly logger: Logger,
    /** The configured limit of simultaneous connections per room (none: unlimited). */
    private readonly roomLimit?: RoomLimit,
  ) {}

  /** Turns publishing on and off when the speaker queue grants and ends the floor. */
  readonly floorHooks: FloorHooks = {
    onGranted: (meetingId, entry) => this.floorMoved(meetingId, entry, true),
    onEnded: (meetingId, entry) => this.floorMoved(meetingId, entry, false),
  };

  // ---------------------------------------------------------------- lifecycle

  /** The meeting went live: open its room (in the background, in order with later moves). */
  meetingWentLive(meetingId: string): Promise<void> {
    return this.enqueue(meetingId, () => this.openRoom(meetingId));
  }

  /** The meeting ended or was cancelled: finish the recording and close the room. */
  meetingEnded(meetingId: string): Promise<void> {
    return this.enqueue(meetingId, () => this.closeRoom(meetingId));
  }

  private enqueue(meetingId: string, fn: () => Promise<void>): Promise<void> {
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

  private async closeRoom(meetingId: string): Promise<void> {
    this.opened.get(meetingId)?.();
    const wasOpen = this.opened.delete(meetingId);
    const active = this.recordings.get(meetingId);
    this.recordings.delete(meetingId);
    try {
      const { recording } = await this.media.end(meetingId);
      if (recording && active) {
        await this.saveRecording(meetingId, recording, active, null);
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
  private async withRoom<T>(meetingId: string, fn: () => Promise<T>): Promise<T> {
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
  /** When the chair ended the conference (null: not ended). */
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
    await mediaCall(() => this.enqueue(meetingId, () => this.closeRoom(meetingId)));
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

  /** Stops recordings and monitors of this process (rooms stay open for other nodes). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queues.idle();
    for (const unsubscribe of this.opened.values()) unsubscribe();
    this.opened.clear();
    const active = [...this.recordings.entries()];
    this.recordings.clear();
    await Promise.allSettled(
      active.map(async ([meetingId, a]) => {
        const result = await this.media.stopRecording(meetingId);
        await this.saveRecording(meetingId, result, a, null);
      }),
    );
    await this.media.close();
  }

  // ---------------------------------------------------------------- joining

  /**
   * A conference token for the caller's role in a live meeting. Each refusal has its own code:
   * 404 (no such meeting, or a hidden one), 403 `not_site_operator` (neither invited nor an
   * operator of a site), 409 `meeting_not_started` / `meeting_over` / `conference_ended`, 403
   * `removed_from_conference`, 400 (several sites and no `siteId`), 503 (LiveKit),
   * 409 `room_full` beyond CONFERENCE_MAX_PARTICIPANTS.
   */
  async token(
    user: AuthUser,
    meetingId: string,
    input: ConferenceTokenRequest,
  ): Promise<ConferenceTokenInfo> {
    const access = await accessOf(user, meetingId);
    // SECURITY: decided before anything else is read; a hidden meeting stays hidden.
    if (!access || (access.visibility === 'confidential' && !takesPart(access))) {
      throw notFound(`Meeting ${meetingId}`);
    }
    if (!takesPart(access)) throw conferenceRefusals.notSiteOperator();
    requireLive(access);
    const who = await whoJoins(user, access, input);
    const identity = formatParticipantIdentity(who.identity);
    if (await ConferenceRemovalModel.exists({ _id: removalKey(meetingId, identity) })) {
      throw appError(
        'removed_from_conference',
        403,
        `The chair removed ${identity} from this conference; only the chair can let it back in.`,
        { identity },
      );
    }
    await this.withRoom(meetingId, () => Promise.resolve());
    await this.roomLimit?.admit(user, meetingId, identity, who.displayName, async () =>
      (await this.withRoom(meetingId, () => this.media.control.listParticipants(meetingId))).map(
        (p) => p.identity,
      ),
    );
    const info = await mediaCall(() =>
      this.media.createJoinInfo({
        meetingId,
        identity: who.identity,
        role: who.role,
        displayName: who.displayName,
        ...(who.unit ? { unit: who.unit } : {}),
      }),
    );
    return {
      url: info.url,
      token: info.token,
      identity: info.identity,
      expiresAt: info.expiresAt,
      canPublish: grantProfiles[who.role].canPublish,
      role: who.role,
      roomName: info.roomName,
      closedNetwork: info.closedNetwork,
    };
  }

  // ---------------------------------------------------------------- chair controls

  private async chairOf(user: AuthUser, meetingId: string): Promise<MeetingAccess> {
    const access = await requireAccess(
      user,
      meetingId,
      canChair,
      'Only the chair controls the conference.',
    );
    requireLive(access);
    return access;
  }

  private async audit(
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

  /** Gives a participant the floor (publish on). @throws AppError 403/404/409/503. */
  async grantFloor(
    user: AuthUser,
    meetingId: string,
    identity: string,
  ): Promise<ConferenceParticipantView> {
    await this.chairOf(user, meetingId);
    const p = await this.withRoom(meetingId, () =>
      this.media.control.grantFloor(meetingId, identity),
    );
    await this.audit(user, meetingId, 'conference.floor_granted', identity, { canPublish: true });
    return participantView(p);
  }

  /** Ends a participant's floor (publish off, its tracks stop). @throws AppError 403/404/409/503. */
  async endFloor(
    user: AuthUser,
    meetingId: string,
    identity: string,
  ): Promise<ConferenceParticipantView> {
    await this.chairOf(user, meetingId);
    const p = await this.withRoom(meetingId, () =>
      this.media.control.endFloor(meetingId, identity),
    );
    await this.audit(user, meetingId, 'conference.floor_ended', identity, { canPublish: false });
    return participantView(p);
  }

  /** Mutes a participant's microphone, or one of its tracks. @throws AppError 403/404/409/503. */
  async mute(
    user: AuthUser,
    meetingId: string,
    identity: string,
    trackSid: string | undefined,
  ): Promise<ConferenceMuteResult> {
    await this.chairOf(user, meetingId);
    const sids = await this.withRoom(meetingId, async () => {
      if (!trackSid) return this.media.control.muteTrack(meetingId, identity, 'microphone');
      const p = await this.media.control.getParticipant(meetingId, identity);
      const track = p.tracks.find((t) => t.sid === trackSid);
      if (!track) throw notFound(`Track ${trackSid} of ${identity}`);
      if (track.source === 'unknown') throw badRequest(`Track ${trackSid} has no known source.`);
      return this.media.control.muteTrack(meetingId, identity, track.source);
    });
    if (sids.length > 0) await this.audit(user, meetingId, 'conference.muted', identity, { sids });
    return { muted: sids.length > 0 ? [identity] : [], trackSids: sids };
  }

  /**
   * Asks a participant who may speak (holds the floor, or the hub) to turn its microphone back
   * on: LiveKit has no remote unmute here, so its screen asks the people there, who accept. The
   * server still decides who is heard: without the floor the request is refused.
   * @throws AppError 403/404/409 (`floor_required` without the floor)/503.
   */
  async askUnmute(user: AuthUser, meetingId: string, identity: string): Promise<void> {
    await this.chairOf(user, meetingId);
    const p = await this.withRoom(meetingId, () =>
      this.media.control.getParticipant(meetingId, identity),
    );
    if (!p.canPublish) {
      throw appError(
        'floor_required',
        409,
        `${identity} does not hold the floor: give it the floor before asking it to unmute.`,
        { identity },
      );
    }
    await liveService.publish(meetingId, 'conference.unmute_requested', { identity });
    await this.audit(user, meetingId, 'conference.unmute_requested', identity);
  }

  /** Mutes every microphone but the chair's and the hub's. @throws AppError 403/404/409/503. */
  async muteAll(user: AuthUser, meetingId: string): Promise<ConferenceMuteResult> {
    await this.chairOf(user, meetingId);
    const muted = await this.withRoom(meetingId, () =>
      this.media.control.muteAllExceptChair(meetingId),
    );
    await this.audit(user, meetingId, 'conference.muted_all', null, { muted });
    return { muted, trackSids: [] };
  }

  /** Spotlights a participant on every screen (null clears). @throws AppError 403/404/409/503. */
  async spotlight(
    user: AuthUser,
    meetingId: string,
    identity: string | null,
  ): Promise<RoomMetadata> {
    await this.chairOf(user, meetingId);
    const metadata = await this.withRoom(meetingId, () =>
      this.media.control.setSpotlight(meetingId, identity),
    );
    await this.audit(user, meetingId, 'conference.spotlight', identity, { spotlight: identity });
    return metadata;
  }

  /**
   * Disconnects a participant, who gets no new token until the chair lets it back in.
   * @throws AppError 403/404/409/503.
   */
  async remove(user: AuthUser, meetingId: string, identity: string): Promise<void> {
    await this.chairOf(user, meetingId);
    // Recorded first: a participant rejoining at once must already be refused.
    try {
      await ConferenceRemovalModel.create({
        _id: removalKey(meetingId, identity),
        meetingId: oid(meetingId),
        identity,
        removedAt: new Date(),
        removedBy: oid(user.id),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    await this.withRoom(meetingId, () => this.media.control.removeParticipant(meetingId, identity));
    await this.audit(user, meetingId, 'conference.removed', identity);
  }

  /** Participants removed and not let back in. @throws AppError 403/404. */
  async removed(user: AuthUser, meetingId: string): Promise<ConferenceRemoval[]> {
    await requireAccess(
      user,
      meetingId,
      canTakeRollCall,
      'Only the chair or the secretary sees who was removed.',
    );
    return this.removedOf(meetingId);
  }

  /** Participants removed and not let back in, without access checks (the live feed). */
  async removedOf(meetingId: string): Promise<ConferenceRemoval[]> {
    const rows = await ConferenceRemovalModel.find({ meetingId: oid(meetingId) }).lean();
    return rows
      .map((r) => ({ identity: r.identity, removedAt: r.removedAt.toISOString() }))
      .sort((a, b) => a.removedAt.localeCompare(b.removedAt));
  }

  /** Lets a removed participant join again. @throws AppError 403/404/409. */
  async readmit(user: AuthUser, meetingId: string, identity: string): Promise<void> {
    await this.chairOf(user, meetingId);
    const res = await ConferenceRemovalModel.deleteOne({ _id: removalKey(meetingId, identity) });
    if (res.deletedCount > 0) await this.audit(user, meetingId, 'conference.readmitted', identity);
  }

  /** The room metadata (title, current item, spotlight). @throws AppError 403/404/409. */
  async room(user: AuthUser, meetingId: string): Promise<RoomMetadata> {
    const access = await requireAccess(user, meetingId);
    if (!takesPart(access)) throw forbidden('You do not take part in this meeting.');
    requireLive(access);
    return this.withRoom(meetingId, () => this.media.control.roomMetadata(meetingId));
  }

  // ---------------------------------------------------------------- roll call

  /** Expected sites against connected ones. @throws AppError 403/404/409/503. */
  async rollCall(user: AuthUser, meetingId: string): Promise<ConferenceRollCall> {
    const access = await requireAccess(
      user,
      meetingId,
      canTakeRollCall,
      'Only the chair or the secretary takes the roll call.',
    );
    requireLive(access);
    return this.rollCallOf(meetingId);
  }

  /** The roll call without access checks (the live feed). @throws AppError 503. */
  async rollCallOf(meetingId: string): Promise<ConferenceRollCall> {
    const sites = await conferenceSitesOf(meetingId);
    const byIdentity = new Map(sites.map((s) => [s.identity, s]));
    const [phone, intervals] = await Promise.all([
      PhoneMarkModel.find({ meetingId: oid(meetingId) }, { siteId: 1 }).lean(),
      RemoteIntervalModel.find(
        { meetingId: oid(meetingId), subjectKind: 'site' },
        { subjectId: 1, leftAt: 1 },
      ).lean(),
    ]);
    const byId = new Map(sites.map((s) => [s.siteId, s]));
    const presentByPhone = phone
      .map((m) => byId.get(m.siteId.toHexString())?.unit.code)
      .filter((c): c is string => c !== undefined);
    const lastSeen = new Map<string, Date>();
    for (const i of intervals) {
      const site = byId.get(i.subjectId.toHexString());
      if (!site || !i.leftAt) continue;
      const prev = lastSeen.get(site.identity);
      if (!prev || prev < i.leftAt) lastSeen.set(site.identity, i.leftAt);
    }
    const rc = await this.withRoom(meetingId, () =>
      this.media.rollCall(meetingId, {
        expectedSites: sites.map((s) => s.unit),
        presentByPhone,
        lastSeen,
      }),
    );
    return {
      ...rc,
      sites: rc.sites.map((s) => ({
        siteId: (byIdentity.get(s.identity) as ConferenceSite).siteId,
        ...s,
      })),
    };
  }

  /**
   * Marks a site present by phone (its video failed): a roll-call mark through the attendance
   * record, remembered for the conference roll call. @throws AppError 403/404/409.
   */
  async presentByPhone(user: AuthUser, meetingId: string, siteId: string): Promise<Attendance> {
    await requireAccess(
      user,
      meetingId,
      canTakeRollCall,
      'Only the chair or the secretary marks a site present by phone.',
    );
    const site = await conferenceSite(meetingId, siteId);
    if (!site) throw notFound(`Site ${siteId} of meeting ${meetingId}`);
    const attendance = await attendanceService.markSite(user, meetingId, siteId, {
      status: 'present_remote',
    });
    const at = new Date();
    await PhoneMarkModel.updateOne(
      { meetingId: oid(meetingId), siteId: oid(siteId) },
      { $set: { by: oid(user.id), at } },
      { upsert: true },
    );
    await this.audit(user, meetingId, 'conference.present_by_phone', site.identity, { siteId });
    return attendance;
  }

  // ---------------------------------------------------------------- recording

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
    await this.chairOf(user, meetingId);
    if (this.recordings.has(meetingId)) {
      throw conflict('The conference audio is already being recorded.', {
        reason: 'already_running',
      });
    }
    const active: ActiveRecording = { fileId: null, startedBy: user.id, startedAt: new Date() };
    const bucket = this.recordingBucket();
    const { startedAt } = await this.withRoom(meetingId, () =>
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
    await this.audit(user, meetingId, 'conference.recording_started', null, {
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
    return this.saveRecording(meetingId, result, active, user);
  }

  private async saveRecording(
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

  /** Streams a recording's file. @throws AppError 403/404. */
  async downloadRecording(
    user: AuthUser,
    meetingId: string,
    recordingId: string,
    res: Response,
  ): Promise<void> {
    await requireAccess(user, meetingId, canReadDocuments, 'You do not take part in this meeting.');
    const r = await RecordingModel.findOne({
      _id: oid(recordingId),
      meetingId: oid(meetingId),
    }).lean();
    if (!r) throw notFound(`Recording ${recordingId}`);
    res.status(200).set({
      'Content-Type': r.contentType,
      'Content-Length': String(r.bytes),
      'Content-Disposition': contentDisposition('attachment', r.filename),
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    await new Promise<void>((resolve, reject) => {
      const stream = this.recordingBucket().openDownloadStream(r.fileId);
      stream.on('error', (err) => {
        if (res.headersSent) {
          res.destroy(err);
          resolve();
          return;
        }
        res.removeHeader('Content-Length');
        res.removeHeader('Content-Disposition');
        reject(err);
      });
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  }

  /**
   * Starts a video recording through LiveKit Egress.
   * @throws AppError 501 `not_configured` when Egress is not set up; 403/404/409/503.
   */
  async startVideoRecording(user: AuthUser, meetingId: string): Promise<VideoRecordingInfo> {
    await this.chairOf(user, meetingId);
    if (!this.media.egress.configured) {
      throw appError(
        'not_configured',
        501,
        'Video recording needs LiveKit Egress (Redis, Chrome and GStreamer next to LiveKit), which is not configured on this server. Record the audio instead, or see infra/deploy/egress.md.',
      );
    }
    const video = await mediaCall(() => this.media.egress.startVideoRecording(meetingId));
    await this.audit(user, meetingId, 'conference.video_recording_started', null, {
      egressId: video.egressId,
    });
    return {
      ...video,
      startedAt: video.startedAt?.toISOString() ?? null,
      endedAt: video.endedAt?.toISOString() ?? null,
    };
  }

  // ---------------------------------------------------------------- floor hooks

  private async identityOfSpeaker(
    meetingId: string,
    speaker: FloorEntry['speaker'] | { kind: string; id: string },
  ): Promise<string | null> {
    if (speaker.kind === 'user') return userIdentity(speaker.id);
    if (speaker.kind === 'site')
      return (await conferenceSite(meetingId, speaker.id))?.identity ?? null;
    return null;
  }

  private async floorMoved(meetingId: string, entry: FloorEntry, on: boolean): Promise<void> {
    const identity = await this.identityOfSpeaker(meetingId, entry.speaker);
    if (!identity) return;
    try {
      if (on) await this.media.control.grantFloor(meetingId, identity);
      else await this.media.control.endFloor(meetingId, identity);
      this.onChange?.(meetingId);
    } catch (err) {
      // Not connected (yet): a speaker who joins later gets the floor on joining (webhook).
      if (isMediaFailure(err, 'not_connected') || isMediaFailure(err, 'room_not_found')) {
        this.logger.info(
          { meetingId, identity, on },
          'floor moved for a participant not connected',
        );
        return;
      }
      throw err;
    }
  }

  // ---------------------------------------------------------------- webhooks

  /**
   * Verifies a LiveKit webhook and records it: joins and leaves as attendance intervals,
   * room start and finish in the audit chain. Each event once (by LiveKit's event id).
   * @throws AppError 401 (bad signature: nothing recorded), 400 (not a webhook).
   */
  async handleWebhook(rawBody: Buffer, authorization: string | undefined): Promise<void> {
    await mediaCall(() => this.media.webhook.handle(rawBody, authorization, (e) => this.record(e)));
  }

  private async attendanceIdentity(
    meetingId: string,
    event: ParticipantJoinedEvent | ParticipantLeftEvent,
  ): Promise<string | null> {
    const parsed = event.parsed;
    if (parsed?.kind === 'user') return `user:${parsed.userId}`;
    if (parsed?.kind === 'site') {
      const site = (await conferenceSitesOf(meetingId)).find((s) => s.identity === event.identity);
      return site ? `site:${site.siteId}` : null;
    }
    return null;
  }

  private async record(event: ConferenceEvent): Promise<void> {
    const meetingId = event.meetingId;
    if (!(await MeetingModel.exists({ _id: oid(meetingId) }))) return;
    const participant = event.type === 'participant_joined' || event.type === 'participant_left';
    if (participant && event.service) return;
    try {
      await WebhookEventModel.create({
        eventId: event.eventId,
        meetingId: oid(meetingId),
        type: event.type,
        identity: participant ? event.identity : null,
        participantSid: participant ? event.participantSid : null,
        at: event.at,
      });
    } catch (err) {
      if (isDuplicateKey(err)) return;
      throw err;
    }
    try {
      await this.apply(event);
      this.onChange?.(meetingId);
    } catch (err) {
      // Let LiveKit's retry record it.
      await WebhookEventModel.deleteOne({ eventId: event.eventId }).catch(() => undefined);
      throw err;
    }
  }

  private async apply(event: ConferenceEvent): Promise<void> {
    const meetingId = event.meetingId;
    switch (event.type) {
      case 'room_started':
      case 'room_finished':
        await auditService.append({
          meetingId,
          actor: null,
          action: `conference.${event.type}`,
          target: { kind: 'conference', id: event.roomName },
          after: { room: event.roomName },
          at: event.at,
        });
        return;
      case 'participant_joined': {
        const subject = await this.attendanceIdentity(meetingId, event);
        if (!subject) return;
        await attendanceService.recordRemoteJoin(meetingId, subject, event.at);
        // A leave that overtook its join closes the interval now.
        const left = await WebhookEventModel.findOne({
          meetingId: oid(meetingId),
          participantSid: event.participantSid,
          type: 'participant_left',
        }).lean();
        if (left) {
          await attendanceService.recordRemoteLeave(meetingId, subject, left.at);
          return;
        }
        await this.restoreFloor(meetingId, event.identity);
        return;
      }
      case 'participant_left': {
        // The same identity connected again (a new session replaced this one): still present.
        if (event.reason === 'DUPLICATE_IDENTITY') return;
        const subject = await this.attendanceIdentity(meetingId, event);
        if (!subject) return;
        // A leave that overtakes its join closes nothing here; the join closes it (above).
        await attendanceService.recordRemoteLeave(meetingId, subject, event.at);
        return;
      }
    }
  }

  /** A speaker who holds the floor in the record and (re)joins gets publishing back. */
  private async restoreFloor(meetingId: string, identity: string): Promise<void> {
    const granted = await FloorEntryModel.find(
      { meetingId: oid(meetingId), status: 'granted' },
      { speakerKind: 1, speakerId: 1 },
    ).lean();
    for (const g of granted) {
      const id = await this.identityOfSpeaker(meetingId, {
        kind: g.speakerKind,
        id: g.speakerId.toHexString(),
      });
      if (id !== identity) continue;
      await this.media.control.grantFloor(meetingId, identity).catch((err: unknown) => {
        this.logger.warn({ err, meetingId, identity }, 'restoring the floor on join failed');
      });
    }
  }
}
