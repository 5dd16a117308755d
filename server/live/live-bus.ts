import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { liveEventSchema } from '../contracts/live';
import type { LiveEvent } from '../contracts/live';

/** Carries live events to every API process (each serves its own SSE clients). */
export interface LiveBus {
  publish(event: LiveEvent): Promise<void>;
  /** Calls `listener` for every event published by any process; returns an unsubscribe. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'dienhong:live';

/** A bus within one process (no REDIS_URL): one API process serves every client. */
export function createInProcessBus(): LiveBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(event) {
      emitter.emit(CHANNEL, event);
      return Promise.resolve();
    },
    subscribe(listener) {
      emitter.on(CHANNEL, listener);
      return () => emitter.off(CHANNEL, listener);
    },
    close() {
      emitter.removeAllListeners();
      return Promise.resolve();
    },
  };
}

/**
 * A bus over Redis pub/sub, for several API processes behind one proxy. Every process, the
 * publisher included, receives events from Redis, so all clients see one order of delivery.
 * Redis holds nothing: what a process misses while disconnected its clients fetch from
 * MongoDB (the sequence makes the gap visible).
 * @throws when Redis cannot be reached at start.
 */
export async function createRedisBus(url: string, logger: Logger): Promise<LiveBus> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true };
  const pub = new Redis(url, options);
  const sub = new Redis(url, options);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  for (const [name, client] of [
    ['publisher', pub],
    ['subscriber', sub],
  ] as const) {
    client.on('error', (err: Error) => logger.warn({ err: err.message }, `redis ${name} error`));
  }
  await Promise.all([pub.connect(), sub.connect()]);
  sub.on('message', (channel: string, message: string) => {
    if (channel !== CHANNEL) return;
    try {
      const parsed = liveEventSchema.safeParse(JSON.parse(message));
      if (parsed.success) emitter.emit(CHANNEL, parsed.data);
      else logger.warn('ignored a malformed live event from redis');
    } catch {
      logger.warn('ignored a non-JSON live event from redis');
    }
  });
  await sub.subscribe(CHANNEL);
  return {
    async publish(event) {
      await pub.publish(CHANNEL, JSON.stringify(event));
    },
    subscribe(listener) {
      emitter.on(CHANNEL, listener);
      return () => emitter.off(CHANNEL, listener);
    },
    async close() {
      emitter.removeAllListeners();
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
