import { ref } from 'vue';
import type { Ref } from 'vue';
import { conferenceRoomOptions } from '../../../media/contracts/client-options';
import {
  deviceKinds,
  pickDevice,
  readRemembered,
  remember,
  rememberedPresent,
} from './device-memory';
import type { DeviceKind } from './device-memory';

export type { DeviceKind } from './device-memory';

/** The devices present, by kind. */
export type DeviceLists = Record<DeviceKind, MediaDeviceInfo[]>;
/** The device chosen of each kind ('' = the browser's default). */
export type DeviceChoice = Record<DeviceKind, string>;

/** State and actions of {@link useDevices}. */
export interface Devices {
  lists: Ref<DeviceLists>;
  selected: Ref<DeviceChoice>;
  /** The browser can send sound to a chosen speaker (HTMLMediaElement.setSinkId). */
  speakerChoice: boolean;
  /** Lists the devices again (after a permission grant or a plug); keeps valid choices. */
  refresh(): Promise<void>;
  /** Chooses a device and remembers it for the next visit on this browser. */
  choose(kind: DeviceKind, deviceId: string): void;
  /** Remembers every current choice (the user confirmed them in the device check). */
  rememberAll(): void;
  /**
   * Lists the devices again and says whether the remembered microphone (and camera, when one
   * is plugged in) are present: false on a first visit or without the permission.
   */
  knownPresent(): Promise<boolean>;
}

/** Whether this browser lets a page choose the speaker. */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/**
 * The microphone, camera and speaker of this screen: what is plugged in, what was chosen, and
 * the choice remembered in localStorage (see device-memory.ts). Without the camera and
 * microphone permission the browser lists devices without labels; `refresh` after a grant.
 */
export function useDevices(): Devices {
  const lists = ref<DeviceLists>({ audioinput: [], videoinput: [], audiooutput: [] });
  const selected = ref<DeviceChoice>({ audioinput: '', videoinput: '', audiooutput: '' });

  async function refresh(): Promise<void> {
    // Undefined outside a secure context (plain http on a LAN address).
    const media = navigator.mediaDevices as MediaDevices | undefined;
    if (!media) return;
    let all: MediaDeviceInfo[];
    try {
      all = await media.enumerateDevices();
    } catch {
      return;
    }
    const remembered = readRemembered(localStorage);
    const next = { audioinput: [], videoinput: [], audiooutput: [] } as DeviceLists;
    for (const d of all) if (d.deviceId) next[d.kind].push(d);
    lists.value = next;
    const choice = { ...selected.value };
    for (const kind of deviceKinds) {
      const current = next[kind].find((d) => d.deviceId === choice[kind]);
      choice[kind] = current ? current.deviceId : pickDevice(next[kind], remembered[kind]);
    }
    selected.value = choice;
  }

  function choose(kind: DeviceKind, deviceId: string): void {
    selected.value = { ...selected.value, [kind]: deviceId };
    const device = lists.value[kind].find((d) => d.deviceId === deviceId);
    remember(localStorage, kind, { deviceId, label: device?.label ?? '' });
  }

  function rememberAll(): void {
    for (const kind of deviceKinds) if (selected.value[kind]) choose(kind, selected.value[kind]);
  }

  async function knownPresent(): Promise<boolean> {
    await refresh();
    return rememberedPresent(lists.value, readRemembered(localStorage));
  }

  return {
    lists,
    selected,
    speakerChoice: canChooseSpeaker(),
    refresh,
    choose,
    rememberAll,
    knownPresent,
  };
}

/** LiveKit room options that capture from and play to the chosen devices. */
export function roomOptionsWithDevices(choice: DeviceChoice): typeof conferenceRoomOptions & {
  audioOutput?: { deviceId: string };
} {
  const o = conferenceRoomOptions;
  return {
    ...o,
    audioCaptureDefaults: {
      ...o.audioCaptureDefaults,
      ...(choice.audioinput ? { deviceId: choice.audioinput } : {}),
    },
    videoCaptureDefaults: {
      ...o.videoCaptureDefaults,
      ...(choice.videoinput ? { deviceId: choice.videoinput } : {}),
    },
    ...(choice.audiooutput && canChooseSpeaker()
      ? { audioOutput: { deviceId: choice.audiooutput } }
      : {}),
  };
}
