import { computed, onBeforeUnmount, ref } from 'vue';
import type { ComputedRef, Ref } from 'vue';
import { ApiError } from '../../../api/http';
import { conferenceApi } from '../../../live/conference-api';
import type { ConferenceRemoval, ConferenceRollCall } from '../../../live/conference-api';
import type { LiveState } from '../../../live/live-state';

/** Every connected participant's camera and microphone, from the roll call. */
export type ConsoleMedia = ConferenceRollCall['participants'][number];

/** The bridge as the chair's console sees it; see {@link useConsoleBridge}. */
export interface ConsoleBridge {
  rollCall: Ref<ConferenceRollCall | null>;
  /** False when the conference routes are not deployed. */
  available: Ref<boolean>;
  /** The chair ended the video bridge while the meeting goes on. */
  ended: Ref<boolean>;
  recording: Ref<boolean>;
  /** The programme is being recorded to video. */
  videoRecording: Ref<boolean>;
  /** Participants the chair removed from the bridge (no token until let back in). */
  removed: Ref<ConferenceRemoval[]>;
  /** The hub (the host unit's room) as connected now, or null while it is not on the bridge. */
  hub: ComputedRef<ConsoleMedia | null>;
  /** A participant's camera and microphone by identity. */
  mediaOf(identity: string): ConsoleMedia | null;
  /** Reads the roll call again (after a control, so the grid follows at once). */
  refresh(): Promise<void>;
}

/**
 * Follows the bridge for the chair's console while the meeting is in session: the roll call
 * (sites, quality, who is on air, who is muted), the recording, removed participants and
 * whether the chair ended the bridge, read every 5 s and after each control.
 */
export function useConsoleBridge(meetingId: string, state: Ref<LiveState | null>): ConsoleBridge {
  const rollCall = ref<ConferenceRollCall | null>(null);
  const available = ref(true);
  const ended = ref(false);
  const recording = ref(false);
  const videoRecording = ref(false);
  const removed = ref<ConferenceRemoval[]>([]);

  async function refresh(): Promise<void> {
    if (state.value?.state !== 'live' || !available.value) {
      rollCall.value = null;
      recording.value = false;
      videoRecording.value = false;
      return;
    }
    const [rc, rec, rm, video] = await Promise.allSettled([
      conferenceApi.rollCall(meetingId),
      conferenceApi.recording(meetingId),
      conferenceApi.removed(meetingId),
      conferenceApi.videoRecording(meetingId),
    ]);
    if (rm.status === 'fulfilled') removed.value = rm.value;
    if (rec.status === 'fulfilled') recording.value = rec.value.recording;
    if (video.status === 'fulfilled') videoRecording.value = video.value.recording;
    if (rc.status === 'fulfilled') {
      rollCall.value = rc.value;
      ended.value = false;
      return;
    }
    const err: unknown = rc.reason;
    // An ended bridge answers the roll call with 409 conference_ended: no separate status call.
    if (err instanceof ApiError && err.code === 'conference_ended') {
      ended.value = true;
      rollCall.value = null;
      recording.value = false;
      videoRecording.value = false;
    }
    // The conference routes may not be deployed.
    if (err instanceof ApiError && err.status === 404 && err.code !== 'not_found')
      available.value = false;
  }

  const timer = setInterval(() => void refresh(), 5_000);
  onBeforeUnmount(() => {
    clearInterval(timer);
  });
  void refresh();

  const mediaOf = (identity: string): ConsoleMedia | null =>
    rollCall.value?.participants.find((p) => p.identity === identity) ?? null;
  const hub = computed(() => rollCall.value?.participants.find((p) => p.role === 'hub') ?? null);

  return { rollCall, available, ended, recording, videoRecording, removed, hub, mediaOf, refresh };
}
