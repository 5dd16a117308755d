import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { createCollabServer } from './collab-server';
import { CollabEnvError, parseCollabEnv } from './env';
import type { CollabProcessConfig } from './env';
import { createHttpAuthorizer } from './http-authorizer';
import { createMongoPersistence } from './mongo-persistence';

// The standalone collab process: `node --import tsx collab/main.ts` with MONGODB_URI and
// API_URL (see docs/collab.md). The API server answers POST /api/collab/authorize for it.

async function connect(uri: string, log: pino.Logger): Promise<mongoose.Connection> {
  const deadline = Date.now() + 60_000;
  let wait = 500;
  for (;;) {
    const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 });
    try {
      await conn.asPromise();
      return conn;
    } catch (err) {
      await conn.close().catch(() => undefined);
      if (Date.now() + wait > deadline) throw err;
      log.warn({ err: (err as Error).message, retryInMs: wait }, 'MongoDB not reachable; retrying');
      await delay(wait);
      wait = Math.min(wait * 2, 5000);
    }
  }
}

async function run(config: CollabProcessConfig): Promise<void> {
  const log = pino({ level: config.logLevel, redact: ['*.token'] });
  const conn = await connect(config.mongodbUri, log);
  const authorizer = createHttpAuthorizer({ apiUrl: config.apiUrl });
  const collab = createCollabServer({
    ...authorizer,
    persistence: createMongoPersistence(conn),
    limits: config.limits,
    storage: config.storage,
    logger: log,
    redis: config.redisUrl ? { url: config.redisUrl } : null,
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/api/health')) {
      collab.probe().then(
        (health) => {
          res.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify(health));
        },
        (err: unknown) => {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'down', error: (err as Error).message }));
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          code: 'not_found',
          message: 'Only /health and /collab/<docName> are served here.',
        },
      }),
    );
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    if (!collab.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(config.port, config.host, () => res());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port }, 'collab server listening');
  process.stdout.write(`collab listening on http://${config.host}:${port}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down');
    server.close();
    void collab
      .close()
      .then(() => conn.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  let config: CollabProcessConfig;
  try {
    config = parseCollabEnv(process.env);
  } catch (err) {
    if (err instanceof CollabEnvError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  try {
    await run(config);
  } catch (err) {
    console.error(`collab server could not start: ${(err as Error).message}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
