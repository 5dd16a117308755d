import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { LiveEvent, LiveEventType } from '../contracts/live';
import { SequencedAppender } from '../write-serialization';
import { createInProcessBus } from './live-bus';
import type { LiveBus } from './live-bus';
import { LiveEventModel } from './live-event.model';

type Listener = (event: LiveEvent) => void;

const listeners = new Map<string, Set<Listener>>();
let bus: LiveBus = createInProcessBus();
let logger: Logger | undefined;

function dispatch(event: LiveEvent): void {
  for (const listener of listeners.get(event.meetingId) ?? []) listener(event);
}
let unsubscribeBus = bus.subscribe(dispatch);

/**
 * Switches this process to another bus (Redis when REDIS_URL is set). Called once at start by
 * the composition root; until then events travel within the process.
 */
export function useLiveBus(next: LiveBus, log: Logger): void {
  unsubscribeBus();
  bus = next;
  logger = log;
  unsubscribeBus = bus.subscribe(dispatch);
}

const appender = new SequencedAppender<{ seq: number }>({
  loadHead: async (meetingId) => {
    const last = await LiveEventModel.findOne(
      { meetingId: new Types.ObjectId(meetingId) },
      {
        seq: 1,
      },
    )
      .sort({ seq: -1 })
      .lean();
    return last ? { seq: last.seq } : null;
  },
});

function toEvent(r: {
  meetingId: Types.ObjectId;
  seq: number;
  type: string;
  at: Date;
  data: string;
  audience?: string[] | null | undefined;
}): LiveEvent {
  return {
    meetingId: r.meetingId.toHexString(),
    seq: r.seq,
    type: r.type as LiveEventType,
    at: r.at.toISOString(),
    data: JSON.parse(r.data) as Record<string, unknown>,
    ...(r.audience ? { audience: r.audience } : {}),
  };
}

/**
 * Live state of meetings: every change that a screen shows is stored as an event with the
 * next sequence number of its meeting (MongoDB, unique index) and fanned out to every API
 * process (Redis pub/sub, or in-process), which pushes it to its SSE clients.
 */
export const liveService = {
  /**
   * Records and fans out an event. Never throws: the change it reports has already been
   * made, so a failure here is logged and the clients catch up on their next event.
   * `audience` (user ids) restricts who receives the data; others receive a `restricted`
   * placeholder with the same `seq` (see live-stream.ts).
   * @returns the event, or null when it could not be recorded.
   */
  async publish(
    meetingId: string,
    type: LiveEventType,
    data: Record<string, unknown>,
    audience?: string[],
  ): Promise<LiveEvent | null> {
    try {
      const at = new Date();
      const json = JSON.stringify(data);
      const { seq } = await appender.append(meetingId, async (head) => {
        const next = (head?.seq ?? 0) + 1;
        await LiveEventModel.create({
          meetingId: new Types.ObjectId(meetingId),
          seq: next,
          type,
          at,
          data: json,
          ...(audience ? { audience } : {}),
        });
        return { seq: next };
      });
      const event: LiveEvent = {
        meetingId,
        seq,
        type,
        at: at.toISOString(),
        data: JSON.parse(json) as Record<string, unknown>,
        ...(audience ? { audience } : {}),
      };
      await bus.publish(event);
      return event;
    } catch (err) {
      logger?.error({ err, meetingId, type }, 'a live event could not be published');
      return null;
    }
  },

  /** The sequence number of the meeting's latest event (0: none yet). */
  async lastSeq(meetingId: string): Promise<number> {
    const last = await LiveEventModel.findOne(
      { meetingId: new Types.ObjectId(meetingId) },
      {
        seq: 1,
      },
    )
      .sort({ seq: -1 })
      .lean();
    return last?.seq ?? 0;
  },

  /** Events with `after < seq <= upto`, oldest first, at most `limit`. */
  async eventsBetween(
    meetingId: string,
    after: number,
    upto: number | null,
    limit: number,
  ): Promise<LiveEvent[]> {
    const seq = upto === null ? { $gt: after } : { $gt: after, $lte: upto };
    const rows = await LiveEventModel.find({ meetingId: new Types.ObjectId(meetingId), seq })
      .sort({ seq: 1 })
      .limit(limit)
      .lean();
    return rows.map(toEvent);
  },

  /** Calls `listener` for each event of the meeting from now on; returns an unsubscribe. */
  subscribe(meetingId: string, listener: Listener): () => void {
    let set = listeners.get(meetingId);
    if (!set) {
      set = new Set();
      listeners.set(meetingId, set);
    }
    set.add(listener);
    return () => {
      const current = listeners.get(meetingId);
      current?.delete(listener);
      if (current?.size === 0) listeners.delete(meetingId);
    };
  },
};
