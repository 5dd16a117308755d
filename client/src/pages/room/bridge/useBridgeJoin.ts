import { computed, ref, watch } from 'vue';
import type { ComputedRef, Ref } from 'vue';
import type { Conference } from '../../../live/useConference';
import type { LiveMeeting } from '../../../live/useLiveMeeting';

/**
 * Where the bridge view stands before the conference: `deciding` while it reads the snapshot
 * and the devices, `check` while the operator checks the devices (nothing joins), `joining`
 * once confirmed (it joins now, or when the meeting starts).
 */
export type BridgeJoinStep = 'deciding' | 'check' | 'joining';

/** See {@link useBridgeJoin}. */
export interface BridgeJoin {
  step: Ref<BridgeJoinStep>;
  /** The meeting is over: the bridge is closed for good and the screen says so. */
  over: ComputedRef<boolean>;
  /** The operator confirmed the check: remember the devices and join (or wait for the start). */
  confirm(): void;
}

const OVER = ['ended', 'minutes_published', 'cancelled'];

/**
 * When the bridge view joins the conference. A screen that goes on air (a site's operator, the
 * chair or a delegate; not the hall screen, not an observer) shows the device check first
 * unless this browser remembers a microphone and camera that are plugged in now: on a first
 * visit it joins only once the operator confirms, also while the meeting has not started (it
 * then joins at the start). Others join as soon as the snapshot says who they are. Once the
 * meeting is over it leaves, which releases camera and microphone. A dropped link is rejoined
 * by useConference itself, without a new check.
 */
export function useBridgeJoin(
  live: LiveMeeting,
  conf: Conference,
  opts: { hall: boolean },
): BridgeJoin {
  const step = ref<BridgeJoinStep>('deciding');
  const access = computed(() => live.state.value?.access ?? null);
  const over = computed(
    () => OVER.includes(live.state.value?.state ?? '') || OVER.includes(access.value?.state ?? ''),
  );
  /** This screen's camera and microphone may go on the bridge. */
  const goesOnAir = (): boolean => {
    const a = access.value;
    if (opts.hall || !a) return false;
    return a.operatedSiteIds.length > 0 || (a.role !== null && a.role !== 'observer');
  };

  function join(): void {
    step.value = 'joining';
    if (!over.value) void conf.join();
  }

  async function decide(): Promise<void> {
    if (over.value) return;
    if (goesOnAir() && !(await conf.knowsDevices())) step.value = 'check';
    else join();
  }

  // Decide once the snapshot says who this screen is (which site it operates).
  watch(
    () => live.state.value !== null,
    (loaded) => {
      if (loaded && step.value === 'deciding') void decide();
    },
    { immediate: true },
  );
  // Over: leave the bridge, which stops camera and microphone.
  watch(over, (isOver) => {
    if (isOver) void conf.leave();
  });
  // The meeting started while this screen waited: join now (not while the check is open).
  watch(
    () => live.state.value?.state,
    (s) => {
      if (s === 'live' && step.value === 'joining' && conf.status.value === 'unavailable')
        void conf.join();
    },
  );

  return {
    step,
    over,
    confirm: () => {
      conf.confirmDevices();
      join();
    },
  };
}
