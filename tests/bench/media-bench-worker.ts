// A child process of media.bench.ts holding a share of the site bots (one @livekit/rtc-node FFI
// per process). It obeys messages from the parent and answers with measurements.
import { dispose } from '@livekit/rtc-node';
import { ConferenceBot } from '../../media/bots/conference-bot';

/** What the parent asks. */
export type WorkerCommand =
  | {
      type: 'join';
      url: string;
      chairIdentity: string;
      chairHz: number;
      monitorIdentity: string;
      /**
       * Publish the site's tone muted right after joining, as sites do once the floor only
       * unmutes (this tree); unset: publish only when told to (the baseline's client).
       */
      mutedToneHz?: number;
      sites: { identity: string; token: string; delayMs: number }[];
    }
  | { type: 'publish'; identity: string; hz: number }
  | { type: 'unpublish'; identity: string }
  | { type: 'cpu' }
  | { type: 'stop' };

/** What the worker answers. */
export type WorkerReport =
  | { type: 'joined'; identity: string; joinMs: number; attempts: number }
  | { type: 'join_failed'; identity: string; error: string }
  | { type: 'heard'; identity: string; msAfterJoin: number }
  | { type: 'not_heard'; identity: string; error: string }
  | { type: 'published'; identity: string }
  | { type: 'published_muted'; identity: string }
  | { type: 'publish_failed'; identity: string; error: string }
  | { type: 'unpublished'; identity: string }
  | { type: 'cpu'; userMs: number; systemMs: number; rssMb: number }
  | { type: 'stopped' };

const bots = new Map<string, ConferenceBot>();
const send = (report: WorkerReport): void => {
  process.send?.(report);
};
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Joins at most this many sites at once per process, so a slow moment does not pile up. */
const JOIN_CONCURRENCY = 3;
const JOIN_ATTEMPTS = 3;

async function joinOne(
  command: Extract<WorkerCommand, { type: 'join' }>,
  site: { identity: string; token: string },
): Promise<void> {
  // A real client retries a failed connection (livekit-client's maxRetries); so does the bot.
  // The join time runs from the first attempt.
  const started = performance.now();
  let bot: ConferenceBot | undefined;
  let lastError = '';
  let attempts = 0;
  while (!bot && attempts < JOIN_ATTEMPTS) {
    attempts++;
    try {
      bot = await withTimeout(
        ConferenceBot.join({
          url: command.url,
          token: site.token,
          reportQualityTo: command.monitorIdentity,
        }),
        60_000,
        'join',
      );
    } catch (err) {
      lastError = message(err);
    }
  }
  if (!bot) {
    send({
      type: 'join_failed',
      identity: site.identity,
      error: `${attempts} attempts: ${lastError}`,
    });
    return;
  }
  bots.set(site.identity, bot);
  send({
    type: 'joined',
    identity: site.identity,
    joinMs: performance.now() - started,
    attempts,
  });
  const joinedAt = Date.now();
  const listening = bot;
  if (command.mutedToneHz !== undefined) {
    listening.publishTone(command.mutedToneHz, { muted: true }).then(
      () => send({ type: 'published_muted', identity: site.identity }),
      (err: unknown) =>
        send({ type: 'publish_failed', identity: site.identity, error: message(err) }),
    );
  }
  try {
    const heardAt = await listening.waitForTone(command.chairIdentity, command.chairHz, 60_000);
    send({ type: 'heard', identity: site.identity, msAfterJoin: heardAt - joinedAt });
  } catch (err) {
    send({ type: 'not_heard', identity: site.identity, error: message(err) });
  }
}

async function join(command: Extract<WorkerCommand, { type: 'join' }>): Promise<void> {
  const started = Date.now();
  let inFlight = 0;
  const slots: (() => void)[] = [];
  await Promise.all(
    command.sites.map(async (site) => {
      await new Promise((r) => setTimeout(r, Math.max(0, started + site.delayMs - Date.now())));
      if (inFlight >= JOIN_CONCURRENCY) await new Promise<void>((r) => slots.push(r));
      inFlight++;
      try {
        await joinOne(command, site);
      } finally {
        inFlight--;
        slots.shift()?.();
      }
    }),
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

process.on('message', (command: WorkerCommand) => {
  switch (command.type) {
    case 'join':
      void join(command);
      break;
    case 'publish': {
      const bot = bots.get(command.identity);
      if (!bot) {
        send({ type: 'publish_failed', identity: command.identity, error: 'no such bot' });
        break;
      }
      bot.publishTone(command.hz).then(
        () => send({ type: 'published', identity: command.identity }),
        (err: unknown) =>
          send({ type: 'publish_failed', identity: command.identity, error: message(err) }),
      );
      break;
    }
    case 'unpublish':
      void (bots.get(command.identity)?.stopTone() ?? Promise.resolve()).then(() =>
        send({ type: 'unpublished', identity: command.identity }),
      );
      break;
    case 'cpu': {
      const usage = process.cpuUsage();
      send({
        type: 'cpu',
        userMs: usage.user / 1000,
        systemMs: usage.system / 1000,
        rssMb: process.memoryUsage().rss / 2 ** 20,
      });
      break;
    }
    case 'stop':
      void Promise.allSettled([...bots.values()].map((b) => b.disconnect()))
        .then(() => dispose())
        .finally(() => {
          send({ type: 'stopped' });
          process.exit(0);
        });
      break;
  }
});

process.on('disconnect', () => process.exit(0));
// @livekit/rtc-node can throw from a native finalizer (no stack); count it, keep measuring.
process.on('uncaughtException', (err) => {
  console.error(`[bench worker ${process.pid}] uncaught: ${message(err)}`);
});
