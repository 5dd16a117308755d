// Test entry: one of several processes writing concurrently against one database through
// server/write-serialization.ts. argv: <mongoUri> counter|sequence <id> <writes>.
// Prints READY once connected, starts on a line `GO` on stdin (so that every process starts
// together), then runs <writes> increments of the counter <id> (serializedUpdate) or <writes>
// appends to the sequence <id> (SequencedAppender), all at once, and prints DONE.
import { createInterface } from 'node:readline';
import mongoose, { Schema, Types } from 'mongoose';
import { pino } from 'pino';
import { connectMongo } from '../../server/db';
import { SequencedAppender, serializedUpdate } from '../../server/write-serialization';
import type { Revisioned } from '../../server/write-serialization';

const [uri, mode, target, writesArg] = process.argv.slice(2);
if (!uri || (mode !== 'counter' && mode !== 'sequence') || !target || !writesArg) {
  throw new Error('usage: serialization-writer.ts <mongoUri> counter|sequence <id> <writes>');
}
const writes = Number(writesArg);

const CounterModel = mongoose.model(
  'ProcessCounter',
  new Schema({ value: Number, rev: Number }, { collection: 'process_counters' }),
);
const itemSchema = new Schema({ key: String, seq: Number }, { collection: 'process_sequence' });
itemSchema.index({ key: 1, seq: 1 }, { unique: true });
const ItemModel = mongoose.model('ProcessSequenceItem', itemSchema);

await connectMongo(uri, pino({ level: 'silent' }));
const appender = new SequencedAppender<{ seq: number }>({
  loadHead: async (key) => {
    const last = await ItemModel.findOne({ key }).sort({ seq: -1 }).lean();
    return last ? { seq: last.seq ?? 0 } : null;
  },
});
console.log('READY');
await new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'GO') {
      lines.close();
      resolve();
    }
  });
});
const results = await Promise.allSettled(
  Array.from({ length: writes }, () =>
    mode === 'counter'
      ? serializedUpdate<Revisioned & { value: number }>(
          CounterModel,
          new Types.ObjectId(target),
          (d) => ({ value: d.value + 1 }),
          'counter',
        )
      : appender.append(target, async (head) => {
          const seq = (head?.seq ?? 0) + 1;
          await ItemModel.create({ key: target, seq });
          return { seq };
        }),
  ),
);
const failed = results.filter((r) => r.status === 'rejected');
console.log(`DONE ${JSON.stringify({ failed: failed.length })}`);
await mongoose.disconnect();
process.exit(0);
