import type { LocalVideoTrack, RemoteAudioTrack, RemoteTrack } from 'livekit-client';
import type { Ref, ShallowRef } from 'vue';
import type { ConnectionQualityLevel } from '../../../media/contracts/connection-quality';
import type { RoomMetadata } from '../../../media/contracts/conference-room';
import type { ConferenceToken } from './conference-api';
import type { DeviceChoice, DeviceKind, DeviceLists } from './useDevices';

/*
 * The shapes of a screen's conference link (see useConference.ts): what the bridge screens
 * show of each participant and the state and controls the pages use.
 */
/** A microphone as the screens show it: live, muted, or not published. */
export type MicrophoneState = 'on' | 'muted' | 'off';

/** One participant as the bridge screens show it. */
export interface ConferenceTile {
  identity: string;
  name: string;
  /** hub, site, chair, delegate, observer (from the server-set metadata). */
  role: string;
  /** May publish now: the chair or hub, or whoever holds the floor. */
  canPublish: boolean;
  /** Its camera (null in audio-only mode). */
  video: RemoteTrack | null;
  /** The screen or window it shares (null when none, and in audio-only mode). */
  screen: RemoteTrack | null;
  audio: RemoteAudioTrack | null;
  quality: ConnectionQualityLevel;
  speaking: boolean;
  /** Everyone sees who is muted. */
  microphone: MicrophoneState;
}

/** Where the conference link stands. */
export type ConferenceStatus =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'rejoining'
  | 'ended'
  | 'unavailable'
  | 'failed';

/** The state and controls of {@link useConference}. */
export interface Conference {
  status: Ref<ConferenceStatus>;
  /** The last error (token refused, connection failed), for the page to explain. */
  error: ShallowRef<unknown>;
  info: ShallowRef<ConferenceToken | null>;
  tiles: ShallowRef<ConferenceTile[]>;
  /** The tile every screen shows large: the spotlight, else the floor holder, else the chair. */
  programme: ShallowRef<ConferenceTile | null>;
  metadata: ShallowRef<RoomMetadata | null>;
  /** The local camera, shown as the site's own preview (published only with the floor). */
  preview: ShallowRef<LocalVideoTrack | null>;
  localQuality: Ref<ConnectionQualityLevel>;
  canPublish: Ref<boolean>;
  /** This screen's own microphone on the bridge. */
  microphone: Ref<MicrophoneState>;
  /**
   * Mutes or unmutes this screen's microphone (whoever may publish: the floor holder, the hub).
   * The server still decides who is heard: without the floor there is nothing to unmute.
   */
  setMicrophoneMuted(muted: boolean): Promise<void>;
  audioOnly: Ref<boolean>;
  /** The quality has stayed poor: the page proposes audio only. */
  proposeAudioOnly: Ref<boolean>;
  /** The browser blocked sound until the user acts (autoplay policy): show a button. */
  audioBlocked: Ref<boolean>;
  /** Starts sound after a user gesture. */
  startAudio(): Promise<void>;
  devices: Ref<DeviceLists>;
  activeDevice: Ref<DeviceChoice>;
  /** The browser can play to a chosen speaker (setSinkId). */
  speakerChoice: boolean;
  /** Lists the devices again (after the pre-join check got the permission). */
  refreshDevices(): Promise<void>;
  /** Remembers the devices chosen now on this browser (the user confirmed the device check). */
  confirmDevices(): void;
  /** Whether this browser remembers devices that are plugged in now (else: check first). */
  knowsDevices(): Promise<boolean>;
  /** This screen shares a screen or window on the bridge now. */
  screenSharing: Ref<boolean>;
  /** The server lets this screen share now: the chair, the hub, or the floor holder. */
  canShareScreen: Ref<boolean>;
  /** Starts (the browser asks which screen or window) or stops sharing. */
  setScreenShare(on: boolean): Promise<void>;
  join(): Promise<void>;
  leave(): Promise<void>;
  setAudioOnly(on: boolean): Promise<void>;
  selectDevice(kind: DeviceKind, deviceId: string): Promise<void>;
}
