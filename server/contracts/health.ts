import { z } from 'zod';

/** Health of one dependency. */
export const dependencyHealthSchema = z.object({
  status: z.enum(['ok', 'down']),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
/** Health of one dependency. */
export type DependencyHealth = z.infer<typeof dependencyHealthSchema>;

/** Answer of `GET /api/health` (200 when every dependency is ok, 503 otherwise). */
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  mongo: dependencyHealthSchema,
  livekit: dependencyHealthSchema,
  collab: dependencyHealthSchema,
  version: z.string(),
});
/** Answer of `GET /api/health`. */
export type Health = z.infer<typeof healthSchema>;
