import { describe, expect, it } from 'vitest';
import { spawnTs } from '../support/processes';

describe('invalid environment', () => {
  it('stops the process with a message naming every invalid variable, and no stack trace', async () => {
    const proc = spawnTs('server/main.ts', {
      PORT: 'eighty',
      JWT_SECRET: 'too-short',
      LIVEKIT_URL: 'wss://livekit.example.gov.vn',
      LIVEKIT_API_KEY: '',
      LIVEKIT_API_SECRET: '',
      MONGODB_URI: 'postgres://nope',
      LOG_LEVEL: 'loud',
    });
    const { code } = await proc.exited();
    const out = proc.output();
    expect(code).not.toBe(0);
    for (const name of [
      'PORT',
      'JWT_SECRET',
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
      'MONGODB_URI',
      'LOG_LEVEL',
    ]) {
      expect(out).toContain(name);
    }
    expect(out).toContain('"eighty"');
    expect(out).not.toContain('too-short');
    expect(out).not.toMatch(/\n\s+at /);
  });
});
