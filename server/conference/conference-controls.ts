import type { Logger } from 'pino';
import type { ConferenceParticipant } from '../../media/conference-participant';
import type { RoomMetadata } from '../../media/contracts/conference-room';
import type { MediaService } from '../../media/media-service';
import { requireAccess } from '../meetings/meeting-access.service';
import { canTakeRollCall } from '../meetings/meeting.policy';
import type { AuthUser } from '../auth/auth-user';
import type {
  ConferenceMuteResult,
  ConferenceParticipantView,
  ConferenceRemoval,
} from '../contracts/conference';
import type { FloorEntry } from '../contracts/speakers';
import { appError, badRequest, notFound } from '../errors';
import { liveService } from '../live/live.service';
import type { FloorHooks } from '../speakers/floor-hooks';
import { isDuplicateKey, oid } from './conference-access';
import type { ConferenceRooms } from './conference-rooms';
import { speakerIdentity } from './conference-sites';
import { ConferenceRemovalModel, removalKey } from './conference.model';
import { isMediaFailure } from './media-error-map';

function participantView(p: ConferenceParticipant): ConferenceParticipantView {
  return {
    identity: p.identity,
    role: p.role,
    canPublish: p.canPublish,
    holdsFloor: p.holdsFloor,
    tracks: p.tracks.map((t) => ({ sid: t.sid, kind: t.kind, source: t.source, muted: t.muted })),
  };
}

/**
 * The chair's controls over the conference: the floor (also moved by the speaker queue through
 * `floorHooks`), mutes, spotlight, removing and letting back in. Every change is audited.
 */
export class ConferenceControls {
  constructor(
    private readonly media: MediaService,
    private readonly logger: Logger,
    private readonly rooms: ConferenceRooms,
    /** Told when what the chair's console shows may have changed (the live feed). */
    private readonly changed: (meetingId: string) => void = () => undefined,
  ) {}

  /** Turns publishing on and off when the speaker queue grants and ends the floor. */
  readonly floorHooks: FloorHooks = {
    onGranted: (meetingId, entry) => this.floorMoved(meetingId, entry, true),
    onEnded: (meetingId, entry) => this.floorMoved(meetingId, entry, false),
  };

  /** Gives a participant the floor (publish on). @throws AppError 403/404/409/503. */
  grantFloor(
    user: AuthUser,
    meetingId: string,
    identity: string,
  ): Promise<ConferenceParticipantView> {
    return this.chairMovesFloor(user, meetingId, identity, true);
  }

  /** Ends a participant's floor (publish off, its tracks stop). @throws AppError 403/404/409/503. */
  endFloor(
    user: AuthUser,
    meetingId: string,
    identity: string,
  ): Promise<ConferenceParticipantView> {
    return this.chairMovesFloor(user, meetingId, identity, false);
  }

  /** The chair gives (`on`) or ends a participant's floor in the room; audited. */
  private async chairMovesFloor(
    user: AuthUser,
    meetingId: string,
    identity: string,
    on: boolean,
  ): Promise<ConferenceParticipantView> {
    await this.rooms.chairOf(user, meetingId);
    const p = await this.rooms.withRoom(meetingId, () =>
      on
        ? this.media.control.grantFloor(meetingId, identity)
        : this.media.control.endFloor(meetingId, identity),
    );
    await this.rooms.audit(
      user,
      meetingId,
      on ? 'conference.floor_granted' : 'conference.floor_ended',
      identity,
      { canPublish: on },
    );
    return participantView(p);
  }

  /** Mutes a participant's microphone, or one of its tracks. @throws AppError 403/404/409/503. */
  async mute(
    user: AuthUser,
    meetingId: string,
    identity: string,
    trackSid: string | undefined,
  ): Promise<ConferenceMuteResult> {
    await this.rooms.chairOf(user, meetingId);
    const sids = await this.rooms.withRoom(meetingId, async () => {
      if (!trackSid) return this.media.control.muteTrack(meetingId, identity, 'microphone');
      const p = await this.media.control.getParticipant(meetingId, identity);
      const track = p.tracks.find((t) => t.sid === trackSid);
      if (!track) throw notFound(`Track ${trackSid} of ${identity}`);
      if (track.source === 'unknown') throw badRequest(`Track ${trackSid} has no known source.`);
      return this.media.control.muteTrack(meetingId, identity, track.source);
    });
    if (sids.length > 0)
      await this.rooms.audit(user, meetingId, 'conference.muted', identity, { sids });
    return { muted: sids.length > 0 ? [identity] : [], trackSids: sids };
  }

  /**
   * Asks a participant who may speak (holds the floor, or the hub) to turn its microphone back
   * on: LiveKit has no remote unmute here, so its screen asks the people there, who accept. The
   * server still decides who is heard: without the floor the request is refused.
   * @throws AppError 403/404/409 (`floor_required` without the floor)/503.
   */
  async askUnmute(user: AuthUser, meetingId: string, identity: string): Promise<void> {
    await this.rooms.chairOf(user, meetingId);
    const p = await this.rooms.withRoom(meetingId, () =>
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
    await this.rooms.audit(user, meetingId, 'conference.unmute_requested', identity);
  }

  /** Mutes every microphone but the chair's and the hub's. @throws AppError 403/404/409/503. */
  async muteAll(user: AuthUser, meetingId: string): Promise<ConferenceMuteResult> {
    await this.rooms.chairOf(user, meetingId);
    const muted = await this.rooms.withRoom(meetingId, () =>
      this.media.control.muteAllExceptChair(meetingId),
    );
    await this.rooms.audit(user, meetingId, 'conference.muted_all', null, { muted });
    return { muted, trackSids: [] };
  }

  /** Spotlights a participant on every screen (null clears). @throws AppError 403/404/409/503. */
  async spotlight(
    user: AuthUser,
    meetingId: string,
    identity: string | null,
  ): Promise<RoomMetadata> {
    await this.rooms.chairOf(user, meetingId);
    const metadata = await this.rooms.withRoom(meetingId, () =>
      this.media.control.setSpotlight(meetingId, identity),
    );
    await this.rooms.audit(user, meetingId, 'conference.spotlight', identity, {
      spotlight: identity,
    });
    return metadata;
  }

  /**
   * Disconnects a participant, who gets no new token until the chair lets it back in.
   * @throws AppError 403/404/409/503.
   */
  async remove(user: AuthUser, meetingId: string, identity: string): Promise<void> {
    await this.rooms.chairOf(user, meetingId);
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
    await this.rooms.withRoom(meetingId, () =>
      this.media.control.removeParticipant(meetingId, identity),
    );
    await this.rooms.audit(user, meetingId, 'conference.removed', identity);
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
    await this.rooms.chairOf(user, meetingId);
    const res = await ConferenceRemovalModel.deleteOne({ _id: removalKey(meetingId, identity) });
    if (res.deletedCount > 0)
      await this.rooms.audit(user, meetingId, 'conference.readmitted', identity);
  }

  private async floorMoved(meetingId: string, entry: FloorEntry, on: boolean): Promise<void> {
    const identity = await speakerIdentity(meetingId, entry.speaker);
    if (!identity) return;
    try {
      if (on) await this.media.control.grantFloor(meetingId, identity);
      else await this.media.control.endFloor(meetingId, identity);
      this.changed(meetingId);
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
}
