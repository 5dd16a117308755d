import type { Logger } from 'pino';
import type { ConferenceLive } from '../contracts/live';

/** What the feed needs: the state to push, who may see it, and the live events. */
export interface ConferenceFeedDeps {
  /** The bridge as the console shows it now. */
  state(meetingId: string): Promise<ConferenceLive>;
  /** User ids that receive the data (the chair and the secretary). */
  audience(meetingId: string): Promise<string[]>;
  publish(meetingId: string, data: ConferenceLive, audience: string[]): Promise<unknown>;
  logger: Logger;
  /** How often an open bridge is looked at for what changes by itself (quality). */
  everyMs?: number;
  /** Delay that gathers a burst of changes into one event. */
  soonMs?: number;
}

/** What is compared: the roll call's time of taking and a running duration change every time. */
function comparable(s: ConferenceLive): string {
  return JSON.stringify({
    ...s,
    rollCall: s.rollCall ? { ...s.rollCall, takenAt: null } : null,
    recording: { ...s.recording, durationMs: null },
  });
}

/**
 * Pushes the bridge's state (roll call, connection quality, mutes, recording, removals) on the
 * live stream as `conference.changed`, so that the chair's console follows it without polling:
 * soon after anything the server sees change (a join or leave, a control, a floor move) and,
 * while this process holds the meeting's room open, every few seconds when what participants
 * report about their own link changed. One computation per meeting, whoever watches.
 */
export class ConferenceFeed {
  private readonly soon = new Map<string, NodeJS.Timeout>();
  private readonly watched = new Map<string, NodeJS.Timeout>();
  private readonly last = new Map<string, string>();
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly deps: ConferenceFeedDeps) {}

  /** Something changed: push the state shortly (bursts gather into one event). */
  touch(meetingId: string): void {
    if (this.closed || this.soon.has(meetingId)) return;
    const timer = setTimeout(() => {
      this.soon.delete(meetingId);
      void this.push(meetingId);
    }, this.deps.soonMs ?? 250);
    timer.unref();
    this.soon.set(meetingId, timer);
  }

  /** The room is open in this process: look at it regularly until {@link unwatch}. */
  watch(meetingId: string): void {
    if (this.closed || this.watched.has(meetingId)) return;
    const timer = setInterval(() => void this.push(meetingId), this.deps.everyMs ?? 3000);
    timer.unref();
    this.watched.set(meetingId, timer);
    this.touch(meetingId);
  }

  /** The room closed: no more looking (the leaves and the room's end still push). */
  unwatch(meetingId: string): void {
    clearInterval(this.watched.get(meetingId));
    this.watched.delete(meetingId);
  }

  close(): void {
    this.closed = true;
    for (const t of this.soon.values()) clearTimeout(t);
    for (const t of this.watched.values()) clearInterval(t);
    this.soon.clear();
    this.watched.clear();
  }

  /** Pushes when the state differs from the last pushed (one computation at a time). */
  private push(meetingId: string): Promise<void> {
    const busy = this.running.get(meetingId);
    if (busy) return busy;
    const work = (async () => {
      try {
        const state = await this.deps.state(meetingId);
        const key = comparable(state);
        if (this.last.get(meetingId) === key) return;
        this.last.set(meetingId, key);
        await this.deps.publish(meetingId, state, await this.deps.audience(meetingId));
      } catch (err) {
        this.deps.logger.warn({ err, meetingId }, 'the bridge state could not be pushed');
      } finally {
        this.running.delete(meetingId);
      }
    })();
    this.running.set(meetingId, work);
    return work;
  }
}
