import { z } from 'zod';

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole number')
  .min(0, 'expected 0-65535')
  .max(65535, 'expected 0-65535');

const optionalUrl = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine(
      (v) => {
        if (v === undefined) return true;
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `expected a URL like ${example}` },
    );

const byteSize = z
  .string()
  .trim()
  .regex(/^\d+(b|kb|mb)$/i, 'expected a size like 512kb or 1mb');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: port.default(8080),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  MONGODB_URI: optionalUrl(['mongodb:', 'mongodb+srv:'], 'mongodb://host:27017/dienhong'),
  LIVEKIT_URL: optionalUrl(['ws:', 'wss:', 'http:', 'https:'], 'wss://livekit.example.gov.vn'),
  LIVEKIT_API_KEY: z.string().trim().min(1).optional(),
  LIVEKIT_API_SECRET: z.string().trim().min(32, 'expected at least 32 characters').optional(),
  REDIS_URL: optionalUrl(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z.enum(['true', 'false']).optional(),
  BODY_LIMIT: byteSize.default('1mb'),
  CORS_ORIGINS: z
    .string()
    .trim()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .refine((list) => list.every((o) => /^https?:\/\/[^/]+$/.test(o)), {
      message: 'expected comma-separated origins like https://hop.example.gov.vn',
    }),
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || /^(true|false|loopback|\d+)$/.test(v), {
      message: 'expected true, false, loopback or a number of proxy hops',
    }),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce
    .number({ error: 'expected a number of failed logins' })
    .int('expected a whole number')
    .min(10, 'expected at least 10')
    .max(100_000, 'expected at most 100000')
    .default(300),
  ACCESS_TOKEN_TTL: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL: z.coerce
    .number()
    .int()
    .min(300)
    .max(90 * 86_400)
    .default(7 * 86_400),
  SEED: z.enum(['demo', 'none']).default('demo'),
  SEED_DEMO_MEETINGS: z.enum(['true', 'false']).optional(),
  CLIENT_DIST: z.string().trim().min(1).default('./dist/client'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  UPLOAD_LIMIT_MB: z.coerce
    .number({ error: 'expected a number of megabytes' })
    .min(0.01, 'expected at least 0.01')
    .max(2048, 'expected at most 2048')
    .default(50),
  LIVE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  CONFERENCE_MAX_PARTICIPANTS: z.coerce.number().int().min(2).max(10_000).default(100),
  SIGNING_CERTIFICATES: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON' });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string().min(1),
        z
          .object({
            p12Path: z.string().min(1),
            passphrase: z.string().optional(),
            passphraseFile: z.string().min(1).optional(),
          })
          .strict(),
        {
          error:
            'expected JSON like {"26":{"p12Path":"/etc/dienhong/26.p12","passphraseFile":"/etc/dienhong/26.pass"}}',
        },
      ),
    ),
  SIGNING_DEMO_CERTIFICATES: z.enum(['true', 'false']).optional(),
});

const LIVEKIT_VARS = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;

/** LiveKit is configured by three variables together or not at all. */
function livekitProblems(env: Record<string, string | undefined>): string[] {
  const missing = LIVEKIT_VARS.filter((name) => env[name] === undefined);
  if (missing.length === 0 || missing.length === LIVEKIT_VARS.length) return [];
  return missing.map(
    (name) =>
      `${name}: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET together, or none of them`,
  );
}

/**
 * A real deployment (NODE_ENV=production without the demo seed) never signs with demo
 * (self-signed) certificates. The local demo (`npm start`, which runs NODE_ENV=production with
 * SEED=demo) may, so that publishing works out of the box.
 */
function isRealDeployment(env: { NODE_ENV?: string; SEED?: string }): boolean {
  return env.NODE_ENV === 'production' && env.SEED === 'none';
}

function signingProblems(env: Record<string, string | undefined>): string[] {
  return isRealDeployment(env) && env.SIGNING_DEMO_CERTIFICATES === 'true'
    ? [
        'SIGNING_DEMO_CERTIFICATES: demo certificates are not allowed in production (NODE_ENV=production with SEED=none); give each unit its PKCS#12 in SIGNING_CERTIFICATES',
      ]
    : [];
}

