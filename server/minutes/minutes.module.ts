import type { Logger } from 'pino';
import type { RouteModule } from '../app';
import type { CollabModule } from '../collab/collab.module';
import type { Config } from '../config';
import type { Records } from '../records';
import type { MinutesKind, MinutesStatus } from '../contracts/minutes';
import { liveService } from '../live/live.service';
import { minutesRoutes } from './minutes.routes';
import { createMinutesService } from './minutes.service';
import type { MinutesService } from './minutes.service';
import type { MinutesServiceDeps } from './minutes-records';
import { warmUpMinutesRendering } from './publish-render';
import { createSignerResolver } from './signing/signing-credentials';

/** What the minutes need from the composition root. */
export interface MinutesOptions {
  collab: Pick<CollabModule, 'server' | 'useMinutesLock'>;
  records: Pick<Records, 'meetingService'>;
  logger: Logger;
  config: Pick<Config, 'dataDir' | 'signing'>;
  /** Font directory for the PDF (default: Debian's fonts-liberation2). */
  fontDir?: string;
  /** Called after a version is published (issue 15: the notice's tasks). */
  onPublished?: MinutesServiceDeps['onPublished'];
  /** What agenda items list (issue 15: the overdue tasks), written under each item. */
  agendaItemListings?: MinutesServiceDeps['agendaItemListings'];
}

/** The minutes, started: routes for createApp and the service (tests, other modules). */
export interface MinutesModule {
  modules: RouteModule[];
  service: MinutesService;
}

/** The service the lifecycle listener talks to (the listener is registered once per process). */
let current: { service: MinutesService; logger: Logger } | undefined;
let listening = false;

/**
 * Starts the minutes of this process: the collab lock (the minutes and the notice are
 * read-only while submitted, approved or published), the drafts seeded from the templates
 * when a meeting goes live and their facts rebuilt from the record when it ends, signing (per-unit PKCS#12, demo certificates outside
 * production) and a background warm-up of the renderers (does not delay listening).
 */
export function startMinutes(opts: MinutesOptions): MinutesModule {
  const { logger } = opts;
  const service = createMinutesService({
    collab: opts.collab.server,
    signerFor: createSignerResolver({
      dataDir: opts.config.dataDir,
      units: opts.config.signing.units,
      allowDemoCertificates: opts.config.signing.allowDemoCertificates,
    }),
    logger,
    ...(opts.fontDir ? { fontDir: opts.fontDir } : {}),
    markMeetingPublished: async (meetingId) => {
      await opts.records.meetingService.transition(null, meetingId, { to: 'minutes_published' });
    },
    ...(opts.onPublished ? { onPublished: opts.onPublished } : {}),
    ...(opts.agendaItemListings ? { agendaItemListings: opts.agendaItemListings } : {}),
  });
  opts.collab.useMinutesLock(async (meetingId, kind) => ({
    locked: await service.isLocked(meetingId, kind),
  }));
  current = { service, logger };
  if (!listening) {
    listening = true;
    opts.records.meetingService.onTransition(async ({ meetingId, to }) => {
      const now = current;
      if (!now || (to !== 'live' && to !== 'ended')) return;
      try {
        await now.service.noteTime(meetingId, to === 'live' ? 'liveAt' : 'endedAt', new Date());
        for (const kind of ['minutes', 'notice'] as const) {
          // At live the facts are placeholders; at the end they are built from the record.
          if (to === 'live') await now.service.seed(meetingId, kind);
          else await now.service.rebuildAtEnd(meetingId, kind);
        }
      } catch (err) {
        now.logger.error({ err, meetingId }, 'could not prepare the minutes drafts');
      }
    });
  }
  void warmUpMinutesRendering(opts.fontDir).catch((err: unknown) => {
    logger.warn({ err }, 'warming up the minutes renderers failed (are the fonts installed?)');
  });
  const notify = async (meetingId: string, kind: MinutesKind, status: MinutesStatus) => {
    await liveService.publish(meetingId, 'minutes.changed', { kind, status });
  };
  return { modules: [minutesRoutes(service, notify)], service };
}
