// A child process of hd.bench.ts holding a share of the participants (one @livekit/rtc-node FFI
// per process): each joins, publishes a 720p simulcast camera when told (after the floor is
// granted), subscribes to what its screen shows and counts the frames it decodes.
import { RoomEvent, TrackKind } from '@livekit/rtc-node';
import type { RemoteParticipant, RemoteTrackPublication } from '@livekit/rtc-node';
import { ConferenceBot } from '../../media/bots/conference-bot';
import {
  errorMessage,
  exitBotProcess,
  guardBotProcess,
  runLimited,
  withTimeout,
} from './bench-process';
import {
  publishCamera,
  receiveVideo,
  requestLayer,
  sentLayers,
  testPattern,
  VIDEO_QUALITY,
} from './hd-video';
import type { CameraEncoding, PublishedCamera, ReceivedVideo, SentLayer } from './hd-video';

/**
 * What a participant's screen shows: `high` identities at the top layer (the programme, and the
 * hub at a site), every other camera at the low layer when `others` is 'low' (the hub's wall of
 * sites, as adaptive stream asks for small tiles) or not at all when 'none'.
 */
export interface ViewRule {
  high: string[];
  others: 'low' | 'none';
}

/** What the parent asks. */
export type HdWorkerCommand =
  | {
      type: 'join';
      url: string;
      participants: { identity: string; token: string }[];
    }
  | { type: 'publish'; identity: string; encoding: CameraEncoding }
  | { type: 'view'; rules: Record<string, ViewRule> }
  | { type: 'measure'; ms: number }
  | { type: 'stop' };

/** What one participant decoded from one publisher's camera. */
export interface ReceivedFrom extends ReceivedVideo {
  from: string;
  layer: 'high' | 'low';
}

/** One layer a participant sent during the measuring window. */
export interface SentOver extends Omit<SentLayer, 'bytesSent'> {
  bitsPerSecond: number;
}

/** What the worker answers. */
export type HdWorkerReport =
  | { type: 'joined'; identity: string; joinMs: number }
  | { type: 'join_failed'; identity: string; error: string }
  | { type: 'published'; identity: string }
  | { type: 'publish_failed'; identity: string; error: string }
  | { type: 'viewing'; identity: string; subscribed: number }
  | { type: 'received'; identity: string; videos: ReceivedFrom[] }
  | { type: 'sent'; identity: string; layers: SentOver[] }
  | { type: 'stopped' };

const JOIN_CONCURRENCY = 3;
/** Frames in the pattern cycle: 2 s at 15 fps (about 40 MB of I420, shared by the process). */
const PATTERN_FRAMES = 30;

const bots = new Map<string, ConferenceBot>();
const cameras = new Map<string, PublishedCamera>();
const rules = new Map<string, ViewRule>();
let pattern: ReturnType<typeof testPattern> | null = null;
const send = (report: HdWorkerReport): void => {
  process.send?.(report);
};

function layerFor(rule: ViewRule, from: string): 'high' | 'low' | null {
  if (rule.high.includes(from)) return 'high';
  return rule.others === 'low' ? 'low' : null;
}

/** Subscribes or unsubscribes one camera by the rule, and asks for its layer. */
function apply(identity: string, p: RemoteParticipant, pub: RemoteTrackPublication): void {
  const rule = rules.get(identity);
  if (!rule || pub.kind !== TrackKind.KIND_VIDEO) return;
  const layer = layerFor(rule, p.identity);
  if (layer === null) {
    if (pub.subscribed) pub.setSubscribed(false);
    return;
  }
  if (!pub.subscribed) pub.setSubscribed(true);
  requestLayer(pub, layer === 'high' ? VIDEO_QUALITY.high : VIDEO_QUALITY.low);
}

function applyAll(identity: string, bot: ConferenceBot): number {
  let subscribed = 0;
  for (const p of bot.room.remoteParticipants.values()) {
    for (const pub of p.trackPublications.values()) {
      apply(identity, p, pub);
      if (pub.subscribed && pub.kind === TrackKind.KIND_VIDEO) subscribed++;
    }
  }
  return subscribed;
}

