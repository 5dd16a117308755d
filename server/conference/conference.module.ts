import type { Express } from 'express';
import type { Logger } from 'pino';
import type { MediaService } from '../../media/media-service';
import type { RouteModule } from '../app';
import { meetingService } from '../meetings/meeting.service';
import type { FloorHooks } from '../speakers/floor-hooks';
import { mountConferenceWebhook, registerConferenceRoutes } from './conference.routes';
import { ConferenceService } from './conference.service';
import { announceRefusal, RoomLimit } from './room-limit';

/** What the conference module needs from the composition root. */
export interface ConferenceOptions {
  /** The media library, built by server/main.ts from the LiveKit config. */
  media: MediaService;
  logger: Logger;
  /** Most simultaneous connections per room (CONFERENCE_MAX_PARTICIPANTS); unset: no limit. */
  maxParticipants?: number;
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
      work?.catch((err: unknown) => {
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
  const service = new ConferenceService(opts.media, opts.logger, limit);
  active.add(service);
  listenToLifecycle(opts.logger);
  return {
    modules: [(api) => registerConferenceRoutes(api, service)],
    rawRoutes: (app) => mountConferenceWebhook(app, service),
    floorHooks: service.floorHooks,
    service,
    async close() {
      active.delete(service);
      await service.close();
    },
  };
}
