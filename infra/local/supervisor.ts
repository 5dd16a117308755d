import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { loadOrCreateLivekitKeys, renderLivekitConfig } from './livekit-config';
import { freeTcpPort, freeUdpPort, tcpProbe } from './ports';
import { toolPaths } from './tools';

/** A running embedded MongoDB-compatible server (FerretDB on SQLite). */
export interface MongoService {
  uri: string;
  port: number;
}

/** A running embedded livekit-server. */
export interface LivekitService {
  url: string;
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  port: number;
  udpPort: number;
}

/** A running embedded Redis server. */
export interface RedisService {
  url: string;
  port: number;
}

/** A running embedded Mailpit: SMTP for the app, a web inbox and HTTP API for people and tests. */
export interface MailService {
  /** `smtp://127.0.0.1:<port>` (no TLS, no authentication: loopback only). */
  smtpUrl: string;
  /** The web inbox, also the base of the HTTP API (`api/v1/messages`). */
  webUrl: string;
}

/** Options of a {@link Supervisor}. */
export interface SupervisorOptions {
  /** Repository root: the binaries are read from `<root>/.tools/bin`. */
  root: string;
  /** Where data, generated configuration and logs (`logs/`) go. */
  dataDir: string;
  log?: (line: string) => void;
  /** How long to wait for a service to answer after start (default 60 s). */
  readyTimeoutMs?: number;
}

type ServiceName = 'ferretdb' | 'livekit' | 'redis' | 'mailpit';

interface Managed {
  name: ServiceName;
  command: string;
  args: string[];
  child: ChildProcess;
  ready: () => Promise<boolean>;
  stopping: boolean;
  restarts: number[];
}

const HAS_SETPRIV = spawnSync('setpriv', ['--version']).status === 0;
const STOP_GRACE_MS = 8000;

/**
 * Starts the real dependencies (FerretDB, livekit-server, Redis) on free loopback ports, waits
 * until each answers, keeps their logs under `<dataDir>/logs`, restarts one that crashes, and
 * stops them all on {@link stop}. Children get a signal from the kernel if this process dies
 * without stopping them (setpriv --pdeathsig: SIGTERM, SIGKILL for livekit-server), so none
 * outlives it.
 */
export class Supervisor {
  private readonly services = new Map<ServiceName, Managed>();
  private readonly dataDir: string;
  private readonly log: (line: string) => void;
  private readonly readyTimeoutMs: number;
  private stopped = false;

  constructor(private readonly options: SupervisorOptions) {
    this.dataDir = resolve(options.dataDir);
    this.log = options.log ?? ((line) => console.log(line));
    this.readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    mkdirSync(join(this.dataDir, 'logs'), { recursive: true });
    process.once('exit', this.killAllNow);
  }

  /** Last resort when the process exits without awaiting {@link stop}: no child outlives us. */
  private readonly killAllNow = (): void => {
    for (const s of this.services.values()) {
      s.stopping = true;
      if (s.child.exitCode === null) s.child.kill('SIGTERM');
    }
  };

  /** Starts FerretDB with its SQLite backend under `<dataDir>/ferretdb`. */
  async startMongo(): Promise<MongoService> {
    const bin = this.binary('ferretdb');
    const port = await freeTcpPort();
    const debugPort = await freeTcpPort();
    const dbDir = join(this.dataDir, 'ferretdb');
    const stateDir = join(this.dataDir, 'ferretdb-state');
    mkdirSync(dbDir, { recursive: true });
    mkdirSync(stateDir, { recursive: true });
    const uri = `mongodb://127.0.0.1:${port}/`;
    await this.launch(
      'ferretdb',
      bin,
      [
        '--handler=sqlite',
        // A writer waits up to 30 s for SQLite's single write lock (FerretDB's default is
        // 10 s) before the write fails with SQLITE_BUSY: under a burst of votes the queue of
        // writers can be longer than 10 s on a 2-core machine.
        `--sqlite-url=file:${dbDir}/?_pragma=busy_timeout(30000)`,
        `--listen-addr=127.0.0.1:${port}`,
        `--debug-addr=127.0.0.1:${debugPort}`,
        `--state-dir=${stateDir}`,
        '--telemetry=disable',
        '--log-level=warn',
        '--log-format=json',
      ],
      () => pingMongo(uri),
    );
    return { uri, port };
  }

