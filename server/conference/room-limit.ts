import type { AuthUser } from '../auth/auth-user';
import { auditService } from '../audit/audit.service';
import { appError } from '../errors';
import { liveService } from '../live/live.service';

/** How long an issued token holds a place before its holder shows up in the room. */
const RESERVATION_MS = 60_000;
/** A refused identity is audited and announced at most once per this interval. */
const NOTICE_INTERVAL_MS = 60_000;

/** What the limit does when it refuses someone (audit, live notice to the chair). */
export type RoomRefusalListener = (refusal: {
  user: AuthUser;
  meetingId: string;
  identity: string;
  displayName: string;
  limit: number;
  connected: number;
}) => Promise<void>;

/**
 * The configured limit on simultaneous connections per conference room
 * (CONFERENCE_MAX_PARTICIPANTS). A place is taken by whoever is in the room (hidden helpers
 * such as the recorder do not count) and, for a minute, by whoever was just given a token,
 * so that several sites joining at once cannot overshoot it. Someone already counted (a
 * reconnecting site) is always let back in.
 */
export class RoomLimit {
  private readonly reserved = new Map<string, Map<string, number>>();
  private readonly noticed = new Map<string, number>();

  constructor(
    readonly max: number,
    private readonly onRefused: RoomRefusalListener,
  ) {}

  /**
   * Takes a place for `identity` or refuses it.
   * @param inRoom identities connected now (the media server's view).
   * @throws AppError 409 `room_full` with `{ limit, connected }` in details.
   */
  async admit(
    user: AuthUser,
    meetingId: string,
    identity: string,
    displayName: string,
    inRoom: () => Promise<string[]>,
  ): Promise<void> {
    const now = Date.now();
    const places = this.reservationsOf(meetingId, now);
    const taken = new Set([...(await inRoom()), ...places.keys()]);
    if (!taken.has(identity) && taken.size >= this.max) {
      const key = `${meetingId}|${identity}`;
      if ((this.noticed.get(key) ?? 0) + NOTICE_INTERVAL_MS <= now) {
        this.noticed.set(key, now);
        if (this.noticed.size > 10_000) this.noticed.clear();
        await this.onRefused({
          user,
          meetingId,
          identity,
          displayName,
          limit: this.max,
          connected: taken.size,
        });
      }
      throw appError(
        'room_full',
        409,
        `The conference room is full: at most ${this.max} connections at once (CONFERENCE_MAX_PARTICIPANTS). Ask the chair, or try again when a site leaves.`,
        { limit: this.max, connected: taken.size },
      );
    }
    places.set(identity, now + RESERVATION_MS);
  }

  private reservationsOf(meetingId: string, now: number): Map<string, number> {
    let places = this.reserved.get(meetingId);
    if (!places) {
      places = new Map();
      this.reserved.set(meetingId, places);
    }
    for (const [id, until] of places) if (until <= now) places.delete(id);
    return places;
  }
}

/**
 * The default reaction to a refusal: an entry in the meeting's audit chain and a
 * `conference.refused` live event for the chair's console.
 */
export const announceRefusal: RoomRefusalListener = async (r) => {
  await auditService.append({
    meetingId: r.meetingId,
    actor: r.user,
    action: 'conference.join_refused',
    target: { kind: 'conference_participant', id: r.identity },
    after: { reason: 'room_full', limit: r.limit, connected: r.connected },
  });
  await liveService.publish(r.meetingId, 'conference.refused', {
    identity: r.identity,
    displayName: r.displayName,
    limit: r.limit,
    connected: r.connected,
  });
};
