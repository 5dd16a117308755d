import type { Express } from 'express';
import type { Logger } from 'pino';
import type { MediaService } from '../../media/media-service';
import type { RouteModule } from '../app';
import { liveService } from '../live/live.service';
import { participantService } from '../meetings/participant.service';
import { meetingService } from '../meetings/meeting.service';
import type { FloorHooks } from '../speakers/floor-hooks';
import { mountConferenceWebhook, registerConferenceRoutes } from './conference.routes';
import { ConferenceFeed } from './conference-feed';
import { ConferenceService } from './conference.service';
import { announceRefusal, RoomLimit } from './room-limit';
import { registerVideoRecordingRoutes } from './video-recording.routes';
import { VideoRecordingService } from './video-recording.service';
import type { VideoRecordingOptions } from './video-recording.service';

/** What the conference module needs from the composition root. */
export interface ConferenceOptions {
  /** The media library, built by server/main.ts from the LiveKit config. */
  media: MediaService;
  logger: Logger;
  /** Most simultaneous connections per room (CONFERENCE_MAX_PARTICIPANTS); unset: no limit. */
  maxParticipants?: number;
  /**
   * The programme video recorder (ffmpeg on this machine): the LiveKit server it joins and the
   * spool directory under DATA_DIR. Unset: no video recording routes.
   */
  videoRecorder?: Pick<
    VideoRecordingOptions,
    'endpoint' | 'startRecorder' | 'spoolDir' | 'fps' | 'closedNetwork'
  >;
}

/** The conference module, started: what server/main.ts wires into the app. */
export interface ConferenceModule {
  /** Route registrars for createApp's `modules`. */
  modules: RouteModule[];
  /** For createApp's `rawRoutes`: the LiveKit webhook on the raw body. */
  rawRoutes: (app: Express) => void;
  /** For startRecords' `floorHooks`: the speaker queue turns publishing on and off. */
  floorHooks: FloorHooks;
  /** The service (tests and other modules). */
  service: ConferenceService;
  /** The programme video recorder, when configured. */
  video: VideoRecordingService | undefined;
  /** Stores the video recordings a crash left behind (call once the database is up). */
  recover(): Promise<void>;
  /** Finishes running recordings (stored), leaves the rooms' monitors. */
  close(): Promise<void>;
}

// Lifecycle listeners are registered once per process (meetingService keeps them for good);
// they reach the conference modules started in this process.
const active = new Set<ConferenceService>();
let listening = false;

function listenToLifecycle(logger: Logger): void {
  if (listening) return;
  listening = true;
  meetingService.onTransition(({ meetingId, to }) => {
    for (const service of active) {
      const work =
        to === 'live'
          ? service.meetingWentLive(meetingId)
          : to === 'ended' || to === 'cancelled'
            ? service.meetingEnded(meetingId)
            : null;
      // In the background: the lifecycle move does not wait for LiveKit; later calls for the
      // meeting wait for it (ConferenceService queues them per meeting).
      work
        ?.then(() => service.onChange?.(meetingId))
        .catch((err: unknown) => {
          logger.error({ err, meetingId, to }, 'the conference did not follow the meeting');
        });
    }
    return Promise.resolve();
  });
}

/**
 * Starts the conference of live meetings on top of the media library: rooms open when a
 * meeting goes live and close when it ends, the REST routes under
 * `/api/meetings/:id/conference`, the LiveKit webhook and the floor hooks.
 */
export function startConference(opts: ConferenceOptions): ConferenceModule {
  const limit =
    opts.maxParticipants === undefined
      ? undefined
      : new RoomLimit(opts.maxParticipants, announceRefusal);
  const holder: { video?: VideoRecordingService } = {};
  const service = new ConferenceService(opts.media, opts.logger, limit, {
    isRecording: (meetingId) => holder.video?.isRecording(meetingId) ?? false,
    roomClosing: (meetingId, actor) =>
      holder.video?.roomClosing(meetingId, actor) ?? Promise.resolve(),
  });
  const feed = startFeed(
    service,
    (meetingId) => holder.video?.isRunning(meetingId) ?? false,
    opts.logger,
  );
  const video = opts.videoRecorder
    ? new VideoRecordingService({
        ...opts.videoRecorder,
        media: opts.media,
        logger: opts.logger,
        ensureRoom: (meetingId) => service.meetingWentLive(meetingId),
        audioRecording: (meetingId) => opts.media.recordingStatus(meetingId).recording,
        onChange: (meetingId) => service.onChange?.(meetingId),
      })
    : undefined;
  holder.video = video;
  active.add(service);
  listenToLifecycle(opts.logger);
  return {
    modules: [
      (api) => registerConferenceRoutes(api, service),
      ...(video
        ? [(api: Parameters<RouteModule>[0]) => registerVideoRecordingRoutes(api, video)]
        : []),
    ],
    rawRoutes: (app) => {
      // Every control that succeeded (mute, floor, spotlight, remove, recording, end, ...)
      // is followed by the bridge's new state on the live stream.
      app.use('/api/meetings/:id/conference', (req, res, next) => {
        const id = req.params.id;
        if (req.method === 'POST' && typeof id === 'string' && /^[0-9a-f]{24}$/.test(id)) {
          res.on('finish', () => {
            if (res.statusCode < 300) feed.touch(id);
          });
        }
        next();
      });
      mountConferenceWebhook(app, service);
    },
    floorHooks: service.floorHooks,
    service,
    video,
    async recover() {
      await video?.recover().catch((err: unknown) => {
        opts.logger.error({ err }, 'leftover video recordings could not be stored');
      });
    },
    async close() {
      feed.close();
      active.delete(service);
      await video?.close();
      await service.close();
    },
  };
}

/** The live feed of the bridge's state for the chair's console (see conference-feed.ts). */
function startFeed(
  service: ConferenceService,
  videoRecording: (meetingId: string) => boolean,
  logger: Logger,
): ConferenceFeed {
  const feed = new ConferenceFeed({
    async state(meetingId) {
      const endedAt = await service.rooms.endedAt(meetingId);
      const [rollCall, removed] = await Promise.all([
        endedAt ? null : service.attendance.rollCallOf(meetingId).catch(() => null),
        service.controls.removedOf(meetingId),
      ]);
      // An open bridge is looked at regularly (qualities go stale by themselves).
      if (rollCall) feed.watch(meetingId);
      else feed.unwatch(meetingId);
      return {
        rollCall,
        recording: service.recordings.recordingOf(meetingId),
        videoRecording: videoRecording(meetingId),
        removed,
        ended: !!endedAt,
      };
    },
    async audience(meetingId) {
      const people = await participantService.participantsOf(meetingId);
      return people
        .filter((p) => p.role === 'chair' || p.role === 'secretary')
        .map((p) => p.userId.toHexString());
    },
    publish: (meetingId, data, audience) =>
      liveService.publish(meetingId, 'conference.changed', data, audience),
    logger,
  });
  service.onChange = (meetingId) => feed.touch(meetingId);
  return feed;
}
