import {
  ConnectionQuality,
  ConnectionState,
  DisconnectReason,
  Room,
  RoomEvent,
  Track,
  createLocalAudioTrack,
  createLocalVideoTrack,
} from 'livekit-client';
import type {
  LocalVideoTrack,
  Participant,
  RemoteAudioTrack,
  RemoteParticipant,
  RemoteTrack,
  RemoteTrackPublication,
  TrackPublication,
} from 'livekit-client';
import { onBeforeUnmount, ref, shallowRef } from 'vue';
import type { Ref, ShallowRef } from 'vue';
import { conferenceConnectOptions } from '../../../media/contracts/client-options';
import {
  QUALITY_REPORT_INTERVAL_MS,
  QUALITY_REPORT_TOPIC,
  encodeQualityReport,
  shouldProposeAudioOnly,
} from '../../../media/contracts/connection-quality';
import type {
  ConnectionQualityLevel,
  QualitySample,
} from '../../../media/contracts/connection-quality';
import { parseRoomMetadata } from '../../../media/contracts/conference-room';
import { alwaysPublishes, floorGrantedIn } from '../../../media/contracts/grant-profiles';
import type { RoomMetadata } from '../../../media/contracts/conference-room';
import { monitorIdentity } from '../../../media/contracts/participant-identity';
import { parseParticipantMetadata } from '../../../media/contracts/participant-metadata';
import { conferenceApi } from './conference-api';
import type { ConferenceToken } from './conference-api';
import { roomOptionsWithDevices, useDevices } from './useDevices';
import type { DeviceChoice, DeviceKind, DeviceLists } from './useDevices';

/** A microphone as the screens show it: live, muted, or not published. */
export type MicrophoneState = 'on' | 'muted' | 'off';

function microphoneOf(pub: TrackPublication | undefined): MicrophoneState {
  if (!pub) return 'off';
  return pub.isMuted ? 'muted' : 'on';
}

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

const QUALITY: Record<ConnectionQuality, ConnectionQualityLevel> = {
  [ConnectionQuality.Excellent]: 'excellent',
  [ConnectionQuality.Good]: 'good',
  [ConnectionQuality.Poor]: 'poor',
  [ConnectionQuality.Lost]: 'lost',
  [ConnectionQuality.Unknown]: 'unknown',
};

/** Reasons after which the app must not rejoin by itself. */
const FINAL_REASONS = new Set<DisconnectReason>([
  DisconnectReason.CLIENT_INITIATED,
  DisconnectReason.DUPLICATE_IDENTITY,
  DisconnectReason.PARTICIPANT_REMOVED,
  DisconnectReason.ROOM_DELETED,
]);

/**
 * Joins a meeting's LiveKit conference with the weak-link options of media/contracts (adaptive
 * stream, dynacast, simulcast, DTX/RED), publishes microphone and camera only while the server
 * grants the floor, forwards the local connection quality to the meeting's monitor, proposes
 * audio only when the quality stays poor, and rejoins by itself (with a fresh token) when the
 * link drops for good. Must be called in a component's setup (it leaves on unmount).
 */
