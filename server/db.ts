import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { setTimeout as delay } from 'node:timers/promises';

/** Default database name when the URI names none. */
export const DEFAULT_DB_NAME = 'dienhong';

/**
 * Connects the process-wide Mongoose connection, retrying with exponential backoff (0.5 s
 * doubling to 10 s) until `deadlineMs` passes.
 * @throws the last connection error once the deadline has passed.
 */
export async function connectMongo(
  uri: string,
  logger: Logger,
  opts: { deadlineMs?: number } = {},
): Promise<typeof mongoose> {
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  const hasDbName =
    new URL(uri.replace(/^mongodb\+srv:/, 'mongodb:')).pathname.replace(/^\//, '') !== '';
  mongoose.set('strictQuery', true);
  // SECURITY: filters are built only from Zod-validated primitives (never a request object), so
  // no operator can be smuggled in; strictQuery also drops fields a schema does not know.
  let wait = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      await mongoose.connect(uri, {
        ...(hasDbName ? {} : { dbName: DEFAULT_DB_NAME }),
        serverSelectionTimeoutMS: 5000,
        autoIndex: true,
        autoCreate: true,
      });
      logger.info({ attempt }, 'connected to MongoDB');
      return mongoose;
    } catch (err) {
      if (Date.now() + wait > deadline) throw err;
      logger.warn(
        { err: (err as Error).message, attempt, retryInMs: wait },
        'MongoDB not reachable; retrying',
      );
      await delay(wait);
      wait = Math.min(wait * 2, 10_000);
    }
  }
}

/** Pings the database; for the health check. */
export async function pingMongo(timeoutMs = 2000): Promise<void> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected || !db) {
    throw new Error('not connected');
  }
  await Promise.race([
    db.admin().ping(),
    delay(timeoutMs).then(() => {
      throw new Error(`no answer within ${timeoutMs} ms`);
    }),
  ]);
}

let scanning: { db: object; answer: Promise<boolean> } | undefined;

/**
 * Whether the connected server evaluates every query by reading the whole collection, as
 * FerretDB v1 does for any filter but a lone `_id` (it uses no other index). Asked once per
 * connection (`buildInfo` names FerretDB's version); false for MongoDB.
 */
export function scansEveryQuery(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return Promise.resolve(false);
  if (scanning?.db !== db) {
    const answer = db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => typeof info.ferretdbVersion === 'string');
    // A failed answer is asked again next time rather than remembered.
    answer.catch(() => {
      if (scanning?.answer === answer) scanning = undefined;
    });
    scanning = { db, answer };
  }
  return scanning.answer;
}
