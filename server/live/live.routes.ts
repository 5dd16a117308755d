import type { Response } from 'express';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { z } from 'zod';
import { buildAgenda } from '../agenda/agenda-view';
import { buildAttendance } from '../attendance/attendance.service';
import { objectIdSchema } from '../contracts/common';
import { liveQuerySchema, liveSnapshotSchema } from '../contracts/live';
import type { LiveEvent, LiveSnapshot } from '../contracts/live';
import type { ApiRouter } from '../http/api-router';
import { notFound } from '../errors';
import { requireAccess } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { buildFloor } from '../speakers/floor.service';
import { PollModel } from '../votes/poll.model';
import type { PollLean } from '../votes/poll.model';
import { toPollDto } from '../votes/poll.service';
import { LiveStream } from './live-stream';
import { liveService } from './live.service';

const idParams = z.object({ id: objectIdSchema });
const open = new Set<Response>();

/** Options of the live routes. */
export interface LiveRoutesOptions {
  /** Interval of SSE comment lines that keep proxies from closing an idle stream. */
  heartbeatMs: number;
  logger: Logger;
}

function format(event: LiveEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Ends every open live stream (at shutdown; EventSource clients reconnect elsewhere). */
export function closeLiveStreams(): void {
  for (const res of open) res.end();
  open.clear();
}

/** Everything a live screen shows, current to the returned `seq`. */
export async function liveSnapshot(meetingId: string): Promise<LiveSnapshot> {
  const seq = await liveService.lastSeq(meetingId);
  const id = new Types.ObjectId(meetingId);
  const [meeting, agenda, floor, attendance, polls] = await Promise.all([
    MeetingModel.findById(id, { state: 1 }).lean(),
    buildAgenda(meetingId),
    buildFloor(meetingId),
    buildAttendance(meetingId),
    PollModel.find({ meetingId: id }).sort({ createdAt: 1, _id: 1 }).lean(),
  ]);
  if (!meeting) throw notFound(`Meeting ${meetingId}`);
  return {
    meetingId,
    seq,
    state: meeting.state,
    currentItemId: agenda.currentItemId,
    agenda: agenda.items,
    floor,
    polls: await Promise.all((polls as PollLean[]).map(toPollDto)),
    attendance,
    at: new Date().toISOString(),
  };
}

/** `/api/meetings/:id/live`: Server-Sent Events with catch-up, and the snapshot to start from. */
export function registerLiveRoutes(api: ApiRouter, opts: LiveRoutesOptions): void {
  api.route({
    method: 'get',
    path: '/meetings/:id/live/state',
    summary: 'Everything a live screen shows, and the event sequence it is current to',
    tags: ['live'],
    params: idParams,
    response: liveSnapshotSchema,
    errors: [403, 404],
    handler: async ({ user, params }) => {
      await requireAccess(user, params.id);
      return liveSnapshot(params.id);
    },
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/live',
    summary:
      'Live events (text/event-stream). Each event id is its sequence number; reconnect with Last-Event-ID (or ?lastEventId=) to receive what was missed. Browsers authenticate with a ticket (?ticket=, purpose live).',
    tags: ['live'],
    ticket: 'live',
    params: idParams,
    query: liveQuerySchema,
    responseContentType: 'text/event-stream',
    errors: [403, 404],
    handler: async ({ user, params, query, req, res }) => {
      await requireAccess(user, params.id);
      const header = req.headers['last-event-id'];
      const fromHeader =
        typeof header === 'string' && /^\d{1,15}$/.test(header.trim()) ? Number(header) : undefined;
      const lastEventId = fromHeader ?? query.lastEventId;
      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      res.write('retry: 2000\n\n');
      open.add(res);
      const write = (text: string): void => {
        if (!res.writableEnded && !res.destroyed) res.write(text);
      };
      const stream = new LiveStream(
        params.id,
        user.id,
        (event) => write(format(event)),
        (err) => {
          opts.logger.warn({ err, meetingId: params.id }, 'live stream failed; closing it');
          res.end();
        },
      );
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), opts.heartbeatMs);
      res.on('close', () => {
        clearInterval(heartbeat);
        stream.close();
        open.delete(res);
      });
      try {
        await stream.start(lastEventId);
        write(`event: ready\ndata: ${JSON.stringify({ seq: stream.position })}\n\n`);
      } catch (err) {
        opts.logger.warn({ err, meetingId: params.id }, 'live stream could not start');
        res.end();
      }
      return undefined;
    },
  });
}