  /** Starts livekit-server on loopback with a config rendered from the template. */
  async startLivekit(
    opts: { webhookUrl?: string; redisUrl?: string } = {},
  ): Promise<LivekitService> {
    const bin = this.binary('livekit');
    const port = await freeTcpPort();
    const udpPort = await freeUdpPort();
    const deadStunPort = await freeUdpPort();
    const dir = join(this.dataDir, 'livekit');
    mkdirSync(dir, { recursive: true });
    const keys = loadOrCreateLivekitKeys(join(dir, 'keys.json'));
    const configFile = join(dir, 'livekit.yaml');
    writeFileSync(
      configFile,
      renderLivekitConfig({
        port,
        udpPort,
        deadStunPort,
        keys,
        ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
        ...(opts.redisUrl ? { redisAddress: new URL(opts.redisUrl).host } : {}),
      }),
      { mode: 0o600 },
    );
    const httpUrl = `http://127.0.0.1:${port}`;
    await this.launch('livekit', bin, ['--config', configFile], async () => {
      try {
        const res = await fetch(httpUrl, { signal: AbortSignal.timeout(1000) });
        return res.ok;
      } catch {
        return false;
      }
    });
    return { url: `ws://127.0.0.1:${port}`, httpUrl, ...keys, port, udpPort };
  }

  /** Starts Debian's redis-server without persistence on a free loopback port. */
  async startRedis(): Promise<RedisService> {
    const port = await freeTcpPort();
    const dir = join(this.dataDir, 'redis');
    mkdirSync(dir, { recursive: true });
    const bin = '/usr/bin/redis-server';
    if (!existsSync(bin)) {
      throw new Error(
        'redis-server is not installed. Install it with: sudo apt-get install -y redis-server',
      );
    }
    await this.launch(
      'redis',
      bin,
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      () => redisPing(port),
    );
    return { url: `redis://127.0.0.1:${port}`, port };
  }

  /** Starts Mailpit (SMTP server and web inbox) on free loopback ports, mail kept under `<dataDir>/mailpit`. */
  async startMailpit(): Promise<MailService> {
    const bin = this.binary('mailpit');
    const smtpPort = await freeTcpPort();
    const webPort = await freeTcpPort();
    const dir = join(this.dataDir, 'mailpit');
    mkdirSync(dir, { recursive: true });
    const webUrl = `http://127.0.0.1:${webPort}/`;
    await this.launch(
      'mailpit',
      bin,
      [
        '--smtp',
        `127.0.0.1:${smtpPort}`,
        '--listen',
        `127.0.0.1:${webPort}`,
        '--database',
        join(dir, 'mailpit.db'),
        '--disable-version-check',
        '--quiet',
      ],
      async () => {
        try {
          const res = await fetch(`${webUrl}readyz`, { signal: AbortSignal.timeout(2000) });
          return res.ok && (await tcpProbe(smtpPort));
        } catch {
          return false;
        }
      },
    );
    return { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, webUrl };
  }

  /** Process ids of the running services, by name. */
  pids(): Partial<Record<ServiceName, number>> {
    const out: Partial<Record<ServiceName, number>> = {};
    for (const [name, s] of this.services) if (s.child.pid) out[name] = s.child.pid;
    return out;
  }

  /** Stops one service on purpose (it is not restarted). */
  async stopService(name: ServiceName): Promise<void> {
    const s = this.services.get(name);
    if (!s) return;
    this.services.delete(name);
    await stopChild(s);
  }

