import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/config';

describe('parseConfig', () => {
  it('gives working defaults for an empty environment (embedded dependencies)', () => {
    const c = parseConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('./data');
    expect(c.mongodbUri).toBeUndefined();
    expect(c.livekit).toBeUndefined();
    expect(c.seed).toBe('demo');
  });

  it('uses the production path when MongoDB and LiveKit are given', () => {
    const c = parseConfig({
      MONGODB_URI: 'mongodb://db1,db2,db3/dienhong?replicaSet=rs0',
      LIVEKIT_URL: 'wss://livekit.example.gov.vn',
      LIVEKIT_API_KEY: 'APIkey',
      LIVEKIT_API_SECRET: 'x'.repeat(40),
      REDIS_URL: 'redis://10.0.0.5:6379',
      CORS_ORIGINS: 'https://a.gov.vn, https://b.gov.vn',
      TRUST_PROXY: '1',
    });
    expect(c.mongodbUri).toContain('replicaSet=rs0');
    expect(c.livekit?.url).toBe('wss://livekit.example.gov.vn');
    expect(c.corsOrigins).toEqual(['https://a.gov.vn', 'https://b.gov.vn']);
    expect(c.trustProxy).toBe(1);
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ MONGODB_URI: '', LIVEKIT_URL: '' }).mongodbUri).toBeUndefined();
  });

  it('reports every invalid variable at once, naming each, hiding secrets', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig({
        PORT: '99999',
        LIVEKIT_URL: 'wss://x',
        JWT_SECRET: 'short-secret',
        CORS_ORIGINS: 'not a url',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error?.problems.join('\n') ?? '';
    for (const name of [
      'PORT',
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
      'JWT_SECRET',
      'CORS_ORIGINS',
    ])
      expect(text).toContain(name);
    expect(text).not.toContain('short-secret');
  });
});
