import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { inject } from 'vitest';
import { parseConfig } from '../../server/config';
import { startServer } from '../../server/main';
import type { RunningServer } from '../../server/main';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import type { StackInfo } from './global-setup';

/** The run's shared servers (see global-setup.ts). */
export function stack(): StackInfo {
  return inject('stack');
}

/** A fresh database URI on the run's FerretDB: `<base>/<prefix>_<random>`. */
export function uniqueDbUri(prefix = 't'): string {
  const name = `${prefix.replace(/[^a-z0-9]/gi, '_').slice(0, 20)}_${randomBytes(5).toString('hex')}`;
  return new URL(name, stack().mongoUri).toString();
}

/** Drops the database a URI names. */
export async function dropDatabase(uri: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** A server started in this process for a test file, with its own database and data dir. */
export interface TestApp extends RunningServer {
  dataDir: string;
  /** Closes the server, drops its database and removes its data dir. */
  stop(): Promise<void>;
}

let running: RunningServer | undefined;

/**
 * Starts the app in-process on a free port against the run's FerretDB (a database of its own)
 * and livekit-server, seeded with the demo data unless `env.SEED` says otherwise. One at a time
 * per test file (the app uses the process-wide Mongoose connection).
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  if (running) {
    // The app uses the process-wide Mongoose connection: one app per test process. Start
    // further app processes as children (see processes.ts) or split the test file.
    throw new Error('startTestApp: an app is already running in this test file; stop it first');
  }
  const s = stack();
  const dataDir = mkdtempSync(join(s.tmpDir, 'app-'));
  const mongoUri = env.MONGODB_URI ?? uniqueDbUri('app');
  const config = parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    MONGODB_URI: mongoUri,
    LIVEKIT_URL: s.livekit.url,
    LIVEKIT_API_KEY: s.livekit.apiKey,
    LIVEKIT_API_SECRET: s.livekit.apiSecret,
    LOG_LEVEL: 'silent',
    LOG_PRETTY: 'false',
    CLIENT_DIST: join(s.root, 'dist', 'client'),
    ...env,
  });
  const server = await startServer(config);
  running = server;
  return {
    ...server,
    dataDir,
    async stop() {
      running = undefined;
      await server.close();
      if (!env.MONGODB_URI) await dropDatabase(mongoUri).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An answer of {@link ApiClient}: status, parsed JSON body (or text) and headers. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client for tests. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path);
  }
  /**
   * `path` (a path under /api/, no query) with `query` and a fresh single-use ticket for
   * `purpose` (POST /api/tickets), as a browser link or EventSource carries it.
   */
  async ticketed(
    path: string,
    purpose: 'live' | 'download',
    query: Record<string, string> = {},
  ): Promise<string> {
    const res = await this.post<{ ticket: string }>('/api/tickets', { purpose, resource: path });
    if (res.status !== 201) throw new Error(`ticket: ${res.status} ${JSON.stringify(res.body)}`);
    return `${path}?${new URLSearchParams({ ...query, ticket: res.body.ticket }).toString()}`;
  }
  post<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = unknown>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, body);
  }
  put<T = unknown>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, body);
  }
  delete<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path);
  }
}

/** Logs a demo (or other) account in and returns a client carrying its access token. */
export async function loginAs(
  baseUrl: string,
  username: string,
  password = DEMO_PASSWORD,
): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  const res = await client.post<{ token: string }>('/api/auth/login', { username, password });
  if (res.status !== 200)
    throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  client.token = res.body.token;
  return client;
}

/**
 * Polls `check` until it returns a truthy value or `timeoutMs` passes.
 * @throws with `what` when the deadline passes.
 */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
