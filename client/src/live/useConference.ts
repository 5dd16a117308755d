import {
  ConnectionState,
  Room,
  RoomEvent,
  Track,
  createLocalAudioTrack,
  createLocalVideoTrack,
} from 'livekit-client';
import type {
  ConnectionQuality,
  DisconnectReason,
  LocalVideoTrack,
  Participant,
  RemoteTrackPublication,
} from 'livekit-client';
import { onBeforeUnmount, ref, shallowRef } from 'vue';
import { conferenceConnectOptions } from '../../../media/contracts/client-options';
import { parseRoomMetadata } from '../../../media/contracts/conference-room';
import type { RoomMetadata } from '../../../media/contracts/conference-room';
import { conferenceApi } from './conference-api';
import type { ConferenceToken } from './conference-api';
import { useQualityReports } from './conference-quality';
import {
  FINAL_REASONS,
  QUALITY,
  microphoneOf,
  onAir,
  programmeOf,
  tileOf,
} from './conference-participants';
import type {
  Conference,
  ConferenceStatus,
  ConferenceTile,
  MicrophoneState,
} from './conference-types';
import { roomOptionsWithDevices, useDevices } from './useDevices';
import type { DeviceKind } from './useDevices';

export type {
  Conference,
  ConferenceStatus,
  ConferenceTile,
  MicrophoneState,
} from './conference-types';

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
  const canPublish = ref(false);
  const microphone = ref<MicrophoneState>('off');
  const audioOnly = ref(false);
  const audioBlocked = ref(false);
  const chosen = useDevices();
  const devices = chosen.lists;
  const activeDevice = chosen.selected;
  const screenSharing = ref(false);
  const canShareScreen = ref(false);
  const speaking = new Set<string>();
  let room: Room | undefined;
  let left = false;
  const hasLeft = (): boolean => left;
  let rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  let rejoinAttempt = 0;
  const quality = useQualityReports(
    meetingId,
    () => room,
    () => audioOnly.value,
  );

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
    const view = { audioOnly: audioOnly.value, speaking };
    const list = [...r.remoteParticipants.values()].map((p) => tileOf(p, view));
    tiles.value = list;
    programme.value = programmeOf(list, metadata.value?.spotlight);
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
          quality.record(QUALITY[q]);
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
    quality.start();
    await connect();
  }

  async function leave(): Promise<void> {
    left = true;
    clearTimeout(rejoinTimer);
    quality.stop();
    stopPreview();
    const r = room;
    room = undefined;
    await r?.disconnect();
    status.value = 'idle';
    refresh();
  }

  async function setAudioOnly(on: boolean): Promise<void> {
    audioOnly.value = on;
    quality.proposeAudioOnly.value = false;
    const r = room;
    if (on) stopPreview();
    // Before joining the device check shows the camera; the bridge opens it on joining.
    else if (r) void startPreview();
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
    localQuality: quality.localQuality,
    canPublish,
    microphone,
    setMicrophoneMuted,
    audioOnly,
    proposeAudioOnly: quality.proposeAudioOnly,
    audioBlocked,
    startAudio,
    devices,
    activeDevice,
    speakerChoice: chosen.speakerChoice,
    refreshDevices: loadDevices,
    confirmDevices: () => chosen.rememberAll(),
    knowsDevices: () => chosen.knownPresent(),
    screenSharing,
    canShareScreen,
    setScreenShare,
    join,
    leave,
    setAudioOnly,
    selectDevice,
  };
}
