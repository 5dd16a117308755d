import { healthSchema } from '../contracts/health';
import type { DependencyHealth, Health } from '../contracts/health';
import type { ApiRouter } from '../http/api-router';

/** A live check of one dependency; resolves, never rejects. */
export type HealthCheck = () => Promise<DependencyHealth>;

/** The checks `GET /api/health` runs on every call. */
export interface HealthChecks {
  mongo: HealthCheck;
  livekit: HealthCheck;
  collab: HealthCheck;
}

/**
 * Wraps a probe into a {@link HealthCheck}: `ok` with its latency when the probe resolves
 * within `timeoutMs`, `down` with the reason otherwise.
 */
export function healthCheck(probe: () => Promise<unknown>, timeoutMs = 2000): HealthCheck {
  return async () => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const details = await Promise.race([
        probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      return {
        status: 'ok',
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        ...(typeof details === 'object' && details !== null
          ? { details: details as Record<string, unknown> }
          : {}),
      };
    } catch (err) {
      return { status: 'down', error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** `GET /api/health`: each dependency checked live; 200 when all are ok, 503 otherwise. */
export function registerHealthRoutes(api: ApiRouter, checks: HealthChecks, version: string): void {
  api.route({
    method: 'get',
    path: '/health',
    summary: 'Live health of the app and each dependency',
    tags: ['health'],
    auth: 'none',
    response: healthSchema,
    errors: [503],
    handler: async ({ res }) => {
      const [mongo, livekit, collab] = await Promise.all([
        checks.mongo(),
        checks.livekit(),
        checks.collab(),
      ]);
      const ok = [mongo, livekit, collab].every((c) => c.status === 'ok');
      const body: Health = { status: ok ? 'ok' : 'degraded', mongo, livekit, collab, version };
      res.set('Cache-Control', 'no-store');
      res.status(ok ? 200 : 503).json(body);
      return undefined;
    },
  });
}
