import type { LiveEvent } from '../contracts/live';
import { liveService } from './live.service';

/** The most missed events a reconnecting client is sent; beyond it, a `resync` event. */
export const MAX_CATCH_UP = 1000;

/**
 * One client's ordered view of a meeting's events: catches up from the client's last event
 * id, then passes on live events in sequence order, filling any gap (an event that reached
 * this process late, or not at all) from MongoDB, and never sending an event twice.
 */
export class LiveStream {
  private lastSent = 0;
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  /**
   * @param viewerId the user the stream is for: events whose `audience` leaves them out are
   * sent as `restricted` placeholders (same `seq`, no data), so the sequence has no gaps.
   * @param knownHead the latest sequence number this process knows without asking MongoDB
   * (the read model's); the log is asked only when the client is ahead of it.
   */
  constructor(
    private readonly meetingId: string,
    private readonly viewerId: string,
    private readonly knownHead: () => Promise<number>,
    private readonly write: (event: LiveEvent) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** SECURITY: the one place events leave for a client; private data stays with its audience. */
  private send(event: LiveEvent): void {
    const { audience, ...rest } = event;
    if (!audience || audience.includes(this.viewerId)) this.write(rest);
    else
      this.write({
        meetingId: rest.meetingId,
        seq: rest.seq,
        type: 'restricted',
        at: rest.at,
        data: {},
      });
  }

  /** Subscribes, then sends what the client missed after `lastEventId` (none: start now). */
  start(lastEventId: number | undefined): Promise<void> {
    this.unsubscribe = liveService.subscribe(this.meetingId, (event) => this.enqueue(event));
    this.chain = this.catchUp(lastEventId);
    return this.chain;
  }

  /** The sequence number of the last event sent. */
  get position(): number {
    return this.lastSent;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
  }

  /** Read through a method: the flag changes while a delivery awaits. */
  private isClosed(): boolean {
    return this.closed;
  }

  private enqueue(event: LiveEvent): void {
    this.chain = this.chain
      .then(() => this.deliver(event))
      .catch((err: unknown) => this.onError(err));
  }

  private async catchUp(lastEventId: number | undefined): Promise<void> {
    let last = await this.knownHead();
    // Another process served the snapshot and is a step ahead: ask the log.
    if (lastEventId !== undefined && lastEventId > last)
      last = await liveService.lastSeq(this.meetingId);
    if (lastEventId === undefined) {
      this.lastSent = last;
      return;
    }
    if (lastEventId > last || last - lastEventId > MAX_CATCH_UP) {
      this.sendResync(last);
      return;
    }
    this.lastSent = lastEventId;
    await this.fill(last);
  }

  private async deliver(event: LiveEvent): Promise<void> {
    if (this.isClosed() || event.seq <= this.lastSent) return;
    if (event.seq > this.lastSent + 1) await this.fill(event.seq - 1);
    if (this.isClosed() || event.seq <= this.lastSent) return;
    this.send(event);
    this.lastSent = event.seq;
  }

  private async fill(upto: number): Promise<void> {
    while (!this.isClosed() && this.lastSent < upto) {
      const events = await liveService.eventsBetween(this.meetingId, this.lastSent, upto, 200);
      if (events.length === 0) return;
      for (const event of events) {
        if (this.isClosed()) return;
        this.send(event);
        this.lastSent = event.seq;
      }
    }
  }

  private sendResync(last: number): void {
    this.write({
      meetingId: this.meetingId,
      seq: last,
      type: 'resync',
      at: new Date().toISOString(),
      data: {},
    });
    this.lastSent = last;
  }
}
