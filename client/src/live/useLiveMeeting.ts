import { onBeforeUnmount, ref, shallowRef } from 'vue';
import type { Ref } from 'vue';
import type { LiveEvent } from '../../../server/contracts/live';
import { useAuthStore } from '../stores/auth';
import { liveApi, liveStreamUrl } from './live-api';
import { applyLiveEvent } from './live-state';
import type { LiveState } from './live-state';

/** Where the live link stands: first load, receiving events, or cut off and retrying. */
export type LiveConnection = 'connecting' | 'live' | 'offline';

/** Delay before the n-th reconnection attempt (ms): 0.5 s doubling up to 10 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
}

/** The live state of one meeting and its link; see {@link useLiveMeeting}. */
export interface LiveMeeting {
  /** Null until the first snapshot arrived. */
  state: Ref<LiveState | null>;
  connection: Ref<LiveConnection>;
  /** The last load error (the snapshot could not be read), for the page to show. */
  error: Ref<unknown>;
  /** Calls `fn` with every applied event (e.g. to refetch the documents); returns an unsubscribe. */
  onEvent(fn: (event: LiveEvent) => void): () => void;
  /**
   * Reads the snapshot again (after an action whose answer the page wants at once, or an
   * event whose data the snapshot carries: documents, sites, the meeting's title). Served from
   * the server's memory; concurrent calls share one request.
   */
  reload(): Promise<void>;
  /** Closes the link (also done when the component unmounts). */
  stop(): void;
}

/**
 * Keeps a meeting's live state (current item, floor queue, polls, attendance, quorum) current
 * without reloads: reads `GET /api/meetings/:id/live/state` (which carries everything the
 * screen opens with and a ticket for the stream), then follows the Server-Sent Events stream
 * from that `seq`: two requests per screen. When the link drops it shows `offline` and
 * reconnects by itself: the snapshot again (a fresh ticket), then the stream with
 * `lastEventId` = the last applied event, so the server replays what was missed (or says
 * `resync`, and the snapshot is read again). The access token is renewed before reconnecting,
 * and each connection carries a single-use ticket (never the access token).
 * Must be called in a component's setup (it closes the stream on unmount).
 */
export function useLiveMeeting(
  meetingId: string,
  options: {
    /** Each snapshot also carries the minutes record (`state.minutes`): the minutes screen. */
    include?: 'minutes';
  } = {},
): LiveMeeting {
  const auth = useAuthStore();
  const state = ref<LiveState | null>(null);
  const connection = ref<LiveConnection>('connecting');
  const error = shallowRef<unknown>(null);
  const listeners = new Set<(event: LiveEvent) => void>();
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let stopped = false;
  let resyncing: Promise<void> | undefined;
  /** The stream ticket of the last snapshot read with one, until a connection uses it. */
  let ticket: { value: string; until: number } | null = null;

  async function loadSnapshot(withTicket = true): Promise<void> {
    const snap = await liveApi.snapshot(meetingId, withTicket, options.include);
    if (snap.ticket)
      ticket = { value: snap.ticket.ticket, until: Date.parse(snap.ticket.expiresAt) - 5_000 };
    if (!state.value || snap.seq >= state.value.seq || snap.meetingId !== state.value.meetingId)
      state.value = snap;
    error.value = null;
  }

  let reloading: Promise<void> | undefined;
  function reload(): Promise<void> {
    reloading ??= loadSnapshot(false).finally(() => {
      reloading = undefined;
    });
    return reloading;
  }

  function resync(): Promise<void> {
    resyncing ??= loadSnapshot(false)
      .catch((err: unknown) => {
        error.value = err;
      })
      .finally(() => {
        resyncing = undefined;
      });
    return resyncing;
  }

  function onMessage(msg: MessageEvent<string>): void {
    if (!state.value) return;
    let event: LiveEvent;
    try {
      event = JSON.parse(msg.data) as LiveEvent;
    } catch {
      return;
    }
    if (applyLiveEvent(state.value, event) === 'resync') void resync();
    for (const fn of listeners) fn(event);
  }

  function close(): void {
    source?.close();
    source = undefined;
    clearTimeout(timer);
  }

  /** Whether a stream should be open now (re-read after every await). */
  const wanted = (): boolean => !stopped && state.value !== null;

  async function open(): Promise<void> {
    close();
    if (stopped || !state.value) return;
    // A ticket per connection: EventSource cannot send the Authorization header.
    const fresh = ticket && ticket.until > Date.now() ? ticket.value : undefined;
    ticket = null;
    const url = await liveStreamUrl(meetingId, state.value.seq, fresh);
    if (!wanted()) return;
    close();
    const es = new EventSource(url);
    source = es;
    es.addEventListener('ready', () => {
      connection.value = 'live';
      attempt = 0;
    });
    es.onmessage = onMessage;
    es.onerror = () => {
      // Take over from EventSource's own retry: the next attempt needs a fresh token.
      if (source !== es) return;
      close();
      connection.value = 'offline';
      schedule();
    };
  }

  function schedule(): void {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => void reconnect(), reconnectDelay(attempt++));
  }

  async function reconnect(): Promise<void> {
    if (stopped) return;
    try {
      // Probes the link and renews an expired token (the HTTP client refreshes on 401).
      if (auth.expiresAt - Date.now() < 60_000) await auth.refresh();
      // The snapshot probes the link, catches the state up and carries the stream's ticket.
      await loadSnapshot();
      await open();
    } catch (err) {
      error.value = state.value ? null : err;
      connection.value = 'offline';
      schedule();
    }
  }

  const goOnline = (): void => {
    if (connection.value !== 'live') {
      attempt = 0;
      void reconnect();
    }
  };
  const goOffline = (): void => {
    close();
    connection.value = 'offline';
  };
  window.addEventListener('online', goOnline);
  window.addEventListener('offline', goOffline);

  function stop(): void {
    stopped = true;
    close();
    window.removeEventListener('online', goOnline);
    window.removeEventListener('offline', goOffline);
  }
  onBeforeUnmount(stop);

  void loadSnapshot()
    .then(open)
    .catch((err: unknown) => {
      error.value = err;
      connection.value = 'offline';
      schedule();
    });

  return {
    state,
    connection,
    error,
    onEvent(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    reload,
    stop,
  };
}
