// One load-generator process of `npm run bench -- room` (tests/bench/room.bench.ts): opens the
// meeting room as a screen does, at the times it is told, keeps each live stream open and
// reports when each `agenda.current` event arrives. Driven over IPC by the parent.

/** How an arrival opens the room: as today's baseline page does, or snapshot + stream. */
export type OpenMode = 'baseline' | 'snapshot';

/** Messages from the parent. */
export type ToWorker =
  | {
      type: 'storm';
      url: string;
      meetingId: string;
      mode: OpenMode;
      /** Epoch ms at which each arrival starts, with its access token. */
      arrivals: { token: string; at: number }[];
    }
  | { type: 'close' };

/** Messages to the parent. */
export type FromWorker =
  | { type: 'opened'; ms: number; requests: number }
  | { type: 'failed'; reason: string }
  | { type: 'stormDone' }
  | { type: 'delivered'; itemId: string; at: number }
  | { type: 'closed' };

/** An arrival that has not opened within this long counts as failed (a busy machine). */
const ARRIVAL_TIMEOUT_MS = 60_000;

const send = (msg: FromWorker): void => {
  process.send?.(msg);
};
const now = (): number => performance.timeOrigin + performance.now();
const streams = new Set<AbortController>();

async function getJson(url: string, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(ARRIVAL_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${url.replace(/^https?:\/\/[^/]+/, '')}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Opens the stream and resolves once the server says `ready`; then keeps reading events. */
async function openStream(url: string): Promise<void> {
  const abort = new AbortController();
  streams.add(abort);
  const res = await fetch(url, { signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let signalReady: (() => void) | undefined;
  let failReady: ((err: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    signalReady = resolve;
    failReady = reject;
    setTimeout(() => reject(new Error('no ready within 60 s')), ARRIVAL_TIMEOUT_MS).unref();
  });
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          failReady?.(new Error('the stream ended before ready'));
          return;
        }
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
          if (frame.startsWith('event: ready')) signalReady?.();
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (!data || frame.startsWith('event:')) continue;
          const event = JSON.parse(data.slice(6)) as {
            type: string;
            data: Record<string, unknown>;
          };
          if (event.type === 'agenda.current')
            send({ type: 'delivered', itemId: String(event.data.currentItemId), at: now() });
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  await ready;
}

/** The requests today's meeting room page makes when it opens (see the baseline's pages). */
async function openAsBaseline(base: string, meetingId: string, token: string): Promise<number> {
  const m = `${base}/api/meetings/${meetingId}`;
  const chainA = async () => {
    await Promise.all([getJson(m, token), getJson(`${m}/access`, token)]);
    await getJson(`${m}/documents`, token);
  };
  const chainB = async () => {
    const snap = await getJson(`${m}/live/state`, token);
    const res = await fetch(`${base}/api/tickets`, {
      method: 'POST',
      signal: AbortSignal.timeout(ARRIVAL_TIMEOUT_MS),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: 'live', resource: `/api/meetings/${meetingId}/live` }),
    });
    if (!res.ok) throw new Error(`ticket ${res.status}`);
    const { ticket } = (await res.json()) as { ticket: string };
    await openStream(`${m}/live?lastEventId=${String(snap.seq)}&ticket=${ticket}`);
  };
  const chainC = () => getJson(`${m}/chat`, token);
  await Promise.all([chainA(), chainB(), chainC()]);
  return 7;
}

/** This tree's screens: the snapshot (with its stream ticket), then the stream. */
async function openWithSnapshot(base: string, meetingId: string, token: string): Promise<number> {
  const m = `${base}/api/meetings/${meetingId}`;
  const snap = await getJson(`${m}/live/state`, token);
  const ticket = (snap.ticket as { ticket: string } | null)?.ticket;
  if (!ticket) throw new Error('the snapshot carried no stream ticket');
  await openStream(`${m}/live?lastEventId=${String(snap.seq)}&ticket=${ticket}`);
  return 2;
}

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'close') {
    for (const s of streams) s.abort();
    streams.clear();
    send({ type: 'closed' });
    return;
  }
  const open = msg.mode === 'baseline' ? openAsBaseline : openWithSnapshot;
  void Promise.all(
    msg.arrivals.map(async ({ token, at }) => {
      await new Promise((r) => setTimeout(r, Math.max(0, at - now())));
      const started = now();
      try {
        const requests = await Promise.race([
          open(msg.url, msg.meetingId, token),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('not open within 60 s')), ARRIVAL_TIMEOUT_MS).unref(),
          ),
        ]);
        send({ type: 'opened', ms: now() - started, requests });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const why = cause ? ` (${cause.code ?? cause.message ?? ''})` : '';
        send({
          type: 'failed',
          reason: `${err instanceof Error ? err.message : String(err)}${why}`,
        });
      }
    }),
  ).then(() => send({ type: 'stormDone' }));
});
