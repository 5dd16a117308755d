import type { ParticipantInfo, ParticipantPermission } from 'livekit-server-sdk';
import {
  alwaysPublishes,
  canHoldFloor,
  FLOOR_ATTRIBUTE,
  FLOOR_GRANTED,
  floorGrantedIn,
  grantProfiles,
  joinSources,
} from './contracts/grant-profiles';
import type { ConferenceRole, TrackSourceName } from './contracts/grant-profiles';
import { TRACK_SOURCE } from './access-tokens';
import { roleOf, toParticipant } from './conference-participant';
import type { ConferenceParticipant } from './conference-participant';
import { roomName, roomNotFound } from './livekit-room-api';
import type { LivekitRoomApi } from './livekit-room-api';
import { MediaError } from './media-errors';

// The floor and the mutes of a meeting's conference: who may publish what, and when LiveKit
// mutes a track. Used through ConferenceControl, whose methods document the contract.

/** Gives the floor (see ConferenceControl.grantFloor). */
export async function grantFloor(
  api: LivekitRoomApi,
  meetingId: string,
  identity: string,
  sources?: readonly TrackSourceName[],
  knownRole?: ConferenceRole | null,
): Promise<ConferenceParticipant> {
  // The fast path: the role is known from the meeting's monitor (the metadata LiveKit gave it,
  // which only the server's token sets), so the grant goes straight to UpdateParticipant,
  // whose answer carries the tracks to unmute: one server request fewer before the site
  // learns it has the floor.
  if (knownRole && canHoldFloor(knownRole)) {
    const chosen = floorSources(knownRole, sources);
    const updated = await setFloor(api, meetingId, identity, knownRole, chosen);
    const actual = roleOf(updated);
    if (actual === knownRole) return toParticipant(updated);
    // The monitor's view was stale (the identity rejoined with another role): apply the role
    // LiveKit holds now, or take back what was granted.
    if (actual && canHoldFloor(actual)) {
      return toParticipant(
        await setFloor(api, meetingId, identity, actual, floorSources(actual, sources)),
      );
    }
    if (actual) await setFloor(api, meetingId, identity, actual, null);
    throw cannotHoldFloor(identity, actual);
  }
  const role = await floorTaker(api, meetingId, identity);
  return toParticipant(await setFloor(api, meetingId, identity, role, floorSources(role, sources)));
}

/**
 * The sources a grant opens: those asked, each allowed to the role, or all the role's.
 * @throws MediaError `not_allowed`.
 */
function floorSources(
  role: ConferenceRole,
  sources: readonly TrackSourceName[] | undefined,
): readonly TrackSourceName[] {
  const allowed = grantProfiles[role].floorSources;
  const chosen = sources ?? allowed;
  const bad = chosen.filter((s) => !allowed.includes(s));
  if (bad.length > 0 || chosen.length === 0) {
    throw new MediaError(
      'not_allowed',
      `The floor opens only ${allowed.join(', ')} for a ${role}.`,
    );
  }
  return chosen;
}

/** Ends the floor (see ConferenceControl.endFloor). */
export async function endFloor(
  api: LivekitRoomApi,
  meetingId: string,
  identity: string,
): Promise<ConferenceParticipant> {
  const role = await floorTaker(api, meetingId, identity);
  return toParticipant(await setFloor(api, meetingId, identity, role, null));
}

/** Mutes again what a participant unmuted without the floor (see ConferenceControl.enforceFloor). */
export async function enforceFloor(
  api: LivekitRoomApi,
  meetingId: string,
  identity: string,
): Promise<string[]> {
  const info = await api.participantInfo(meetingId, identity);
  const role = roleOf(info);
  if (role && alwaysPublishes(role)) return [];
  if (role && canHoldFloor(role) && floorGrantedIn(info.attributes)) return [];
  const name = roomName(meetingId);
  const open = info.tracks.filter((t) => !t.muted);
  for (const track of open) {
    await api.call(
      () => api.client.mutePublishedTrack(name, identity, track.sid, true),
      meetingId,
      identity,
    );
  }
  return open.map((t) => t.sid);
}

/** Mutes a participant's tracks of one source (see ConferenceControl.muteTrack). */
export async function muteTrack(
  api: LivekitRoomApi,
  meetingId: string,
  identity: string,
  source: TrackSourceName,
): Promise<string[]> {
  const info = await api.participantInfo(meetingId, identity);
  return muteSource(api, meetingId, info, source);
}