/** The process configuration, parsed once from the environment at startup. */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  /** Unset: the embedded FerretDB is started. */
  mongodbUri: string | undefined;
  /** Unset: the embedded livekit-server is started. */
  livekit: { url: string; apiKey: string; apiSecret: string } | undefined;
  redisUrl: string | undefined;
  /** Unset: a secret is generated once and kept in DATA_DIR. */
  jwtSecret: string | undefined;
  logLevel: string;
  logPretty: boolean;
  bodyLimit: string;
  corsOrigins: string[];
  trustProxy: boolean | number | string;
  /**
   * Failed logins from one client address within 15 minutes, whatever the accounts, before
   * that address is refused (LOGIN_MAX_FAILURES_PER_ADDRESS, default 300). Per account and
   * address, failures slow down the next attempt instead (see auth.service.ts).
   */
  loginMaxFailuresPerAddress: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  seed: 'demo' | 'none';
  /**
   * With SEED=demo, also seed the demo meetings (SEED_DEMO_MEETINGS; default true, but false
   * under NODE_ENV=test, where each test app would otherwise spend seconds on them).
   */
  seedDemoMeetings: boolean;
  clientDist: string;
  shutdownTimeoutMs: number;
  /** Largest accepted meeting document, in bytes (UPLOAD_LIMIT_MB, default 50). */
  uploadLimitBytes: number;
  /** Interval of keep-alive comments on live streams (LIVE_HEARTBEAT_SECONDS, default 15). */
  liveHeartbeatMs: number;
  /**
   * Most participants (people and sites) connected to one meeting's conference at once; the
   * next is refused with `room_full` (CONFERENCE_MAX_PARTICIPANTS, default 100).
   */
  conferenceMaxParticipants: number;
  /**
   * Signing of published minutes: per-unit PKCS#12 by unit code (SIGNING_CERTIFICATES, JSON)
   * and whether a unit without one gets a self-signed demo certificate in DATA_DIR/signing
   * (SIGNING_DEMO_CERTIFICATES; default true outside production, never in production).
   */
  signing: {
    units: Record<string, { p12Path: string; passphrase?: string; passphraseFile?: string }>;
    allowDemoCertificates: boolean;
  };
}

/** Thrown by {@link parseConfig} with every problem of the environment, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into a {@link Config}. Reports every invalid variable at once.
 * @throws ConfigError naming each invalid variable and the expected form.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // `NAME=` (empty) means unset, as in most shells and service managers.
  const given = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = envSchema.safeParse(given);
  const crossField = [...livekitProblems(given), ...signingProblems(given)];
  if (!result.success || crossField.length) {
    const problems = (result.error?.issues ?? []).map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const value = env[name];
      const shown =
        value === undefined
          ? ''
          : /SECRET|PASSWORD|SIGNING_CERTIFICATES/.test(name)
            ? ' (value hidden)'
            : ` (got "${value}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError([...problems, ...crossField]);
  }
  const e = result.data;
  const trust = e.TRUST_PROXY;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    mongodbUri: e.MONGODB_URI,
    livekit:
      e.LIVEKIT_URL && e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
        ? { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET }
        : undefined,
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY === undefined ? process.stdout.isTTY : e.LOG_PRETTY === 'true',
    bodyLimit: e.BODY_LIMIT.toLowerCase(),
    corsOrigins: e.CORS_ORIGINS,
    trustProxy:
      trust === undefined || trust === 'false'
        ? false
        : trust === 'true'
          ? true
          : /^\d+$/.test(trust)
            ? Number(trust)
            : trust,
    loginMaxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL,
    seed: e.SEED,
    seedDemoMeetings:
      e.SEED_DEMO_MEETINGS === undefined ? e.NODE_ENV !== 'test' : e.SEED_DEMO_MEETINGS === 'true',
    clientDist: e.CLIENT_DIST,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    uploadLimitBytes: Math.round(e.UPLOAD_LIMIT_MB * 1024 * 1024),
    liveHeartbeatMs: e.LIVE_HEARTBEAT_SECONDS * 1000,
    conferenceMaxParticipants: e.CONFERENCE_MAX_PARTICIPANTS,
    signing: {
      units: e.SIGNING_CERTIFICATES,
      allowDemoCertificates:
        e.SIGNING_DEMO_CERTIFICATES === undefined
          ? !isRealDeployment(e)
          : e.SIGNING_DEMO_CERTIFICATES === 'true',
    },
  };
}

/** Reads the process environment; the one place in server/ that touches process.env. */
export function readProcessEnv(): Record<string, string | undefined> {
  return process.env;
}
