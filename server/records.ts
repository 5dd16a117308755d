import type { Logger } from 'pino';
import { registerAgendaRoutes } from './agenda/agenda.routes';
import type { AgendaDocumentBridge } from './agenda/agenda-bridge';
import { materializeFromDocument } from './agenda/agenda-materializer';
import { useAgendaBridge } from './agenda/agenda.service';
import type { RouteModule } from './app';
import { registerAttendanceRoutes } from './attendance/attendance.routes';
import { attendanceService } from './attendance/attendance.service';
import { registerAuditRoutes } from './audit/audit.routes';
import { auditService } from './audit/audit.service';
import { registerDocumentRoutes } from './documents/documents.routes';
import { createInProcessBus, createRedisBus } from './live/live-bus';
import type { LiveBus } from './live/live-bus';
import { closeLiveStreams, registerLiveRoutes } from './live/live.routes';
import type { SnapshotExtras } from './live/live.routes';
import { liveService, useLiveBus } from './live/live.service';
import { LiveReadModel } from './live/read-model';
import { ticketService } from './auth/ticket.service';
import { accessOf } from './meetings/meeting-access.service';
import { registerMeetingRoutes } from './meetings/meetings.routes';
import { meetingDirectory, meetingService } from './meetings/meeting.service';
import { registerParticipantRoutes } from './meetings/participants.routes';
import { noFloorHooks } from './speakers/floor-hooks';
import type { FloorHooks } from './speakers/floor-hooks';
import { floorService, useFloorHooks } from './speakers/floor.service';
import { registerSpeakerRoutes } from './speakers/speakers.routes';
import { flushAllCasts, useBallotLogger } from './votes/ballot-store';
import { pollService } from './votes/poll.service';
import { registerVoteRoutes } from './votes/votes.routes';

/** What the meeting records need from the composition root. */
export interface RecordsOptions {
  logger: Logger;
  /** Largest accepted document (UPLOAD_LIMIT_MB). */
  uploadLimitBytes: number;
  /** SSE keep-alive interval (LIVE_HEARTBEAT_SECONDS). */
  liveHeartbeatMs: number;
  /** Set: live events fan out across API processes through Redis pub/sub. */
  redisUrl: string | undefined;
  /** The media layer's reaction to the floor (microphones); default none. */
  floorHooks?: FloorHooks;
  /** The collab server's agenda document; default none (REST writes the record directly). */
  agendaBridge?: AgendaDocumentBridge;
}

/** The meeting records, started: routes for createApp, and the services other parts reuse. */
export interface Records {
  /** Route registrars to pass to createApp's `modules`. */
  modules: RouteModule[];
  /** Meeting access for the collab authorize callback, media tokens and the minutes. */
  accessOf: typeof accessOf;
  /** The audit chain (media and minutes append their own entries). */
  auditService: typeof auditService;
  /** Remote joins and leaves from the LiveKit webhooks. */
  attendance: Pick<typeof attendanceService, 'recordRemoteJoin' | 'recordRemoteLeave'>;
  /** Writes the agenda record from the co-edited document's items (collab persistence). */
  materializeFromDocument: typeof materializeFromDocument;
  /** Lifecycle moves (the minutes module publishes through it). */
  meetingService: typeof meetingService;
  /** Lets the minutes module put the minutes record into a snapshot (`include=minutes`). */
  provideSnapshotMinutes(get: NonNullable<SnapshotExtras['minutes']>): void;
  /** Ends live streams, writes pending audit batches, disconnects Redis. */
  close(): Promise<void>;
}

let listenersRegistered = false;

/**
 * Starts the meeting records of this process: the live-event bus (Redis when configured),
 * the hooks given by the composition root, and the lifecycle reactions (when a meeting ends,
 * the floor is cleared and open polls close).
 * @throws when REDIS_URL is set and Redis cannot be reached.
 */
export async function startRecords(opts: RecordsOptions): Promise<Records> {
  const { logger } = opts;
  const bus: LiveBus = opts.redisUrl
    ? await createRedisBus(opts.redisUrl, logger)
    : createInProcessBus();
  useLiveBus(bus, logger);
  await meetingDirectory.start({ redisUrl: opts.redisUrl, logger });
  useFloorHooks(opts.floorHooks ?? noFloorHooks, logger);
  useAgendaBridge(opts.agendaBridge);
  useBallotLogger(logger);
  const readModel = new LiveReadModel({
    events: liveService,
    issueTicket: (user, meetingId) =>
      ticketService.issue(
        { userId: user.id, sessionId: user.sessionId },
        'live',
        `/api/meetings/${meetingId}/live`,
      ),
    logger,
  });
  if (!listenersRegistered) {
    listenersRegistered = true;
    meetingService.onTransition(async ({ meetingId, to }) => {
      if (to !== 'ended') return;
      try {
        await floorService.closeAll(meetingId);
        await pollService.closeAllOpen(meetingId);
      } catch (err) {
        logger.error({ err, meetingId }, 'closing the floor and polls of an ended meeting failed');
      }
    });
  }
  const snapshotExtras: SnapshotExtras = {};
  return {
    modules: [
      registerMeetingRoutes,
      registerParticipantRoutes,
      registerAgendaRoutes,
      (api) => registerDocumentRoutes(api, { uploadLimitBytes: opts.uploadLimitBytes }),
      registerAttendanceRoutes,
      registerSpeakerRoutes,
      registerVoteRoutes,
      (api) =>
        registerLiveRoutes(api, {
          heartbeatMs: opts.liveHeartbeatMs,
          logger,
          readModel,
          extras: snapshotExtras,
        }),
      registerAuditRoutes,
    ],
    accessOf,
    auditService,
    attendance: {
      recordRemoteJoin: (meetingId, identity, at) =>
        attendanceService.recordRemoteJoin(meetingId, identity, at),
      recordRemoteLeave: (meetingId, identity, at) =>
        attendanceService.recordRemoteLeave(meetingId, identity, at),
    },
    materializeFromDocument,
    meetingService,
    provideSnapshotMinutes(get) {
      snapshotExtras.minutes = get;
    },
    async close() {
      closeLiveStreams();
      readModel.close();
      await flushAllCasts();
      await bus.close();
      await meetingDirectory.stop();
      useLiveBus(createInProcessBus(), logger);
    },
  };
}
