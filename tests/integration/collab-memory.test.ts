import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDocName } from '../../collab/contracts/doc-names';
import { connectClient, oid, startCollabServer, testToken, text } from '../support/collab';
import type { CollabTestServer } from '../support/collab';
import { waitFor } from '../support/stack';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

let server: CollabTestServer;

beforeAll(async () => {
  server = await startCollabServer({ storage: { unloadAfterMs: 50 } });
});

afterAll(async () => {
  await server.stop();
});

describe('unloading', () => {
  it('flushes and unloads documents nobody uses, and memory returns to its baseline', async () => {
    const meeting = oid();
    const paragraph = 'Nội dung dự thảo nghị quyết. '.repeat(200); // ~6 KB
    const refs: WeakRef<object>[] = [];
    const round = async (names: string[]): Promise<number> => {
      const handles = await Promise.all(names.map((n) => server.collab.documents.open(n)));
      for (const h of handles) refs.push(new WeakRef(h.doc));
      await Promise.all(handles.map((h) => h.change((d) => d.getText('t').insert(0, paragraph))));
      const loaded = heapMb();
      expect(server.collab.health().documents).toBe(names.length);
      for (const h of handles) h.release();
      await waitFor(() => server.collab.health().documents === 0, 'all documents unloaded', 30_000);
      return loaded;
    };
    const newNames = (): string[] =>
      Array.from({ length: 100 }, () =>
        formatDocName({ kind: 'draft', meetingId: meeting, draftId: oid() }),
      );
    // A first round warms up code paths and the database driver's connection pool.
    await round(newNames());
    const baseline = heapMb();
    const names = newNames();
    const loaded = await round(names);
    const after = heapMb();
    const grew = loaded - baseline;
    // Every Y.Doc of an unloaded document has been garbage collected.
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    expect(grew).toBeGreaterThan(0.3);
    // Rough on purpose: what unloading releases must be most of what loading took.
    expect(after - baseline).toBeLessThan(grew * 0.5);

    // Nothing was lost by unloading: a client reads the content back from the database.
    const c = connectClient(server.url, names[7] as string, testToken('u1'));
    try {
      await c.synced();
      expect(text(c.doc)).toBe(paragraph);
    } finally {
      c.destroy();
    }
  }, 240_000);
});
