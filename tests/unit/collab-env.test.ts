import { describe, expect, it } from 'vitest';
import { collabCloseAction, CollabCloseCode } from '../../collab/contracts/close-codes';
import { CollabEnvError, parseCollabEnv } from '../../collab/env';
import { resolveLimits, TokenBucket } from '../../collab/limits';

describe('parseCollabEnv', () => {
  const base = {
    MONGODB_URI: 'mongodb://127.0.0.1:27017/dienhong',
    API_URL: 'http://127.0.0.1:8080',
  };

  it('reads a minimal environment with defaults', () => {
    const c = parseCollabEnv(base);
    expect(c.port).toBe(8081);
    expect(c.host).toBe('127.0.0.1');
    expect(c.redisUrl).toBeUndefined();
    expect(c.limits).toEqual({});
  });

  it('reads limits and treats empty variables as unset', () => {
    const c = parseCollabEnv({
      ...base,
      REDIS_URL: '',
      COLLAB_MAX_MESSAGE_BYTES: '1048576',
      COLLAB_UNLOAD_AFTER_MS: '1000',
    });
    expect(c.redisUrl).toBeUndefined();
    expect(c.limits).toEqual({ maxMessageBytes: 1048576 });
    expect(c.storage).toEqual({ unloadAfterMs: 1000 });
  });

  it('reports every bad variable at once', () => {
    try {
      parseCollabEnv({ PORT: 'abc', API_URL: 'ftp://x', COLLAB_MAX_MESSAGE_BYTES: '-1' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CollabEnvError);
      const names = (err as CollabEnvError).problems.map((p) => p.split(':')[0]);
      expect(names).toEqual(
        expect.arrayContaining(['PORT', 'MONGODB_URI', 'API_URL', 'COLLAB_MAX_MESSAGE_BYTES']),
      );
    }
  });
});

describe('limits', () => {
  it('fills defaults and scales the byte burst with the message size', () => {
    const l = resolveLimits({ maxMessageBytes: 1024 * 1024 });
    expect(l.byteBurst).toBe(2 * 1024 * 1024);
    expect(l.maxAwarenessEntries).toBe(100);
  });

  it('token bucket allows a burst, then refuses', () => {
    const b = new TokenBucket(1, 3);
    expect([b.take(1), b.take(1), b.take(1), b.take(1)]).toEqual([true, true, true, false]);
  });
});

describe('close codes', () => {
  it('tell the client what to do', () => {
    expect(collabCloseAction(CollabCloseCode.TOKEN_EXPIRED)).toBe('refresh-token');
    expect(collabCloseAction(CollabCloseCode.FORBIDDEN)).toBe('stop');
    expect(collabCloseAction(CollabCloseCode.LOAD_FAILED)).toBe('reconnect');
    expect(collabCloseAction(1006)).toBe('reconnect');
  });
});
