import { computed, onBeforeUnmount, ref, watch } from 'vue';
import type { ComputedRef, Ref } from 'vue';
import { ApiError } from '../../../api/http';
import { conferenceApi } from '../../../live/conference-api';
import type { ConferenceRemoval, ConferenceRollCall } from '../../../live/conference-api';
import type { ConferenceLive } from '../../../../../server/contracts/live';
import type { LiveState } from '../../../live/live-state';
import type { LiveMeeting } from '../../../live/useLiveMeeting';

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
  /** Reads the roll call again (after the chair's own control, so the grid follows at once). */
  refresh(): Promise<void>;
}

/**
 * Follows the bridge for the chair's console while the meeting is in session: the roll call
 * (sites, quality, who is on air, who is muted), the recording, removed participants and
 * whether the chair ended the bridge. They come with the snapshot and then on the live stream
 * (`conference.changed`, pushed by the server when they change): no polling. After the chair's
 * own control the console reads them once, so that the grid follows at once.
 */
export function useConsoleBridge(live: LiveMeeting): ConsoleBridge {
  const state: Ref<LiveState | null> = live.state;
  const meetingId = (): string => state.value?.meetingId ?? '';
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
      conferenceApi.rollCall(meetingId()),
      conferenceApi.recording(meetingId()),
      conferenceApi.removed(meetingId()),
      conferenceApi.videoRecording(meetingId()),
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

  function apply(c: ConferenceLive | null): void {
    if (!c) return;
    if (state.value?.state !== 'live') {
      rollCall.value = null;
      recording.value = false;
      videoRecording.value = false;
      return;
    }
    rollCall.value = c.rollCall;
    recording.value = c.recording.recording;
    videoRecording.value = c.videoRecording;
    removed.value = c.removed;
    ended.value = c.ended;
  }
  // The snapshot (and every snapshot read again) carries the last state; the stream the rest.
  // A bridge that has not reported yet (it opened a moment ago) is read once.
  let readOnce = false;
  watch(
    () => state.value?.conference,
    (c) => {
      if (c) apply(c);
      else if (!readOnce && state.value?.state === 'live') {
        readOnce = true;
        void refresh();
      }
    },
    { immediate: true },
  );
  onBeforeUnmount(
    live.onEvent((e) => {
      if (e.type === 'conference.changed') apply(e.data as ConferenceLive);
      if (e.type === 'meeting.state' && state.value?.state !== 'live') apply(null);
    }),
  );

  const mediaOf = (identity: string): ConsoleMedia | null =>
    rollCall.value?.participants.find((p) => p.identity === identity) ?? null;
  const hub = computed(() => rollCall.value?.participants.find((p) => p.role === 'hub') ?? null);

  return { rollCall, available, ended, recording, videoRecording, removed, hub, mediaOf, refresh };
}