  /** Stops every service and waits until each process has exited. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    process.off('exit', this.killAllNow);
    const all = [...this.services.values()];
    this.services.clear();
    await Promise.all(all.map((s) => stopChild(s)));
  }

  private binary(tool: 'ferretdb' | 'livekit' | 'mailpit'): string {
    const bin = toolPaths(this.options.root)[tool];
    if (!existsSync(bin)) {
      throw new Error(
        `${bin} is missing. It is built by \`npm start\` or \`npm test\` (infra/local/tools.ts); run one of them once.`,
      );
    }
    return bin;
  }

  private spawnLogged(name: ServiceName, command: string, args: string[]): ChildProcess {
    const logFile = join(this.dataDir, 'logs', `${name}.log`);
    const fd = openSync(logFile, 'a');
    // livekit-server v1.13.5 that gets SIGTERM while it is still starting logs "exit requested"
    // and then hangs; it keeps nothing on disk, so it gets SIGKILL. The others flush on SIGTERM.
    const deathSignal = name === 'livekit' ? 'KILL' : 'TERM';
    const [cmd, argv] = HAS_SETPRIV
      ? ['setpriv', ['--pdeathsig', deathSignal, '--', command, ...args]]
      : [command, args];
    // detached: a process group of its own, so a terminal's Ctrl+C reaches only us and we stop
    // the services in order; pdeathsig still stops them if we die.
    const child = spawn(cmd, argv, { stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    return child;
  }

  private async launch(
    name: ServiceName,
    command: string,
    args: string[],
    ready: () => Promise<boolean>,
  ): Promise<void> {
    if (this.stopped) throw new Error('supervisor is stopped');
    if (this.services.has(name)) throw new Error(`${name} is already running`);
    const managed: Managed = {
      name,
      command,
      args,
      child: this.spawnLogged(name, command, args),
      ready,
      stopping: false,
      restarts: [],
    };
    this.services.set(name, managed);
    this.watch(managed);
    await this.waitReady(managed);
    this.log(`[supervisor] ${name} ready (pid ${managed.child.pid})`);
  }

  private watch(managed: Managed): void {
    managed.child.once('exit', (code, signal) => {
      if (managed.stopping || this.stopped || this.services.get(managed.name) !== managed) return;
      const now = Date.now();
      managed.restarts = managed.restarts.filter((t) => now - t < 60_000);
      this.log(
        `[supervisor] ${managed.name} exited unexpectedly (code ${code}, signal ${signal}); see ${join(this.dataDir, 'logs', managed.name + '.log')}`,
      );
      if (managed.restarts.length >= 5) {
        this.log(`[supervisor] ${managed.name} crashed 5 times within a minute; not restarting it`);
        return;
      }
      managed.restarts.push(now);
      void delay(500 * managed.restarts.length).then(() => {
        if (this.stopped || this.services.get(managed.name) !== managed) return;
        managed.child = this.spawnLogged(managed.name, managed.command, managed.args);
        this.watch(managed);
        this.log(`[supervisor] ${managed.name} restarted (pid ${managed.child.pid})`);
      });
    });
  }

  private async waitReady(managed: Managed): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    let wait = 50;
    while (Date.now() < deadline) {
      if (managed.child.exitCode !== null || managed.child.signalCode !== null) {
        this.services.delete(managed.name);
        throw new Error(
          `${managed.name} exited during start (code ${managed.child.exitCode}); see ${join(this.dataDir, 'logs', managed.name + '.log')}`,
        );
      }
      if (await managed.ready()) return;
      await delay(wait);
      wait = Math.min(wait * 2, 500);
    }
    this.services.delete(managed.name);
    await stopChild(managed);
    throw new Error(
      `${managed.name} did not answer within ${this.readyTimeoutMs / 1000} s; see ${join(this.dataDir, 'logs', managed.name + '.log')}`,
    );
  }
}

async function stopChild(managed: Managed): Promise<void> {
  managed.stopping = true;
  const child = managed.child;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.kill('SIGTERM');
  // livekit-server drains gracefully on the first signal and only forces on the second.
  const again = setTimeout(() => child.kill('SIGTERM'), 1500);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(again);
  clearTimeout(timer);
}

async function pingMongo(uri: string): Promise<boolean> {
  if (!(await tcpProbe(Number(new URL(uri).port)))) return false;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function redisPing(port: number): Promise<boolean> {
  return tcpProbe(port, 'PING\r\n', '+PONG');
}

/**
 * Stops the supervisor on process exit signals, then runs `after` (default: exit 0 for SIGINT
 * and SIGTERM). Returns a function that removes the handlers.
 */
export function stopOnSignals(
  supervisor: Supervisor,
  after?: (signal: NodeJS.Signals) => void,
): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    void supervisor.stop().finally(() => {
      if (after) after(signal);
      else process.exit(0);
    });
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
