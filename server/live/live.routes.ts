import type { Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user';
import { objectIdSchema } from '../contracts/common';
import { liveQuerySchema, liveSnapshotSchema, liveStateQuerySchema } from '../contracts/live';
import type { LiveEvent } from '../contracts/live';
import type { MeetingMinutes } from '../contracts/minutes';
import type { ApiRouter } from '../http/api-router';
import { appError } from '../errors';
import { checkAccess } from '../meetings/meeting-access.service';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { LiveStream } from './live-stream';
import type { LiveReadModel } from './read-model';

const idParams = z.object({ id: objectIdSchema });
const open = new Set<Response>();

/** Options of the live routes. */
export interface LiveRoutesOptions {
  /** Interval of SSE comment lines that keep proxies from closing an idle stream. */
  heartbeatMs: number;
  logger: Logger;
  /** Where the snapshot and the access decisions of both routes come from. */
  readModel: LiveReadModel;
  /**
   * What `include=` adds to a snapshot, provided later by the parts that own it (the minutes
   * start after the records): asked for but not provided is a 503.
   */
  extras: SnapshotExtras;
}

/** Providers of the parts a snapshot may include (`?include=`). */
export interface SnapshotExtras {
  minutes?: (user: AuthUser, meetingId: string) => Promise<MeetingMinutes>;
}

function format(event: LiveEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Ends every open live stream (at shutdown; EventSource clients reconnect elsewhere). */
export function closeLiveStreams(): void {
  for (const res of open) res.end();
  open.clear();
}

/** How many live streams this process serves now (benchmarks, health). */
export function openLiveStreams(): number {
  return open.size;
}

/** `/api/meetings/:id/live`: Server-Sent Events with catch-up, and the snapshot to start from. */
export function registerLiveRoutes(api: ApiRouter, opts: LiveRoutesOptions): void {
  const { readModel } = opts;
  // SECURITY: access is decided first, from the read model's copy of the meeting and its
  // participants (the same decision as every other meeting route), before anything is read.
  const checked = new WeakMap<AuthUser, MeetingAccess>();
  const authorize = async ({ user, params }: { user: AuthUser; params: { id: string } }) => {
    checked.set(user, checkAccess(await readModel.accessOf(user, params.id), params.id));
  };
  const accessOf = (user: AuthUser, meetingId: string): MeetingAccess => {
    const a = checked.get(user);
    checked.delete(user);
    if (a?.meetingId !== meetingId) throw new Error('live route handler ran without authorize');
    return a;
  };

  api.route({
    method: 'get',
    path: '/meetings/:id/live/state',
    summary:
      'Everything a live screen opens with (meeting, access, agenda, floor, polls, attendance, documents, sites, chat, own ballots) and the event sequence it is current to, with a ticket for the stream',
    tags: ['live'],
    params: idParams,
    query: liveStateQuerySchema,
    response: liveSnapshotSchema,
    errors: [403, 404, 503],
    authorize,
    handler: async ({ user, params, query }) => {
      const access = accessOf(user, params.id);
      if (query.include === 'minutes') {
        const minutesOf = opts.extras.minutes;
        if (!minutesOf)
          throw appError('not_configured', 503, 'The minutes are not served by this process.');
        // The minutes' own access rules apply (their route's): read them first, so a refusal
        // costs no ticket.
        const minutes = await minutesOf(user, params.id);
        return {
          ...(await readModel.snapshot(user, access, { ticket: query.ticket === '1' })),
          minutes,
        };
      }
      return readModel.snapshot(user, access, { ticket: query.ticket === '1' });
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
    authorize,
    handler: async ({ user, params, query, req, res }) => {
      accessOf(user, params.id);
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
        async () => (await readModel.seqOf(params.id)) ?? 0,
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
