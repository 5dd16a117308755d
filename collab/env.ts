import { z } from 'zod';
import type { CollabLimitsInput } from './limits';
import type { CollabStorageOptions } from './types';

const url = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `expected a URL like ${example}` },
    );

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    schema.optional(),
  );

const count = (min: number, max: number) =>
  optional(
    z.coerce
      .number({ error: 'expected a number' })
      .int('expected a whole number')
      .min(min, `expected at least ${min}`)
      .max(max, `expected at most ${max}`),
  );

const envSchema = z.object({
  HOST: optional(z.string().trim().min(1)).default('127.0.0.1'),
  PORT: optional(
    z.coerce
      .number({ error: 'expected a port number' })
      .int()
      .min(0, 'expected 0-65535')
      .max(65535, 'expected 0-65535'),
  ).default(8081),
  MONGODB_URI: url(['mongodb:', 'mongodb+srv:'], 'mongodb://127.0.0.1:27017/dienhong'),
  API_URL: url(['http:', 'https:'], 'http://127.0.0.1:8080'),
  REDIS_URL: optional(url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379')),
  LOG_LEVEL: optional(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ).default('info'),
  COLLAB_MAX_MESSAGE_BYTES: count(1024, 64 * 1024 * 1024),
  COLLAB_MESSAGES_PER_SECOND: count(1, 1_000_000),
  COLLAB_BYTES_PER_SECOND: count(1024, 1024 * 1024 * 1024),
  COLLAB_MAX_BUFFERED_BYTES: count(64 * 1024, 1024 * 1024 * 1024),
  COLLAB_MAX_PENDING_HANDSHAKES: count(1, 1_000_000),
  COLLAB_MAX_PENDING_HANDSHAKES_PER_ADDRESS: count(1, 1_000_000),
  COLLAB_UNLOAD_AFTER_MS: count(0, 3_600_000),
  COLLAB_CHECKPOINT_INTERVAL_MS: count(0, 86_400_000),
  COLLAB_ORPHAN_AGE_MS: count(1000, 7 * 86_400_000),
});

/** Configuration of the standalone collab process (collab/main.ts). */
export interface CollabProcessConfig {
  host: string;
  port: number;
  mongodbUri: string;
  apiUrl: string;
  redisUrl: string | undefined;
  logLevel: string;
  limits: CollabLimitsInput;
  storage: Partial<CollabStorageOptions>;
}

/** Thrown by {@link parseCollabEnv} with every problem, one per line. */
export class CollabEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid environment for the collab server:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'CollabEnvError';
  }
}

/**
 * Parses the collab process's environment (given as a record; only collab/main.ts passes
 * process.env).
 * @throws CollabEnvError naming every invalid or missing variable and the expected form.
 */
export function parseCollabEnv(env: Record<string, string | undefined>): CollabProcessConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new CollabEnvError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const value = env[name];
        const shown = value === undefined ? ' (not set)' : ` (got "${value}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const e = result.data;
  const defined = <T extends object>(o: T): Partial<T> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    host: e.HOST,
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    apiUrl: e.API_URL,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    limits: defined({
      maxMessageBytes: e.COLLAB_MAX_MESSAGE_BYTES,
      messagesPerSecond: e.COLLAB_MESSAGES_PER_SECOND,
      bytesPerSecond: e.COLLAB_BYTES_PER_SECOND,
      maxBufferedBytes: e.COLLAB_MAX_BUFFERED_BYTES,
      maxPendingHandshakes: e.COLLAB_MAX_PENDING_HANDSHAKES,
      maxPendingHandshakesPerAddress: e.COLLAB_MAX_PENDING_HANDSHAKES_PER_ADDRESS,
    }),
    storage: defined({
      unloadAfterMs: e.COLLAB_UNLOAD_AFTER_MS,
      checkpointIntervalMs: e.COLLAB_CHECKPOINT_INTERVAL_MS,
      orphanAgeMs: e.COLLAB_ORPHAN_AGE_MS,
    }),
  };
}
