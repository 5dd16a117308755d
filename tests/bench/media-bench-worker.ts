// A child process of media.bench.ts holding a share of the site bots (one @livekit/rtc-node FFI
// per process). It obeys messages from the parent and answers with measurements.
import { RoomEvent } from '@livekit/rtc-node';
import { ConferenceBot } from '../../media/bots/conference-bot';
import { floorGrantedIn } from '../../media/contracts/grant-profiles';
import {
  errorMessage as message,
  exitBotProcess,
  guardBotProcess,
  runLimited,
  withTimeout,
} from './bench-process';

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
  /** Publish the site's tone muted now (the cost of muted microphones, this tree only). */
  | { type: 'publish_muted'; identity: string; hz: number }
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
  /** The site saw the floor attribute (and unmuted its microphone), at this Date.now(). */
  | { type: 'floor_seen'; identity: string; at: number }
  | { type: 'publish_failed'; identity: string; error: string }
  | { type: 'unpublished'; identity: string }
  | { type: 'cpu'; userMs: number; systemMs: number; rssMb: number }
  | { type: 'stopped' };

const bots = new Map<string, ConferenceBot>();
const send = (report: WorkerReport): void => {
  process.send?.(report);
};

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
          // Each site stands for its own device: this machine pays only for what the bench
          // measures (the hub's audio), not for 146 × 146 muted microphones.
          listenOnlyTo: command.chairIdentity,
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
    // The bot unmutes on this event too (it registered first): report when that happened.
    listening.room.on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => {
      if (participant.identity === site.identity && floorGrantedIn(participant.attributes))
        send({ type: 'floor_seen', identity: site.identity, at: Date.now() });
    });
    listening.publishTone(command.mutedToneHz, { muted: true, dtx: true }).then(
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
  await runLimited(command.sites, JOIN_CONCURRENCY, (site) => joinOne(command, site));
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
      bot.publishTone(command.hz, { dtx: true }).then(
        () => send({ type: 'published', identity: command.identity }),
        (err: unknown) =>
          send({ type: 'publish_failed', identity: command.identity, error: message(err) }),
      );
      break;
    }
    case 'publish_muted': {
      const bot = bots.get(command.identity);
      if (!bot) {
        send({ type: 'publish_failed', identity: command.identity, error: 'no such bot' });
        break;
      }
      bot.publishTone(command.hz, { muted: true, dtx: true }).then(
        () => send({ type: 'published_muted', identity: command.identity }),
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
      exitBotProcess(() => Promise.allSettled([...bots.values()].map((b) => b.disconnect())));
      break;
  }
});

guardBotProcess('bench worker');
