import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { CollabLogger } from './types';

/** What the fan-out delivers to the server. */
export interface FanoutHandlers {
  update(docName: string, update: Uint8Array): void;
  awareness(docName: string, update: Uint8Array): void;
  /** Another node opened the document and asks for the local awareness states. */
  awarenessQuery(docName: string): void;
  /** Messages may have been lost (Redis restarted, a publish failed): reload these documents. */
  resync(docNames: readonly string[]): void;
}

/** Options of {@link RedisFanout}. */
export interface RedisFanoutOptions {
  url: string;
  /** Channel prefix (default `collab`). */
  prefix?: string;
}

const KIND = { update: 0, awareness: 1, query: 2, resync: 3 } as const;

/**
 * Fans updates and awareness out to the other collab nodes through Redis pub/sub: one channel per
 * loaded document, one message per stored update. Pub/sub drops messages while a node is
 * disconnected, so after a reconnect (or a failed publish) the affected documents are reloaded
 * from the database, which every update reaches before it is published.
 */
export class RedisFanout {
  readonly nodeId = randomBytes(8).toString('hex');
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly channels = new Set<string>();
  private subReadyOnce = false;
  private publishFailed = false;
  private closed = false;

  constructor(
    opts: RedisFanoutOptions,
    private readonly handlers: FanoutHandlers,
    private readonly logger: CollabLogger,
  ) {
    this.prefix = `${opts.prefix ?? 'collab'}:`;
    const common = { lazyConnect: false, maxRetriesPerRequest: 1 };
    // A publish while Redis is down fails at once instead of queueing: the resync repairs it.
    this.pub = new Redis(opts.url, { ...common, enableOfflineQueue: false });
    this.sub = new Redis(opts.url, { ...common, enableOfflineQueue: true });
    for (const r of [this.pub, this.sub]) {
      r.on('error', (err: Error) => {
        if (!this.closed) this.logger.debug({ err: err.message }, 'redis connection error');
      });
    }
    this.sub.on('messageBuffer', this.onMessage);
    this.sub.on('ready', () => {
      if (!this.subReadyOnce) {
        this.subReadyOnce = true;
        return;
      }
      this.logger.warn({}, 'reconnected to Redis; reloading the open documents');
      // ioredis resubscribes by itself, but 'ready' can come before Redis has confirmed it. An
      // update published in between reaches nobody here, and if it was stored after the reload
      // read the database it is lost for good. So subscribe again (idempotent) and reload only
      // once Redis confirmed: everything published later arrives, everything earlier is stored.
      const channels = [...this.channels];
      const subscribed = channels.length > 0 ? this.sub.subscribe(...channels) : Promise.resolve();
      subscribed
        .catch((err: unknown) => {
          this.logger.warn({ err }, 'redis resubscribe failed');
        })
        .finally(() => {
          if (!this.closed) this.handlers.resync(this.docNames());
        });
    });
    this.pub.on('ready', () => {
      if (!this.publishFailed) return;
      this.publishFailed = false;
      // Tell the other nodes that they may have missed some of our messages.
      for (const doc of this.docNames()) this.publish(doc, KIND.resync, null);
    });
  }

  /** 'ok' when both connections are ready. */
  get status(): 'ok' | 'down' {
    return this.pub.status === 'ready' && this.sub.status === 'ready' ? 'ok' : 'down';
  }

  private docNames(): string[] {
    return [...this.channels].map((c) => c.slice(this.prefix.length));
  }

  /** Starts receiving a document's messages. */
  subscribe(docName: string): void {
    const channel = this.prefix + docName;
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    this.sub.subscribe(channel).catch((err: unknown) => {
      this.logger.warn({ err, docName }, 'redis subscribe failed');
    });
  }

  /** Stops receiving a document's messages. */
  unsubscribe(docName: string): void {
    const channel = this.prefix + docName;
    if (!this.channels.delete(channel)) return;
    this.sub.unsubscribe(channel).catch(() => undefined);
  }

  publishUpdate(docName: string, update: Uint8Array): void {
    this.publish(docName, KIND.update, update);
  }

  publishAwareness(docName: string, update: Uint8Array): void {
    this.publish(docName, KIND.awareness, update);
  }

  queryAwareness(docName: string): void {
    this.publish(docName, KIND.query, null);
  }

  private publish(docName: string, kind: number, payload: Uint8Array | null): void {
    if (this.closed) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kind);
    encoding.writeVarString(encoder, this.nodeId);
    if (payload) encoding.writeVarUint8Array(encoder, payload);
    const message = Buffer.from(encoding.toUint8Array(encoder));
    this.pub.publish(this.prefix + docName, message).catch((err: unknown) => {
      if (kind === KIND.update) this.publishFailed = true;
      this.logger.debug({ err, docName }, 'redis publish failed');
    });
  }

  private readonly onMessage = (channelBuf: Buffer, message: Buffer): void => {
    const channel = channelBuf.toString();
    if (!channel.startsWith(this.prefix)) return;
    const docName = channel.slice(this.prefix.length);
    try {
      const decoder = decoding.createDecoder(new Uint8Array(message));
      const kind = decoding.readVarUint(decoder);
      const from = decoding.readVarString(decoder);
      if (from === this.nodeId) return;
      switch (kind) {
        case KIND.update:
          this.handlers.update(docName, decoding.readVarUint8Array(decoder).slice());
          break;
        case KIND.awareness:
          this.handlers.awareness(docName, decoding.readVarUint8Array(decoder).slice());
          break;
        case KIND.query:
          this.handlers.awarenessQuery(docName);
          break;
        case KIND.resync:
          this.handlers.resync([docName]);
          break;
      }
    } catch (err) {
      this.logger.warn({ err, channel }, 'ignored a malformed message from Redis');
    }
  };

  /** Closes both connections. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
