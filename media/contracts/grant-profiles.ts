/**
 * What each role may do in a conference room, as data: the token grants and the publish
 * permission the floor toggles. The chair (and the provincial hub room that hosts the chair)
 * publishes and administers; sites and delegates subscribe and publish only while they hold the
 * floor; observers only subscribe; the recorder and the monitor are hidden helpers.
 * Screen sharing follows the same rule: the chair and the hub may share at any time, a site or a
 * delegate only while it holds the floor (the floor opens `screen_share` with microphone and
 * camera, and ending the floor takes every source away, so LiveKit unpublishes the share).
 */
export const conferenceRoles = [
  'chair',
  'hub',
  'site',
  'delegate',
  'observer',
  'recorder',
  'monitor',
] as const;

/** One of {@link conferenceRoles}. */
export type ConferenceRole = (typeof conferenceRoles)[number];

/** LiveKit track sources by name (the numeric enum lives in the SDKs). */
export const trackSourceNames = [
  'camera',
  'microphone',
  'screen_share',
  'screen_share_audio',
] as const;

/** One of {@link trackSourceNames}. */
export type TrackSourceName = (typeof trackSourceNames)[number];

/** The grants of one role. */
export interface GrantProfile {
  /** May receive the others' media. */
  canSubscribe: boolean;
  /** May publish media from the moment it joins (without holding the floor). */
  canPublish: boolean;
  /** Sources it may publish when `canPublish` (an empty list would mean all: never used here). */
  publishSources: readonly TrackSourceName[];
  /**
   * Sources it publishes from joining, muted, without being on air: the server unmutes them when
   * it grants the floor (no new publication on that path) and mutes them when the floor ends.
   * The SFU forwards nothing of a muted track; a client that unmutes itself without the floor
   * is muted again by the meeting's monitor (docs/media.md, "Grants and the floor").
   */
  mutedSources: readonly TrackSourceName[];
  /**
   * Sources the floor opens for it; empty when this role never takes the floor (it either
   * always publishes or never does).
   */
  floorSources: readonly TrackSourceName[];
  /** May send data messages (connection-quality reports to the monitor). */
  canPublishData: boolean;
  /** Invisible to the other participants. */
  hidden: boolean;
  /**
   * May use the chair controls (floor, mute, spotlight, remove) through the API. SECURITY: never
   * turned into LiveKit's roomAdmin grant in a browser token, which would let the browser call
   * the LiveKit server API itself and bypass the API's authorization and audit.
   */
  admin: boolean;
}

const PRESENTING: readonly TrackSourceName[] = [
  'microphone',
  'camera',
  'screen_share',
  'screen_share_audio',
];

/** The grant profile of every role. */
export const grantProfiles: Readonly<Record<ConferenceRole, GrantProfile>> = {
  chair: {
    canSubscribe: true,
    canPublish: true,
    publishSources: PRESENTING,
    mutedSources: [],
    floorSources: [],
    canPublishData: true,
    hidden: false,
    admin: true,
  },
  hub: {
    canSubscribe: true,
    canPublish: true,
    publishSources: PRESENTING,
    mutedSources: [],
    floorSources: [],
    canPublishData: true,
    hidden: false,
    admin: true,
  },
  site: {
    canSubscribe: true,
    canPublish: false,
    publishSources: [],
    mutedSources: ['microphone'],
    floorSources: PRESENTING,
    canPublishData: true,
    hidden: false,
    admin: false,
  },
  delegate: {
    canSubscribe: true,
    canPublish: false,
    publishSources: [],
    mutedSources: ['microphone'],
    floorSources: PRESENTING,
    canPublishData: true,
    hidden: false,
    admin: false,
  },
  observer: {
    canSubscribe: true,
    canPublish: false,
    publishSources: [],
    mutedSources: [],
    floorSources: [],
    canPublishData: false,
    hidden: false,
    admin: false,
  },
  recorder: {
    canSubscribe: true,
    canPublish: false,
    publishSources: [],
    mutedSources: [],
    floorSources: [],
    canPublishData: false,
    hidden: true,
    admin: false,
  },
  monitor: {
    // Subscribes to nothing (autoSubscribe off); it only receives data messages.
    canSubscribe: true,
    canPublish: false,
    publishSources: [],
    mutedSources: [],
    floorSources: [],
    canPublishData: false,
    hidden: true,
    admin: false,
  },
};

/** Whether a role can be given the floor (it does not publish by default but may speak). */
export function canHoldFloor(role: ConferenceRole): boolean {
  return grantProfiles[role].floorSources.length > 0;
}

/** Whether a role publishes without the floor (chair, hub). */
export function alwaysPublishes(role: ConferenceRole): boolean {
  return grantProfiles[role].canPublish;
}

/**
 * The participant attribute the server sets to {@link FLOOR_GRANTED} on whoever holds the floor
 * (and clears when the floor ends). Only the server writes it: tokens never carry
 * `canUpdateOwnMetadata`, which also covers attributes.
 */
export const FLOOR_ATTRIBUTE = 'dienhong.floor';

/** The value of {@link FLOOR_ATTRIBUTE} while the floor is held. */
export const FLOOR_GRANTED = 'granted';

/** Whether a participant's attributes say it holds the floor. */
export function floorGrantedIn(attributes: Readonly<Record<string, string>> | undefined): boolean {
  return attributes?.[FLOOR_ATTRIBUTE] === FLOOR_GRANTED;
}

/** Sources a role may publish from joining: on air ones, then muted ones. */
export function joinSources(role: ConferenceRole): readonly TrackSourceName[] {
  const p = grantProfiles[role];
  return [...p.publishSources, ...p.mutedSources];
}
