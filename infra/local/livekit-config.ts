import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** API key pair of the embedded livekit-server, generated once per DATA_DIR. */
export interface LivekitKeys {
  apiKey: string;
  apiSecret: string;
}

/** Reads the key pair kept in `file`, creating it (mode 0600) on first use. */
export function loadOrCreateLivekitKeys(file: string): LivekitKeys {
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LivekitKeys>;
    if (typeof parsed.apiKey === 'string' && typeof parsed.apiSecret === 'string') {
      return { apiKey: parsed.apiKey, apiSecret: parsed.apiSecret };
    }
  }
  const keys: LivekitKeys = {
    apiKey: `API${randomBytes(6).toString('hex')}`,
    apiSecret: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return keys;
}

/** What the template needs to render a loopback-only livekit-server configuration. */
export interface LivekitConfigInput {
  port: number;
  udpPort: number;
  /** A loopback UDP port where nothing listens: keeps clients from being handed public STUN servers. */
  deadStunPort: number;
  keys: LivekitKeys;
  webhookUrl?: string;
  redisAddress?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Renders livekit-server's YAML configuration for loopback use (see ARCHITECTURE.md):
 * bound to 127.0.0.1, advertising 127.0.0.1 with the loopback candidate enabled, no ICE/TCP,
 * no external IP discovery, and webhooks signed with the same key pair the app verifies.
 * Values are written as JSON scalars, which YAML accepts verbatim.
 */
export function renderLivekitConfig(input: LivekitConfigInput): string {
  const q = (v: string): string => JSON.stringify(v);
  const lines = [
    `port: ${input.port}`,
    `bind_addresses: [${q('127.0.0.1')}]`,
    'rtc:',
    `  udp_port: ${q(String(input.udpPort))}`,
    '  tcp_port: 0',
    `  node_ip: ${q('127.0.0.1')}`,
    '  use_external_ip: false',
    '  enable_loopback_candidate: true',
    `  stun_servers: [${q(`127.0.0.1:${input.deadStunPort}`)}]`,
    'keys:',
    `  ${q(input.keys.apiKey)}: ${q(input.keys.apiSecret)}`,
    'logging:',
    `  level: ${q(input.logLevel ?? 'info')}`,
    '  json: true',
    'room:',
    '  empty_timeout: 300',
    '  departure_timeout: 20',
    // The floor unmutes the microphone a site published muted on joining (docs/media.md).
    '  enable_remote_unmute: true',
  ];
  if (input.webhookUrl) {
    lines.push(
      'webhook:',
      `  api_key: ${q(input.keys.apiKey)}`,
      `  urls: [${q(input.webhookUrl)}]`,
    );
  }
  if (input.redisAddress) {
    lines.push('redis:', `  address: ${q(input.redisAddress)}`);
  }
  return lines.join('\n') + '\n';
}