/** Mutes every microphone but the chair's and the hub's (see ConferenceControl). */
export async function muteAllExceptChair(
  api: LivekitRoomApi,
  meetingId: string,
): Promise<string[]> {
  const name = roomName(meetingId);
  if (!(await api.isOpen(meetingId))) throw roomNotFound(meetingId);
  const infos = await api.call(() => api.client.listParticipants(name));
  const targets = infos.filter((info) => {
    const role = roleOf(info);
    return !(role && alwaysPublishes(role));
  });
  const muted: string[] = [];
  await forEachLimited(targets, 8, async (info) => {
    const sids = await muteSource(api, meetingId, info, 'microphone').catch((err: unknown) => {
      // The participant left between the listing and the mute: nothing to mute.
      if (err instanceof MediaError && err.code === 'not_connected') return [];
      throw err;
    });
    if (sids.length > 0) muted.push(info.identity);
  });
  return muted.sort();
}

/**
 * A participant whose role takes the floor by grant, with that role.
 * @throws MediaError `not_allowed` for a role that always has it or never takes it;
 *   `not_connected`, `room_not_found`.
 */
async function floorTaker(
  api: LivekitRoomApi,
  meetingId: string,
  identity: string,
): Promise<ConferenceRole> {
  const info = await api.participantInfo(meetingId, identity);
  const role = roleOf(info);
  if (!role || !canHoldFloor(role)) throw cannotHoldFloor(identity, role);
  return role;
}

function cannotHoldFloor(identity: string, role: ConferenceRole | null): MediaError {
  return new MediaError(
    'not_allowed',
    role && alwaysPublishes(role)
      ? `${identity} (${role}) always has the floor.`
      : `${identity} cannot take the floor (role ${role ?? 'unknown'}).`,
  );
}

/**
 * Sets the floor attribute and the publish permission of a participant of `role` (its grant
 * profile, the floor's sources added when `granted`), then unmutes or mutes its microphone.
 * @returns LiveKit's view after the change (the mute state set).
 */
async function setFloor(
  api: LivekitRoomApi,
  meetingId: string,
  identity: string,
  role: ConferenceRole,
  granted: readonly TrackSourceName[] | null,
): Promise<ParticipantInfo> {
  const on = granted !== null;
  const sources = [...new Set([...joinSources(role), ...(granted ?? [])])];
  // LiveKit replaces the whole permission: the role's profile (the token's grants) with the
  // floor's sources.
  const profile = grantProfiles[role];
  const permission: Partial<ParticipantPermission> = {
    canSubscribe: profile.canSubscribe,
    canPublishData: profile.canPublishData,
    canUpdateMetadata: false,
    hidden: profile.hidden,
    canPublish: sources.length > 0,
    canPublishSources: sources.map((s) => TRACK_SOURCE[s]),
  };
  const name = roomName(meetingId);
  // SECURITY: the attribute changes before the microphone is unmuted: the monitor mutes again
  // any microphone unmuted by a participant that does not hold the floor (enforceFloor).
  const updated = await api.call(
    () =>
      api.client.updateParticipant(name, identity, {
        permission,
        // An empty value deletes the attribute.
        attributes: { [FLOOR_ATTRIBUTE]: on ? FLOOR_GRANTED : '' },
      }),
    meetingId,
    identity,
  );
  const unmute = on && granted.includes('microphone');
  const mic = TRACK_SOURCE.microphone;
  // Grant: unmute the muted microphone (room.enable_remote_unmute). End: mute it.
  const toChange = updated.tracks.filter(
    (t) => t.source === mic && (on ? unmute && t.muted : !t.muted),
  );
  for (const track of toChange) {
    await api.call(
      () => api.client.mutePublishedTrack(name, identity, track.sid, !on),
      meetingId,
      identity,
    );
    track.muted = !on;
  }
  return updated;
}

async function muteSource(
  api: LivekitRoomApi,
  meetingId: string,
  info: ParticipantInfo,
  source: TrackSourceName,
): Promise<string[]> {
  const wanted = TRACK_SOURCE[source];
  const tracks = info.tracks.filter((t) => t.source === wanted && !t.muted);
  const name = roomName(meetingId);
  for (const track of tracks) {
    await api.call(
      () => api.client.mutePublishedTrack(name, info.identity, track.sid, true),
      meetingId,
      info.identity,
    );
  }
  return tracks.map((t) => t.sid);
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
