/**
 * Which microphone, camera and speaker this browser chose, remembered across visits. A
 * device's `deviceId` is stable for one origin and browser profile once the user allowed the
 * camera and microphone; its label survives a reinstall of the driver that changes the id. So
 * a choice is kept as both, and found again by id first, then by label.
 */

/** The kinds of device a screen chooses. */
export const deviceKinds = ['audioinput', 'videoinput', 'audiooutput'] as const;
/** One of {@link deviceKinds}. */
export type DeviceKind = (typeof deviceKinds)[number];

/** A remembered choice. */
export interface RememberedDevice {
  deviceId: string;
  label: string;
}

/** The localStorage key of the choices (one entry for the three kinds). */
export const DEVICE_STORAGE_KEY = 'dienhong.devices';

/** What a storage needs to offer (localStorage in the browser, a map in tests). */
export interface DeviceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function isRemembered(v: unknown): v is RememberedDevice {
  const o = v as Partial<RememberedDevice> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.deviceId === 'string' &&
    typeof o.label === 'string' &&
    o.deviceId.length <= 512 &&
    o.label.length <= 512
  );
}

/** Every remembered choice; a corrupt or foreign entry reads as none. */
export function readRemembered(
  storage: DeviceStorage,
): Partial<Record<DeviceKind, RememberedDevice>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(DEVICE_STORAGE_KEY) ?? '{}');
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const out: Partial<Record<DeviceKind, RememberedDevice>> = {};
  for (const kind of deviceKinds) {
    const v = (parsed as Record<string, unknown>)[kind];
    if (isRemembered(v)) out[kind] = { deviceId: v.deviceId, label: v.label };
  }
  return out;
}

/** Remembers the choice of one kind (the others stay). Storage errors (full, private) are ignored. */
export function remember(storage: DeviceStorage, kind: DeviceKind, device: RememberedDevice): void {
  const all = { ...readRemembered(storage), [kind]: device };
  try {
    storage.setItem(DEVICE_STORAGE_KEY, JSON.stringify(all));
  } catch {
    // Not remembered this time; the choice still applies to this visit.
  }
}

/**
 * The device to use among those present: the remembered one found by id, else by label, else
 * the browser's default (the first listed); '' when there is none.
 */
export function pickDevice(
  present: readonly Pick<MediaDeviceInfo, 'deviceId' | 'label'>[],
  remembered: RememberedDevice | undefined,
): string {
  if (remembered) {
    const byId = present.find((d) => d.deviceId === remembered.deviceId);
    if (byId) return byId.deviceId;
    const byLabel = remembered.label
      ? present.find((d) => d.label === remembered.label)
      : undefined;
    if (byLabel) return byLabel.deviceId;
  }
  return present[0]?.deviceId ?? '';
}

/**
 * Whether this browser remembers a microphone, and a camera when one is plugged in, that are
 * present now (by id or label). False when nothing is remembered or when the browser hides the
 * devices (no camera and microphone permission yet): then the screen asks for a device check.
 * The speaker is not required: a missing one falls back to the system's.
 */
export function rememberedPresent(
  present: Readonly<Record<DeviceKind, readonly Pick<MediaDeviceInfo, 'deviceId' | 'label'>[]>>,
  remembered: Partial<Record<DeviceKind, RememberedDevice>>,
): boolean {
  if (present.audioinput.length === 0) return false;
  return (['audioinput', 'videoinput'] as const).every((kind) => {
    const list = present[kind];
    if (list.length === 0) return true;
    const r = remembered[kind];
    return (
      r !== undefined &&
      list.some((d) => d.deviceId === r.deviceId || (r.label !== '' && d.label === r.label))
    );
  });
}