async function joinOne(url: string, identity: string, token: string): Promise<void> {
  const started = performance.now();
  let bot: ConferenceBot;
  try {
    bot = await withTimeout(
      ConferenceBot.join({ url, token, autoSubscribe: false }),
      60_000,
      'join',
    );
  } catch (err) {
    send({ type: 'join_failed', identity, error: errorMessage(err) });
    return;
  }
  bots.set(identity, bot);
  // rtc-node adds a room listener per subscribed track; a hub with 40 tiles passes the default.
  bot.room.setMaxListeners(0);
  bot.room.on(RoomEvent.TrackPublished, (pub, p) => {
    apply(identity, p, pub);
  });
  // The layer request only holds once the subscription exists: ask again then.
  bot.room.on(RoomEvent.TrackSubscribed, (_track, pub, p) => {
    apply(identity, p, pub);
  });
  send({ type: 'joined', identity, joinMs: performance.now() - started });
}

/** What a camera sent over `ms` (layers as its WebRTC stats give them). */
async function sent(identity: string, camera: PublishedCamera, ms: number): Promise<void> {
  const before = await sentLayers(camera.track);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const after = await sentLayers(camera.track);
  const seconds = (performance.now() - started) / 1000;
  send({
    type: 'sent',
    identity,
    layers: after.map(({ bytesSent, ...layer }) => ({
      ...layer,
      bitsPerSecond:
        ((bytesSent - (before.find((b) => b.rid === layer.rid)?.bytesSent ?? bytesSent)) * 8) /
        seconds,
    })),
  });
}

/** Every subscribed camera of every participant of this process, counted at once. */
async function measure(ms: number): Promise<void> {
  await Promise.all([
    ...[...cameras].map(([identity, camera]) => sent(identity, camera, ms)),
    ...[...bots].map(async ([identity, bot]) => {
      const rule = rules.get(identity);
      const tracks: {
        from: string;
        layer: 'high' | 'low';
        track: NonNullable<RemoteTrackPublication['track']>;
      }[] = [];
      for (const p of bot.room.remoteParticipants.values()) {
        for (const pub of p.trackPublications.values()) {
          const layer = rule ? layerFor(rule, p.identity) : null;
          if (pub.kind === TrackKind.KIND_VIDEO && pub.track && layer)
            tracks.push({ from: p.identity, layer, track: pub.track });
        }
      }
      const videos = await Promise.all(
        tracks.map(async (t) => ({
          from: t.from,
          layer: t.layer,
          ...(await receiveVideo(t.track, ms)),
        })),
      );
      send({ type: 'received', identity, videos });
    }),
  ]);
}

process.on('message', (command: HdWorkerCommand) => {
  switch (command.type) {
    case 'join':
      void runLimited(command.participants, JOIN_CONCURRENCY, (p) =>
        joinOne(command.url, p.identity, p.token),
      );
      break;
    case 'publish': {
      const bot = bots.get(command.identity);
      if (!bot) {
        send({ type: 'publish_failed', identity: command.identity, error: 'no such bot' });
        break;
      }
      pattern ??= testPattern(PATTERN_FRAMES);
      publishCamera(bot.room, pattern, command.encoding, bots.size * 7).then(
        (camera) => {
          cameras.set(command.identity, camera);
          send({ type: 'published', identity: command.identity });
        },
        (err: unknown) =>
          send({ type: 'publish_failed', identity: command.identity, error: errorMessage(err) }),
      );
      break;
    }
    case 'view':
      for (const [identity, rule] of Object.entries(command.rules)) {
        const bot = bots.get(identity);
        if (!bot) continue;
        rules.set(identity, rule);
        send({ type: 'viewing', identity, subscribed: applyAll(identity, bot) });
      }
      break;
    case 'measure':
      void measure(command.ms);
      break;
    case 'stop':
      exitBotProcess(async () => {
        await Promise.allSettled([...cameras.values()].map((c) => c.stop()));
        await Promise.allSettled([...bots.values()].map((b) => b.disconnect()));
      });
      break;
  }
});

guardBotProcess('hd bench worker');
