import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';
import type { Express, RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { registerAuthRoutes } from './auth/auth.routes';
import type { AuthService } from './auth/auth.service';
import type { Config } from './config';
import { apiNotFound, errorHandler } from './errors';
import { registerHealthRoutes } from './health/health.routes';
import type { HealthChecks } from './health/health.routes';
import { ApiRouter } from './http/api-router';
import { meetingRouteGuard } from './meetings/meeting-access.service';
import { buildOpenApi } from './http/openapi';
import { requestLogger } from './logger';
import { registerUnitRoutes } from './units/units.routes';
import { registerUserRoutes } from './users/users.routes';

/** A domain module's routes, registered by the composition root. */
export type RouteModule = (api: ApiRouter) => void;

/** Everything the HTTP app needs, built by server/main.ts. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  auth: AuthService;
  health: HealthChecks;
  version: string;
  /** Origins the browser may connect to besides the app itself (the LiveKit server). */
  connectOrigins?: string[];
  /** Routes of further domain modules (meetings, votes, media, ...). */
  modules?: RouteModule[];
  /** Routes that must read the raw body (signed webhooks); mounted before the JSON parser. */
  rawRoutes?: (app: Express) => void;
}

function contentSecurityPolicy(connectOrigins: string[]): RequestHandler {
  // SECURITY: no external origin anywhere; the only other origin is our own LiveKit server.
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", ...connectOrigins],
      mediaSrc: ["'self'", 'blob:'],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      frameSrc: ["'self'", 'blob:'],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
  });
}

function cors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Vary', 'Origin');
      res.set('Access-Control-Allow-Credentials', 'true');
      if (req.method === 'OPTIONS') {
        res.set('Access-Control-Allow-Methods', 'GET,POST,PUT,PATCH,DELETE');
        res.set(
          'Access-Control-Allow-Headers',
          'Authorization,Content-Type,X-Request-Id,Last-Event-ID',
        );
        res.set('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

/** Serves the built client with history fallback, or explains how to build it. */
function serveClient(app: Express, distDir: string): void {
  const dir = resolve(distDir);
  const index = join(dir, 'index.html');
  app.use(
    express.static(dir, {
      index: false,
      setHeaders: (res, path) => {
        if (path.startsWith(join(dir, 'assets')))
          res.set('Cache-Control', 'public, max-age=31536000, immutable');
        else res.set('Cache-Control', 'no-cache');
      },
    }),
  );
  app.get(/^\/(?!api\/|api$|collab\/).*/, (req, res, next) => {
    if (!req.accepts('html')) {
      next();
      return;
    }
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web client is not built yet. Run `npm start` (or `npm run build`) and reload.');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

/**
 * Builds the Express app: request ids and logging, security headers, CORS when configured,
 * JSON bodies within the limit, the API (each route validated and documented), one error
 * handler, and the built client with history fallback.
 */
export function createApp(deps: AppDeps): { app: Express; api: ApiRouter } {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  app.use(requestLogger(deps.logger));
  app.use(
    helmet({
      contentSecurityPolicy: false,
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: config.env === 'production',
    }),
  );
  app.use(contentSecurityPolicy(deps.connectOrigins ?? []));
  if (config.corsOrigins.length) app.use('/api', cors(config.corsOrigins));
  deps.rawRoutes?.(app);
  app.use('/api', express.json({ limit: config.bodyLimit, strict: true }));

  const api = new ApiRouter(deps.auth, [meetingRouteGuard]);
  registerHealthRoutes(api, deps.health, deps.version);
  registerAuthRoutes(api, deps.auth);
  registerUnitRoutes(api);
  registerUserRoutes(api);
  for (const register of deps.modules ?? []) register(api);
  let openApi: object | undefined;
  app.get('/api/openapi.json', (_req, res) => {
    openApi ??= buildOpenApi(api.docs, { version: deps.version });
    res.json(openApi);
  });
  app.use('/api', api.router);
  // Routes served outside the API router (the raw webhook, the OpenAPI document) answer 405 too.
  app.use(
    '/api',
    api.methodNotAllowed([
      { method: 'get', path: '/openapi.json' },
      { method: 'post', path: '/livekit/webhook' },
    ]),
  );
  app.use('/api', apiNotFound);
  serveClient(app, config.clientDist);
  app.use(errorHandler);
  return { app, api };
}
