import { describe, expect, it } from 'vitest';
import { CollabCloseCode } from '../../../collab/contracts/close-codes';
import { decideOnClose, statusOf } from './collab-status';
import { COLLAB_COLOURS, colourFor, initialsOf } from './user-colour';

describe('statusOf', () => {
  it('is online only once connected and synced with write access', () => {
    expect(statusOf('connecting', false, null)).toBe('connecting');
    expect(statusOf('connected', false, 'write')).toBe('connecting');
    expect(statusOf('connected', true, 'write')).toBe('online');
    expect(statusOf('connected', true, null)).toBe('online');
    expect(statusOf('connected', true, 'read')).toBe('read-only');
    expect(statusOf('disconnected', true, 'write')).toBe('offline');
  });
});

describe('decideOnClose', () => {
  it('renews the token on 4401 and 4408', () => {
    expect(decideOnClose(CollabCloseCode.UNAUTHENTICATED)).toEqual({ kind: 'refresh-token' });
    expect(decideOnClose(CollabCloseCode.TOKEN_EXPIRED)).toEqual({ kind: 'refresh-token' });
  });
  it('stops with a reason the user can act on for 4403, 4404, 1009, 4400', () => {
    expect(decideOnClose(4403)).toEqual({ kind: 'stop', reason: 'forbidden' });
    expect(decideOnClose(4404)).toEqual({ kind: 'stop', reason: 'unknownDocument' });
    expect(decideOnClose(1009)).toEqual({ kind: 'stop', reason: 'tooBig' });
    expect(decideOnClose(CollabCloseCode.TOO_LARGE)).toEqual({ kind: 'stop', reason: 'tooBig' });
    expect(decideOnClose(4400)).toEqual({ kind: 'stop', reason: 'badMessage' });
  });
  it('reconnects after a pause when rate limited', () => {
    expect(decideOnClose(CollabCloseCode.RATE_LIMITED).kind).toBe('reconnect');
  });
});

describe('colourFor', () => {
  it('gives the same user the same palette colour every time, and spreads users', () => {
    const id = '65a1b2c3d4e5f60718293a4b';
    expect(colourFor(id)).toBe(colourFor(id));
    expect(COLLAB_COLOURS).toContain(colourFor(id));
    const used = new Set(
      Array.from({ length: 60 }, (_, i) => colourFor(i.toString(16).padStart(24, '0'))),
    );
    expect(used.size).toBeGreaterThan(6);
  });
});

describe('initialsOf', () => {
  it('takes the last two words of a Vietnamese name', () => {
    expect(initialsOf('Nguyễn Văn Ánh')).toBe('VÁ');
    expect(initialsOf('  lê  ')).toBe('L');
  });
});
