import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { freeTcpPort } from '../infra/local/ports';
import { Supervisor } from '../infra/local/supervisor';
import { livekitProbe } from '../media/livekit-health';
import pkg from '../package.json' with { type: 'json' };
import { createApp } from './app';
import { AuthService, DEFAULT_LOGIN_LIMITS } from './auth/auth.service';
import { TokenService } from './auth/token.service';
import { ConfigError, parseConfig, readProcessEnv } from './config';
import type { Config } from './config';
import { connectMongo, pingMongo } from './db';
import { healthCheck } from './health/health.routes';
import type { HealthChecks } from './health/health.routes';
import { createLogger } from './logger';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo-accounts';
import { seedDemoData } from './seed/seed.service';
import { loadOrCreateSecret } from './secrets';
import { startRecords } from './records';
import type { Records } from './records';
import { demoMeetingsSeed } from './seed/demo-meetings.seed';
import { createCollabServer } from '../collab/collab-server';
import { createMongoPersistence } from '../collab/mongo-persistence';
import { startCollab } from './collab/collab.module';
import type { CollabModule } from './collab/collab.module';
import { MediaService } from '../media/media-service';
import { ProgrammeRecorder } from '../media/recorder/programme-recorder';
import { startConference } from './conference/conference.module';
import type { ConferenceModule } from './conference/conference.module';
import { startMinutes } from './minutes/minutes.module';
import { startChat } from './chat/chat.module';
import { registerStatsRoutes } from './stats/stats.routes';
import { installProcessGuard } from './process-guard';
import { createSmtpMailer } from './mail/smtp-client';
import { startTasks } from './tasks/tasks.module';
import type { TasksModule } from './tasks/tasks.module';
import type { Clock } from './tasks/task-facts';

/** Repository root (for .tools/bin and the built client). */
const ROOT = resolve(import.meta.dirname, '..');

/** A started app process: where it listens and how to stop it. */
export interface RunningServer {
  url: string;
  port: number;
  mongoUri: string;
  livekit: { url: string; apiKey: string; apiSecret: string };
  seeded: boolean;
  logger: Logger;
  /** Outgoing mail: the SMTP URL, and the web inbox when it is the embedded Mailpit. */
  mail: { smtpUrl: string; webUrl: string | undefined };
  /** Tasks from notices (issue 15): tests run a reminder pass through it. */
  tasks: TasksModule;
  /** Embedded dependencies started for this server, if any. */
  supervisor: Supervisor | undefined;
  /** Stops accepting connections, finishes in-flight requests, closes MongoDB and the embedded servers. */
  close(): Promise<void>;
}

function databaseUri(baseUri: string): string {
  const url = new URL(baseUri);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/dienhong';
  return url.toString();
}

/**
 * The composition root: starts the embedded dependencies the config leaves unset, connects
 * MongoDB, seeds an empty database, wires the modules into the HTTP app and listens.
 * @throws when a dependency cannot be started or reached within its deadline.
 */
