import { computed, ref } from 'vue';
import type { ComputedRef, Ref } from 'vue';
import type { Conference, ConferenceTile } from './useConference';

/** Why this screen cannot share now (null: it can). */
export type ShareBlock = 'unsupported' | 'notConnected' | 'notAllowed' | null;

/** Whether the browser can capture a screen or window (most phones cannot). */
export function screenCaptureSupported(): boolean {
  // mediaDevices is undefined outside a secure context; getDisplayMedia on most phones.
  const media = navigator.mediaDevices as MediaDevices | undefined;
  return typeof media?.getDisplayMedia === 'function';
}

/**
 * The screen every site shows large: the programme's own share when it shares, else the first
 * participant that shares (the chair or hub while a site holds the floor).
 */
export function sharedScreenOf(
  tiles: readonly ConferenceTile[],
  programme: ConferenceTile | null,
): ConferenceTile | null {
  if (programme?.screen) return programme;
  return tiles.find((t) => t.screen !== null) ?? null;
}

/** State and action of {@link useScreenShare}. */
export interface ScreenShare {
  supported: boolean;
  blocked: ComputedRef<ShareBlock>;
  active: Ref<boolean>;
  busy: Ref<boolean>;
  /** The last failure as an i18n key and its reason ('' when none). */
  failure: Ref<{ key: 'shareScreen.failed' | 'shareScreen.cancelled'; reason: string } | null>;
  toggle(): Promise<void>;
}

/**
 * Sharing this screen's screen or a window on a conference. The server decides who may (the
 * chair, the hub, the floor holder: `conf.canShareScreen`) and takes the share away when the
 * floor ends; this only offers the button when it would work and says why when it would not.
 */
export function useScreenShare(conf: Conference): ScreenShare {
  const supported = screenCaptureSupported();
  const busy = ref(false);
  const failure: ScreenShare['failure'] = ref(null);
  const blocked = computed<ShareBlock>(() => {
    if (!supported) return 'unsupported';
    if (conf.status.value !== 'connected') return 'notConnected';
    if (!conf.canShareScreen.value && !conf.screenSharing.value) return 'notAllowed';
    return null;
  });

  async function toggle(): Promise<void> {
    if (busy.value) return;
    const on = !conf.screenSharing.value;
    if (on && blocked.value) return;
    busy.value = true;
    failure.value = null;
    try {
      await conf.setScreenShare(on);
    } catch (err) {
      const e = err as { name?: string; message?: string };
      // The user closed the browser's picker: not an error worth a red line.
      failure.value =
        e.name === 'NotAllowedError' || e.name === 'AbortError'
          ? { key: 'shareScreen.cancelled', reason: '' }
          : { key: 'shareScreen.failed', reason: e.message ?? String(err) };
    } finally {
      busy.value = false;
    }
  }

  return { supported, blocked, active: conf.screenSharing, busy, failure, toggle };
}
