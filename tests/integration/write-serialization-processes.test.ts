import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, stack, uniqueDbUri } from '../support/stack';

// server/write-serialization.ts across processes: in one process the local queue already
// orders the writes of one document, so only writers in separate processes exercise the
// revision records (serializedUpdate) and the unique (key, seq) index (SequencedAppender).

const WRITERS = 3;
const WRITES = 40;

let uri: string;
let db: MongoClient;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  uri = uniqueDbUri('serialproc');
  db = new MongoClient(uri);
  await db.connect();
  // The unique index the appender relies on, made before any writer starts.
  await db.db().command({
    createIndexes: 'process_sequence',
    indexes: [{ key: { key: 1, seq: 1 }, name: 'key_seq', unique: true }],
  });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await db.close();
  await dropDatabase(uri);
});

interface Writer {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
}

function startWriter(mode: 'counter' | 'sequence', target: string): Writer {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(stack().root, 'tests', 'support', 'serialization-writer.ts'),
      uri,
      mode,
      target,
      String(WRITES),
    ],
    { cwd: stack().root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return {
    child,
    output: () => out,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = (): void => {
          const m = out.match(pattern);
          if (m) resolve(m);
          else if (child.exitCode !== null || Date.now() > deadline)
            reject(new Error(`no ${String(pattern)} from a writer; output:\n${out.slice(-2000)}`));
          else setTimeout(check, 25);
        };
        check();
      }),
  };
}

/** Starts the writers, lets them go at once, and waits until each reports no failed write. */
async function runWriters(mode: 'counter' | 'sequence', target: string): Promise<void> {
  const writers = Array.from({ length: WRITERS }, () => startWriter(mode, target));
  await Promise.all(writers.map((w) => w.waitFor(/READY/, 60_000)));
  for (const w of writers) w.child.stdin.write('GO\n');
  const done = await Promise.all(writers.map((w) => w.waitFor(/DONE (\{.*\})/, 90_000)));
  for (const m of done) expect(JSON.parse(m[1] ?? '{}')).toEqual({ failed: 0 });
}

const TOTAL = WRITERS * WRITES;

describe('write serialization across processes', () => {
  it(`serializedUpdate loses none of ${String(TOTAL)} increments from ${String(WRITERS)} processes at once`, async () => {
    const counterId = new ObjectId();
    await db.db().collection('process_counters').insertOne({ _id: counterId, value: 0, rev: 0 });
    await runWriters('counter', counterId.toHexString());
    const counter = await db.db().collection('process_counters').findOne({ _id: counterId });
    // Each increment read the value the previous one wrote.
    expect(counter).toMatchObject({ value: TOTAL, rev: TOTAL });
    const revisions = await db
      .db()
      .collection('revisions')
      .countDocuments({
        _id: { $regex: `^process_counters/${counterId.toHexString()}/` },
      } as never);
    expect(revisions).toBe(TOTAL);
  }, 180_000);

  it(`SequencedAppender gives ${String(TOTAL)} appends from ${String(WRITERS)} processes positions without forks or gaps`, async () => {
    const key = `k-${new ObjectId().toHexString()}`;
    await runWriters('sequence', key);
    const seqs = (
      await db.db().collection('process_sequence').find({ key }).sort({ seq: 1 }).toArray()
    ).map((r) => r.seq as number);
    expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
  }, 180_000);
});
