import { describe, expect, it } from 'vitest';
import {
  DEVICE_STORAGE_KEY,
  pickDevice,
  readRemembered,
  remember,
  rememberedPresent,
} from './device-memory';
import type { DeviceStorage } from './device-memory';

function memoryStorage(initial: Record<string, string> = {}): DeviceStorage & {
  data: Record<string, string>;
} {
  const data = { ...initial };
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => {
      data[k] = v;
    },
  };
}

const mics = [
  { deviceId: 'default', label: 'Mặc định' },
  { deviceId: 'a1', label: 'USB Micro (046d:0a44)' },
  { deviceId: 'a2', label: 'Micrô hội trường' },
];

describe('remembered devices', () => {
  it('finds a remembered device again by its id', () => {
    const s = memoryStorage();
    remember(s, 'audioinput', { deviceId: 'a2', label: 'Micrô hội trường' });
    expect(pickDevice(mics, readRemembered(s).audioinput)).toBe('a2');
  });

  it('finds it by label when the browser gave it a new id', () => {
    const s = memoryStorage();
    remember(s, 'audioinput', { deviceId: 'old-id', label: 'USB Micro (046d:0a44)' });
    expect(pickDevice(mics, readRemembered(s).audioinput)).toBe('a1');
  });

  it('falls back to the default when the device is gone, and to nothing when there is none', () => {
    expect(pickDevice(mics, { deviceId: 'gone', label: 'Gone' })).toBe('default');
    expect(pickDevice(mics, { deviceId: 'gone', label: '' })).toBe('default');
    expect(pickDevice([], { deviceId: 'a1', label: 'x' })).toBe('');
  });

  it('keeps each kind apart', () => {
    const s = memoryStorage();
    remember(s, 'audioinput', { deviceId: 'a1', label: 'm' });
    remember(s, 'videoinput', { deviceId: 'v1', label: 'c' });
    remember(s, 'audiooutput', { deviceId: 'o1', label: 'l' });
    expect(readRemembered(s)).toEqual({
      audioinput: { deviceId: 'a1', label: 'm' },
      videoinput: { deviceId: 'v1', label: 'c' },
      audiooutput: { deviceId: 'o1', label: 'l' },
    });
  });

  it('reads corrupt or foreign entries as nothing remembered', () => {
    for (const raw of ['{', 'null', '"x"', '{"audioinput":{"deviceId":3}}']) {
      expect(readRemembered(memoryStorage({ [DEVICE_STORAGE_KEY]: raw }))).toEqual({});
    }
  });

  it('ignores a storage that refuses to write', () => {
    const s: DeviceStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => remember(s, 'audioinput', { deviceId: 'a1', label: 'm' })).not.toThrow();
  });
});

describe('whether the remembered devices are present (the bridge skips the check)', () => {
  const cams = [{ deviceId: 'v1', label: 'Camera hội trường' }];
  const present = { audioinput: mics, videoinput: cams, audiooutput: [] };

  it('says yes when the microphone and the camera are found, by id or by label', () => {
    expect(
      rememberedPresent(present, {
        audioinput: { deviceId: 'a2', label: 'Micrô hội trường' },
        videoinput: { deviceId: 'new-id', label: 'Camera hội trường' },
      }),
    ).toBe(true);
  });

  it('says no when nothing, or only the microphone, is remembered', () => {
    expect(rememberedPresent(present, {})).toBe(false);
    expect(rememberedPresent(present, { audioinput: { deviceId: 'a1', label: '' } })).toBe(false);
  });

  it('says no when the remembered microphone is unplugged', () => {
    expect(
      rememberedPresent(present, {
        audioinput: { deviceId: 'gone', label: 'Gone' },
        videoinput: { deviceId: 'v1', label: '' },
      }),
    ).toBe(false);
  });

  it('needs no camera where none is plugged in', () => {
    const noCam = { ...present, videoinput: [] };
    expect(rememberedPresent(noCam, { audioinput: { deviceId: 'a1', label: '' } })).toBe(true);
  });

  it('says no while the browser hides the devices (no permission yet)', () => {
    const hidden = { audioinput: [], videoinput: [], audiooutput: [] };
    expect(
      rememberedPresent(hidden, {
        audioinput: { deviceId: 'a1', label: '' },
        videoinput: { deviceId: 'v1', label: '' },
      }),
    ).toBe(false);
  });
});
