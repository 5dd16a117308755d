import type { RoomMetadata } from '../../media/contracts/conference-room';
import { grantProfiles } from '../../media/contracts/grant-profiles';
import { formatParticipantIdentity } from '../../media/contracts/participant-identity';
import type { MediaService } from '../../media/media-service';
import type { AuthUser } from '../auth/auth-user';
import type { ConferenceTokenInfo, ConferenceTokenRequest } from '../contracts/conference';
import { appError, forbidden, notFound } from '../errors';
import { accessOf, requireAccess } from '../meetings/meeting-access.service';
import { takesPart } from '../meetings/meeting.policy';
import { requireLive } from './conference-access';
import { whoJoins } from './conference-join';
import { conferenceRefusals } from './conference-refusals';
import type { ConferenceRooms } from './conference-rooms';
import { ConferenceRemovalModel, removalKey } from './conference.model';
import { mediaCall } from './media-error-map';
import type { RoomLimit } from './room-limit';

/** Joining the conference: who joins with which grants (the token), and the room's metadata. */
export class ConferenceJoining {
  constructor(
    private readonly media: MediaService,
    private readonly rooms: ConferenceRooms,
    /** The configured limit of simultaneous connections per room (none: unlimited). */
    private readonly roomLimit?: RoomLimit,
  ) {}

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
    await this.rooms.withRoom(meetingId, () => Promise.resolve());
    await this.roomLimit?.admit(user, meetingId, identity, who.displayName, async () =>
      (
        await this.rooms.withRoom(meetingId, () => this.media.control.listParticipants(meetingId))
      ).map((p) => p.identity),
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

  /** The room metadata (title, current item, spotlight). @throws AppError 403/404/409. */
  async room(user: AuthUser, meetingId: string): Promise<RoomMetadata> {
    const access = await requireAccess(user, meetingId);
    if (!takesPart(access)) throw forbidden('You do not take part in this meeting.');
    requireLive(access);
    return this.rooms.withRoom(meetingId, () => this.media.control.roomMetadata(meetingId));
  }
}