export async function startServer(
  config: Config,
  opts: { logger?: Logger; clock?: Clock } = {},
): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config);
  const dataDir = resolve(config.dataDir);
  const port = config.port === 0 ? await freeTcpPort() : config.port;
  const needsEmbedded = !config.mongodbUri || !config.livekit || !config.smtpUrl;
  const supervisor = needsEmbedded
    ? new Supervisor({ root: ROOT, dataDir, log: (line) => logger.info(line) })
    : undefined;
  let httpServer: Server | undefined;
  let records: Records | undefined;
  let collab: CollabModule | undefined;
  let conference: ConferenceModule | undefined;
  let tasks: TasksModule | undefined;

  const close = async (): Promise<void> => {
    tasks?.close();
    await conference
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'closing the conferences failed'));
    await collab
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'closing the co-editing server failed'));
    await records
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'closing the meeting records failed'));
    if (httpServer) {
      const server = httpServer;
      httpServer = undefined;
      const closed = new Promise<void>((res) => server.close(() => res()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearTimeout(timer);
    }
    await mongoose
      .disconnect()
      .catch((err: unknown) => logger.warn({ err }, 'closing MongoDB failed'));
    await supervisor?.stop();
  };

  try {
    const webhookUrl = `http://127.0.0.1:${port}/api/livekit/webhook`;
    const embedded = (): Supervisor => {
      if (!supervisor) throw new Error('no supervisor for embedded dependencies');
      return supervisor;
    };
    const [mongoUri, livekit, mail] = await Promise.all([
      config.mongodbUri ??
        embedded()
          .startMongo()
          .then((m) => databaseUri(m.uri)),
      config.livekit ??
        embedded()
          .startLivekit({ webhookUrl, ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) })
          .then((l) => ({ url: l.url, apiKey: l.apiKey, apiSecret: l.apiSecret })),
      config.smtpUrl
        ? { smtpUrl: config.smtpUrl, webUrl: undefined }
        : embedded()
            .startMailpit()
            .then((m) => ({ smtpUrl: m.smtpUrl, webUrl: m.webUrl })),
    ]);
    await connectMongo(mongoUri, logger);
    await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
    const tokens = new TokenService(
      config.jwtSecret ?? loadOrCreateSecret(join(dataDir, 'jwt-secret')),
      config.accessTokenTtlSeconds,
    );
    const auth = new AuthService(
      tokens,
      config.refreshTokenTtlSeconds,
      { ...DEFAULT_LOGIN_LIMITS, perAddress: config.loginMaxFailuresPerAddress },
      logger,
    );
    // Co-editing (issue 4) in this process: documents under /collab/, stored in this MongoDB.
    collab = startCollab({
      auth,
      logger,
      create: (hooks) =>
        createCollabServer({
          ...hooks,
          persistence: createMongoPersistence(mongoose.connection),
          logger,
          redis: config.redisUrl ? { url: config.redisUrl } : null,
        }),
    });
    // Conferences (issue 5): LiveKit rooms of live meetings, tokens, chair controls, webhooks,
    // the audio recorder (spooled under DATA_DIR); the speaker queue turns publishing on/off.
    const spoolDir = join(dataDir, 'recordings');
    mkdirSync(spoolDir, { recursive: true });
    conference = startConference({
      media: new MediaService({
        livekit,
        recorder: { spoolDir },
        onFloorEnforced: (meetingId, identity, result) => {
          if (result instanceof Error) {
            logger.warn({ err: result, meetingId, identity }, 'the floor could not be enforced');
          } else if (result.length > 0) {
            logger.warn(
              { meetingId, identity, sids: result },
              'muted again: unmuted without the floor',
            );
          }
        },
      }),
      logger,
      maxParticipants: config.conferenceMaxParticipants,
      videoRecorder: {
        endpoint: livekit,
        spoolDir: join(spoolDir, 'video'),
        startRecorder: (options) => ProgrammeRecorder.start(options),
      },
    });
    // A video recording a crash cut short is a playable fragmented MP4: stored before serving.
    await conference.recover();
    // Meeting records (issue 3): live-event fan-out (Redis when REDIS_URL is set); REST agenda
    // edits go through the co-edited agenda document.
    records = await startRecords({
      logger,
      uploadLimitBytes: config.uploadLimitBytes,
      liveHeartbeatMs: config.liveHeartbeatMs,
      redisUrl: config.redisUrl,
      agendaBridge: collab.agendaBridge,
      floorHooks: conference.floorHooks,
    });
    // Tasks (issue 15): conclusions of published notices, reports, reminders by mail.
    const started = startTasks({
      logger,
      mailer: createSmtpMailer(mail.smtpUrl),
      mailFrom: config.mailFrom,
      uploadLimitBytes: config.uploadLimitBytes,
      publicUrl: () => `http://127.0.0.1:${String(port)}`,
      ...(opts.clock ? { clock: opts.clock } : {}),
      reminderIntervalMs: opts.clock ? 0 : config.taskReminderIntervalMs,
    });
    tasks = started;
    // Minutes (issue 7): drafts from templates, approval, signed publishing, public search.
    // Publishing a notice creates its tasks (the hook below; a failure is logged, the notice
    // stays published).
    const minutes = startMinutes({
      collab,
      records,
      logger,
      config,
      onPublished: (e) =>
        started.createTasksFromPublishedNotice(e).catch((err: unknown) => {
          logger.error({ err, meetingId: e.meetingId }, 'could not create the tasks of a notice');
        }),
      // The overdue tasks put on a meeting's agenda are listed under their item in its minutes.
      agendaItemListings: (meetingId) => started.agendaItemListings(meetingId),
    });
    // The minutes screen opens with one snapshot that carries the minutes record too.
    records.provideSnapshotMinutes((user, meetingId) => minutes.service.get(user, meetingId));
    // Chat (issue 14): per meeting, on the live stream; the secretary copies into the minutes.
    const chat = startChat({
      logger,
      minutes: {
        documents: collab.server.documents,
        docName: (meetingId) => minutes.service.docName(meetingId, 'minutes'),
        isLocked: (meetingId) => minutes.service.isLocked(meetingId, 'minutes'),
      },
    });
    const seeded =
      config.seed === 'demo'
        ? await seedDemoData(
            logger,
            config.seedDemoMeetings ? [demoMeetingsSeed(minutes.service)] : [],
          )
        : false;

    const health: HealthChecks = {
      mongo: healthCheck(() => pingMongo().then(() => undefined)),
      livekit: healthCheck(livekitProbe(livekit)),
      collab: healthCheck(async () => {
        const probe = await (collab as CollabModule).server.probe();
        if (probe.status !== 'ok') {
          throw new Error(probe.lastStoreError ?? `co-editing is degraded (redis ${probe.redis})`);
        }
        return { documents: probe.documents, connections: probe.connections };
      }),
    };
    const livekitOrigin = new URL(livekit.url);
    const { app } = createApp({
      config,
      logger,
      auth,
      health,
      version: pkg.version,
      connectOrigins: [
        `${livekitOrigin.protocol}//${livekitOrigin.host}`,
        `${livekitOrigin.protocol.replace('ws', 'http')}//${livekitOrigin.host}`,
      ],
      modules: [
        ...records.modules,
        ...collab.modules,
        ...conference.modules,
        ...minutes.modules,
        ...chat.modules,
        registerStatsRoutes,
        ...started.modules,
      ],
      rawRoutes: conference.rawRoutes,
    });
    httpServer = createServer(app);
    const server = httpServer;
    collab.server.attach(server);
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(port, config.host, () => res());
    });
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host}:${port}`;
    logger.info({ url }, 'listening');
    return {
      url,
      port,
      mongoUri,
      livekit,
      seeded,
      logger,
      supervisor,
      mail,
      tasks: started,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function banner(running: RunningServer): string {
  const width = Math.max(...DEMO_ACCOUNTS.map((a) => a.username.length));
  return [
    '',
    `  Diên Hồng is running at ${running.url}`,
    ...(running.mail.webUrl ? [`  Outgoing mail (Mailpit inbox): ${running.mail.webUrl}`] : []),
    '',
    `  Demo accounts (password for all: ${DEMO_PASSWORD}):`,
    ...DEMO_ACCOUNTS.map((a) => `    ${a.username.padEnd(width)}  ${a.fullName}, ${a.purpose}`),
    '',
    '  Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(readProcessEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config);
  let running: RunningServer | undefined;
  const state = { stopping: false };
  const stop = (code: number): void => {
    if (state.stopping) return;
    state.stopping = true;
    logger.info('shutting down');
    void (running?.close() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  // `on`, not `once`: Ctrl+C reaches every process of the group and the launcher forwards it
  // too, so a second signal must not kill the process in the middle of a clean shutdown.
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  // One request's failure never ends the process; an unknown state does (see process-guard.ts).
  installProcessGuard(logger, stop);
  try {
    running = await startServer(config, { logger });
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
  if (state.stopping) return;
  process.stdout.write(banner(running) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
