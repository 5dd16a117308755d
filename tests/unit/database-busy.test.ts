import type { AddressInfo } from 'node:net';
import express from 'express';
import { MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, isDatabaseBusy } from '../../server/errors';

// What FerretDB (SQLite backend) answers when a write waited longer than its busy timeout for
// the database's write lock, as the mongodb driver raises it (seen with busy_timeout(1) and
// 400 concurrent writes).
function busyError(): MongoServerError {
  return new MongoServerError({
    message:
      '[msg_insert.go:168 handler.(*Handler).MsgInsert] [collection.go:135 sqlite.(*collection).InsertAll.func1] database is locked (5) (SQLITE_BUSY)',
    code: 1,
    codeName: 'InternalError',
  });
}

describe('a busy database', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let url = '';

  beforeAll(async () => {
    const app = express();
    app.get('/busy', () => {
      throw busyError();
    });
    app.get('/other', () => {
      throw new MongoServerError({ message: 'something else', code: 1 });
    });
    app.use(errorHandler);
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('is recognised by the message FerretDB sends', () => {
    expect(isDatabaseBusy(busyError())).toBe(true);
    expect(isDatabaseBusy(new Error('database is locked'))).toBe(true);
    expect(isDatabaseBusy(new MongoServerError({ message: 'E11000 duplicate key' }))).toBe(false);
    expect(isDatabaseBusy(null)).toBe(false);
  });

  it('answers 503 with Retry-After and a message saying to try again, not a 500', async () => {
    const res = await fetch(`${url}/busy`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('service_unavailable');
    expect(body.error.message).toMatch(/Try again in 2 seconds/);
    expect(body.error.message).not.toMatch(/SQLITE|msg_insert/);
  });

  it('leaves other database failures as a generic 500', async () => {
    const res = await fetch(`${url}/other`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('internal');
    expect(body.error.message).not.toMatch(/something else/);
  });
});