export function useConference(
  meetingId: string,
  siteId: () => string | undefined,
  options: { asHub?: boolean } = {},
): Conference {
  const status = ref<ConferenceStatus>('idle');
  const error = shallowRef<unknown>(null);
  const info = shallowRef<ConferenceToken | null>(null);
  const tiles = shallowRef<ConferenceTile[]>([]);
  const programme = shallowRef<ConferenceTile | null>(null);
  const metadata = shallowRef<RoomMetadata | null>(null);
  const preview = shallowRef<LocalVideoTrack | null>(null);
  const localQuality = ref<ConnectionQualityLevel>('unknown');
  const canPublish = ref(false);
  const microphone = ref<MicrophoneState>('off');
  const audioOnly = ref(false);
  const proposeAudioOnly = ref(false);
  const audioBlocked = ref(false);
  const chosen = useDevices();
  const devices = chosen.lists;
  const activeDevice = chosen.selected;
  const screenSharing = ref(false);
  const canShareScreen = ref(false);
  const samples: QualitySample[] = [];
  const speaking = new Set<string>();
  let room: Room | undefined;
  let left = false;
  const hasLeft = (): boolean => left;
  let rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  let reportTimer: ReturnType<typeof setInterval> | undefined;
  let rejoinAttempt = 0;

  /**
   * On air: the chair and the hub always; sites and delegates while the server marks them as
   * holding the floor (an attribute only the server writes).
   */
  function onAir(p: Participant): boolean {
    const role = parseParticipantMetadata(p.metadata)?.role;
    if (role && alwaysPublishes(role)) return p.permissions?.canPublish ?? false;
    return floorGrantedIn(p.attributes);
  }

  function tileOf(p: RemoteParticipant): ConferenceTile {
    const meta = parseParticipantMetadata(p.metadata);
    const cam = p.getTrackPublication(Track.Source.Camera);
    const screen = p.getTrackPublication(Track.Source.ScreenShare);
    const mic = p.getTrackPublication(Track.Source.Microphone);
    return {
      identity: p.identity,
      name: meta?.displayName ?? p.name ?? p.identity,
      role: meta?.role ?? 'observer',
      canPublish: onAir(p),
      video: audioOnly.value ? null : (cam?.track ?? null),
      screen: audioOnly.value ? null : (screen?.track ?? null),
      audio: (mic?.track ?? null) as RemoteAudioTrack | null,
      quality: QUALITY[p.connectionQuality],
      speaking: speaking.has(p.identity),
      microphone: microphoneOf(mic),
    };
  }

  function refresh(): void {
    const r = room;
    if (!r) {
      tiles.value = [];
      programme.value = null;
      canPublish.value = false;
      microphone.value = 'off';
      screenSharing.value = false;
      canShareScreen.value = false;
      return;
    }
    metadata.value = parseRoomMetadata(r.metadata);
    const list = [...r.remoteParticipants.values()].map(tileOf);
    tiles.value = list;
    const spot = metadata.value?.spotlight;
    const isChair = (x: ConferenceTile): boolean => x.role === 'chair' || x.role === 'hub';
    programme.value =
      (spot ? list.find((x) => x.identity === spot) : undefined) ??
      list.find((x) => !isChair(x) && x.canPublish && (x.video ?? x.audio)) ??
      list.find((x) => isChair(x) && x.video) ??
      list.find(isChair) ??
      list.find((x) => x.video) ??
      null;
    canPublish.value = onAir(r.localParticipant);
    microphone.value = microphoneOf(
      r.localParticipant.getTrackPublication(Track.Source.Microphone),
    );
    screenSharing.value = r.localParticipant.isScreenShareEnabled;
    const perms = r.localParticipant.permissions;
    canShareScreen.value =
      (perms?.canPublish ?? false) &&
      perms?.canPublishSources
        .map((s) => Track.sourceFromProto(s))
        .includes(Track.Source.ScreenShare) === true;
  }

  function report(): void {
    const r = room;
    const q = localQuality.value;
    if (!r || r.state !== ConnectionState.Connected || q === 'unknown') return;
    r.localParticipant
      .publishData(new Uint8Array(encodeQualityReport(q)), {
        reliable: true,
        topic: QUALITY_REPORT_TOPIC,
        destinationIdentities: [monitorIdentity(meetingId)],
      })
      .catch(() => undefined);
  }

  let previewPending = false;
  let micPending = false;
  async function startPreview(): Promise<void> {
    if (preview.value || audioOnly.value || previewPending) return;
    previewPending = true;
    try {
      const track = await createLocalVideoTrack(
        activeDevice.value.videoinput ? { deviceId: activeDevice.value.videoinput } : {},
      );
      // Left (or the bridge closed) while the camera was opening: release it at once.
      if (left || status.value === 'ended' || status.value === 'unavailable') track.stop();
      else preview.value = track;
    } catch {
      /* no camera: the preview stays empty */
    } finally {
      previewPending = false;
    }
  }

  function stopPreview(): void {
    preview.value?.stop();
    preview.value = null;
  }

  const loadDevices = (): Promise<void> => chosen.refresh();

  /**
   * Sites and delegates publish their microphone muted as soon as they may (on joining), so a
   * grant only unmutes it: the server unmutes it (remote unmute) and this client follows the
   * floor attribute. On air, the microphone is on and the camera too unless audio only.
   */
  async function syncPublishing(): Promise<void> {
    const r = room;
    if (!r || r.state !== ConnectionState.Connected) return;
    const local = r.localParticipant;
    const may = onAir(local);
    canPublish.value = may;
    try {
      if (may) {
        await local.setMicrophoneEnabled(true);
        await local.setCameraEnabled(!audioOnly.value);
      } else if (
        (local.permissions?.canPublish ?? false) &&
        !local.getTrackPublication(Track.Source.Microphone) &&
        !micPending
      ) {
        micPending = true;
        try {
          const mic = await createLocalAudioTrack(
            activeDevice.value.audioinput ? { deviceId: activeDevice.value.audioinput } : {},
          );
          // Muted before it is published: it goes out muted, and the SFU forwards nothing.
          await mic.mute();
          await local.publishTrack(mic, { source: Track.Source.Microphone });
          // The floor may have come while publishing.
          if (onAir(local)) await local.setMicrophoneEnabled(true);
        } finally {
          micPending = false;
        }
      }
    } catch (err) {
      error.value = err;
    }
    refresh();
  }

  function wire(r: Room): void {
    const update = (): void => {
      refresh();
    };
    r.on(RoomEvent.ParticipantConnected, update)
      .on(RoomEvent.ParticipantDisconnected, update)
      .on(RoomEvent.TrackSubscribed, update)
      .on(RoomEvent.TrackUnsubscribed, update)
      // livekit-client fires TrackUnsubscribed while the publication still holds the track;
      // TrackUnpublished comes once it is gone (a share stopped, a floor ended).
      .on(RoomEvent.TrackUnpublished, update)
      .on(RoomEvent.TrackMuted, update)
      .on(RoomEvent.TrackUnmuted, update)
      .on(RoomEvent.TrackPublished, (pub: RemoteTrackPublication) => {
        if (audioOnly.value && pub.kind === Track.Kind.Video) pub.setSubscribed(false);
        update();
      })
      .on(RoomEvent.LocalTrackPublished, update)
      .on(RoomEvent.LocalTrackUnpublished, update)
      .on(RoomEvent.RoomMetadataChanged, update)
      .on(RoomEvent.ParticipantMetadataChanged, update)
      .on(RoomEvent.ActiveSpeakersChanged, (list: Participant[]) => {
        speaking.clear();
        for (const p of list) speaking.add(p.identity);
        update();
      })
      .on(RoomEvent.ParticipantPermissionsChanged, (_prev, p: Participant) => {
        if (p === r.localParticipant) void syncPublishing();
        update();
      })
      .on(RoomEvent.ParticipantAttributesChanged, (_changed, p: Participant) => {
        if (p === r.localParticipant) void syncPublishing();
        update();
      })
      .on(RoomEvent.ConnectionQualityChanged, (q: ConnectionQuality, p: Participant) => {
        if (p === r.localParticipant) {
          localQuality.value = QUALITY[q];
          samples.push({ at: Date.now(), quality: QUALITY[q] });
          if (samples.length > 50) samples.splice(0, samples.length - 50);
          report();
        }
        update();
      })
      .on(RoomEvent.AudioPlaybackStatusChanged, () => {
        audioBlocked.value = !r.canPlaybackAudio;
      })
      .on(RoomEvent.MediaDevicesChanged, () => void loadDevices())
      .on(RoomEvent.Reconnecting, () => {
        status.value = 'reconnecting';
      })
      .on(RoomEvent.Reconnected, () => {
        status.value = 'connected';
        update();
      })
      .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        if (room !== r) return;
        room = undefined;
        refresh();
        if (left) return;
        if (reason !== undefined && FINAL_REASONS.has(reason)) {
          // Removed, or the room closed: the camera goes off with the link.
          stopPreview();
          status.value = 'ended';
          return;
        }
        scheduleRejoin();
      });
  }

  function scheduleRejoin(): void {
    status.value = 'rejoining';
    clearTimeout(rejoinTimer);
    const delay = Math.min(10_000, 1_000 * 2 ** Math.min(rejoinAttempt++, 4));
    rejoinTimer = setTimeout(() => void connect(), delay);
  }

  async function connect(): Promise<void> {
    if (left) return;
    status.value = status.value === 'rejoining' ? 'rejoining' : 'connecting';
    let token: ConferenceToken;
    try {
      token = await conferenceApi.token(meetingId, siteId(), options.asHub === true);
    } catch (err) {
      error.value = err;
      const code = (err as { status?: number }).status;
      // 403/404/409: no conference for this user now (not live, not a participant, no routes).
      if (code === 403 || code === 404 || code === 409) {
        stopPreview();
        status.value = 'unavailable';
        return;
      }
      scheduleRejoin();
      return;
    }
    // leave() may have run while the token was on its way.
    if (hasLeft()) return;
    info.value = token;
    // The camera comes on only once the bridge is open to this screen.
    void startPreview();
    const r = new Room(roomOptionsWithDevices(activeDevice.value));
    room = r;
    wire(r);
    try {
      await r.connect(
        token.url,
        token.token,
        conferenceConnectOptions({ closedNetwork: token.closedNetwork }),
      );
      if (room !== r) return;
      status.value = 'connected';
      error.value = null;
      rejoinAttempt = 0;
      refresh();
      await syncPublishing();
    } catch (err) {
      if (room !== r) return;
      room = undefined;
      error.value = err;
      await r.disconnect().catch(() => undefined);
      scheduleRejoin();
    }
  }

  async function join(): Promise<void> {
    left = false;
    await loadDevices();
    reportTimer ??= setInterval(() => {
      report();
      proposeAudioOnly.value = !audioOnly.value && shouldProposeAudioOnly(samples, Date.now());
    }, QUALITY_REPORT_INTERVAL_MS / 2);
    await connect();
  }

  async function leave(): Promise<void> {
    left = true;
    clearTimeout(rejoinTimer);
    clearInterval(reportTimer);
    reportTimer = undefined;
    stopPreview();
    const r = room;
    room = undefined;
    await r?.disconnect();
    status.value = 'idle';
    refresh();
  }

  async function setAudioOnly(on: boolean): Promise<void> {
    audioOnly.value = on;
    proposeAudioOnly.value = false;
    const r = room;
    if (on) stopPreview();
    else void startPreview();
    if (r) {
      for (const p of r.remoteParticipants.values())
        for (const pub of p.videoTrackPublications.values()) pub.setSubscribed(!on);
      if (onAir(r.localParticipant))
        await r.localParticipant.setCameraEnabled(!on).catch(() => undefined);
    }
    refresh();
  }

  async function setMicrophoneMuted(muted: boolean): Promise<void> {
    const r = room;
    if (!r) return;
    await r.localParticipant.setMicrophoneEnabled(!muted);
    refresh();
  }

  async function setScreenShare(on: boolean): Promise<void> {
    const r = room;
    if (!r) return;
    try {
      await r.localParticipant.setScreenShareEnabled(on, { audio: false });
    } finally {
      refresh();
    }
  }

  async function selectDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    chosen.choose(kind, deviceId);
    if (kind === 'videoinput' && preview.value) {
      await preview.value.restartTrack({ deviceId }).catch(() => undefined);
    }
    await room?.switchActiveDevice(kind, deviceId).catch(() => undefined);
  }

  async function startAudio(): Promise<void> {
    await room?.startAudio();
    audioBlocked.value = !(room?.canPlaybackAudio ?? true);
  }

  onBeforeUnmount(() => void leave());

  return {
    status,
    error,
    info,
    tiles,
    programme,
    metadata,
    preview,
    localQuality,
    canPublish,
    microphone,
    setMicrophoneMuted,
    audioOnly,
    proposeAudioOnly,
    audioBlocked,
    startAudio,
    devices,
    activeDevice,
    speakerChoice: chosen.speakerChoice,
    refreshDevices: loadDevices,
    screenSharing,
    canShareScreen,
    setScreenShare,
    join,
    leave,
    setAudioOnly,
    selectDevice,
  };
}
