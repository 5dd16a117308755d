import mongoose, { Schema, Types } from 'mongoose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMongo } from '../../server/db';
import {
  RevisionModel,
  SequencedAppender,
  serializedUpdate,
} from '../../server/write-serialization';
import type { Revisioned } from '../../server/write-serialization';
import { dropDatabase, uniqueDbUri } from '../support/stack';

// The primitives the records rely on, against FerretDB, where plain concurrent updates of one
// document lose writes.

const counterSchema = new Schema(
  { value: Number, rev: { type: Number, default: 0 } },
  { collection: 'test_counters' },
);
const CounterModel = mongoose.model('TestCounter', counterSchema);
const itemSchema = new Schema({ key: String, seq: Number }, { collection: 'test_sequence' });
itemSchema.index({ key: 1, seq: 1 }, { unique: true });
const ItemModel = mongoose.model('TestSequenceItem', itemSchema);

let uri: string;

beforeAll(async () => {
  uri = uniqueDbUri('serial');
  await connectMongo(uri, pino({ level: 'silent' }));
  await Promise.all([CounterModel.init(), ItemModel.init(), RevisionModel.init()]);
});
afterAll(async () => {
  await mongoose.disconnect();
  await dropDatabase(uri);
});

describe('serializedUpdate', () => {
  it('applies every one of 30 concurrent read-modify-writes of one document', async () => {
    const doc = await CounterModel.create({ value: 0 });
    await Promise.all(
      Array.from({ length: 30 }, () =>
        serializedUpdate<Revisioned & { value: number }>(
          CounterModel,
          doc._id,
          (d) => ({ value: d.value + 1 }),
          'counter',
        ),
      ),
    );
    const after = await CounterModel.findById(doc._id).lean();
    expect(after).toMatchObject({ value: 30, rev: 30 });
  });

  it('lets a check in compute see the winner’s state (exactly one of many equal moves succeeds)', async () => {
    const doc = await CounterModel.create({ value: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, () =>
        serializedUpdate<Revisioned & { value: number }>(
          CounterModel,
          doc._id,
          (d) => {
            if (d.value !== 0) throw new Error('already moved');
            return { value: 1 };
          },
          'counter',
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('answers 404 for a missing document and changes nothing for a null patch', async () => {
    await expect(
      serializedUpdate(CounterModel, new Types.ObjectId(), () => ({}), 'Counter x'),
    ).rejects.toMatchObject({ status: 404 });
    const doc = await CounterModel.create({ value: 5 });
    const r = await serializedUpdate<Revisioned & { value: number }>(
      CounterModel,
      doc._id,
      () => null,
      'counter',
    );
    expect(r.changed).toBe(false);
    expect((await CounterModel.findById(doc._id).lean())?.rev).toBe(0);
  });
});

describe('SequencedAppender', () => {
  it('gives 60 concurrent appends from two appenders (two processes) positions 1..60 without gaps', async () => {
    const load = async (key: string) => {
      const last = await ItemModel.findOne({ key }).sort({ seq: -1 }).lean();
      return last ? { seq: last.seq ?? 0 } : null;
    };
    const a = new SequencedAppender<{ seq: number }>({ loadHead: load });
    const b = new SequencedAppender<{ seq: number }>({ loadHead: load });
    const insert = async (head: { seq: number } | null) => {
      const seq = (head?.seq ?? 0) + 1;
      await ItemModel.create({ key: 'k', seq });
      return { seq };
    };
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).append('k', insert)));
    const seqs = (await ItemModel.find({ key: 'k' }).sort({ seq: 1 }).lean()).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});
