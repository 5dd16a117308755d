import type { Logger } from 'pino';
import type { MediaService } from '../../media/media-service';
import type {
  ConferenceEvent,
  ParticipantJoinedEvent,
  ParticipantLeftEvent,
} from '../../media/webhook';
import { RemoteIntervalModel } from '../attendance/attendance.model';
import { attendanceService } from '../attendance/attendance.service';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type { Attendance } from '../contracts/attendance';
import type { ConferenceRollCall } from '../contracts/conference';
import { notFound } from '../errors';
import { requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { canTakeRollCall } from '../meetings/meeting.policy';
import { FloorEntryModel } from '../speakers/floor-entry.model';
import { isDuplicateKey, oid, requireLive } from './conference-access';
import type { ConferenceRooms } from './conference-rooms';
import { conferenceSite, conferenceSitesOf, speakerIdentity } from './conference-sites';
import type { ConferenceSite } from './conference-sites';
import { PhoneMarkModel, WebhookEventModel } from './conference.model';
import { mediaCall } from './media-error-map';

/**
 * Who is there: the roll call (expected sites against connected ones, phone marks), and the
 * LiveKit webhooks recorded as attendance intervals and room events, each event once; a
 * speaker holding the floor who (re)joins gets it back.
 */
export class ConferenceAttendance {
  constructor(
    private readonly media: MediaService,
    private readonly logger: Logger,
    private readonly rooms: ConferenceRooms,
    /** Told when what the chair's console shows may have changed (the live feed). */
    private readonly changed: (meetingId: string) => void = () => undefined,
  ) {}

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
    const rc = await this.rooms.withRoom(meetingId, () =>
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
    await this.rooms.audit(user, meetingId, 'conference.present_by_phone', site.identity, {
      siteId,
    });
    return attendance;
  }

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
      this.changed(meetingId);
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
      const id = await speakerIdentity(meetingId, {
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
