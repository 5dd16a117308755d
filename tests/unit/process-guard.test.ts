import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installProcessGuard, isRequestScopedError } from '../../server/process-guard';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function guarded(): { emitter: EventEmitter; stops: number[]; logged: string[] } {
  const emitter = new EventEmitter();
  const stops: number[] = [];
  const logged: string[] = [];
  installProcessGuard(
    {
      error: (_obj, msg) => logged.push(`error ${msg}`),
      fatal: (_obj, msg) => logged.push(`fatal ${msg}`),
    },
    (code) => stops.push(code),
    emitter as unknown as NodeJS.Process,
  );
  return { emitter, stops, logged };
}

describe('process guard', () => {
  it('counts busboy truncation errors and socket resets as one request failing', () => {
    expect(isRequestScopedError(new Error('Unexpected end of form'))).toBe(true);
    expect(isRequestScopedError(new Error('Unexpected end of file'))).toBe(true);
    expect(isRequestScopedError(new Error('Malformed part header'))).toBe(true);
    expect(isRequestScopedError(withCode('aborted', 'ECONNRESET'))).toBe(true);
    expect(isRequestScopedError(withCode('write after end', 'ERR_STREAM_WRITE_AFTER_END'))).toBe(
      true,
    );
    expect(isRequestScopedError(withCode('Parse Error', 'HPE_INVALID_METHOD'))).toBe(true);
  });

  it('does not excuse programming errors or non-errors', () => {
    expect(isRequestScopedError(new TypeError('x is undefined'))).toBe(false);
    expect(isRequestScopedError(new Error('Unexpected end of form, and more'))).toBe(false);
    expect(isRequestScopedError('ECONNRESET')).toBe(false);
    expect(isRequestScopedError(null)).toBe(false);
  });

  it('keeps serving after an uncaught error of one request', () => {
    const { emitter, stops, logged } = guarded();
    emitter.emit('uncaughtException', new Error('Unexpected end of form'));
    expect(stops).toEqual([]);
    expect(logged).toEqual(['error uncaught error of one request (the process keeps serving)']);
  });

  it('keeps serving after an unhandled rejection', () => {
    const { emitter, stops, logged } = guarded();
    emitter.emit('unhandledRejection', new TypeError('boom'));
    expect(stops).toEqual([]);
    expect(logged).toEqual(['error unhandled promise rejection (the process keeps serving)']);
  });

  it('stops with code 1 after any other uncaught exception', () => {
    const { emitter, stops, logged } = guarded();
    emitter.emit('uncaughtException', new TypeError('x is undefined'));
    expect(stops).toEqual([1]);
    expect(logged).toEqual(['fatal uncaught exception: stopping (to be restarted)']);
  });
});
