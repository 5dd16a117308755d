import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CollabSyncType } from '../../collab/contracts/protocol';
import {
  CollabProtocolError,
  encodeAwarenessEntries,
  encodeSync,
  parseAwarenessUpdate,
  parseClientMessage,
} from '../../collab/protocol';

describe('parseClientMessage', () => {
  it('decodes the messages the stock provider sends', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'x');
    const sv = Y.encodeStateVector(doc);
    const update = Y.encodeStateAsUpdate(doc);
    expect(parseClientMessage(encodeSync(CollabSyncType.STEP1, sv))).toEqual({
      kind: 'sync-step1',
      stateVector: sv,
    });
    expect(parseClientMessage(encodeSync(CollabSyncType.STEP2, update))).toMatchObject({
      kind: 'sync-update',
      step2: true,
    });
    expect(parseClientMessage(encodeSync(CollabSyncType.UPDATE, update))).toMatchObject({
      kind: 'sync-update',
      step2: false,
      update,
    });
    expect(parseClientMessage(Uint8Array.of(3))).toEqual({ kind: 'query-awareness' });
  });

  it('never reads past the frame, even inside a larger buffer', () => {
    // A frame that claims 10 bytes of payload but has 2, inside a buffer with more bytes after.
    const pool = Uint8Array.of(0, 2, 10, 1, 2, 9, 9, 9, 9, 9, 9, 9, 9, 9);
    const frame = pool.subarray(0, 5);
    expect(() => parseClientMessage(frame)).toThrow(CollabProtocolError);
  });

  it('copies payloads out of the frame buffer', () => {
    const frame = encodeSync(CollabSyncType.UPDATE, Uint8Array.of(1, 2, 3));
    const msg = parseClientMessage(frame);
    frame.fill(0);
    expect(msg).toMatchObject({ update: Uint8Array.of(1, 2, 3) });
  });

  it('rejects truncated varints, trailing bytes and unknown types', () => {
    for (const bad of [
      Uint8Array.of(),
      Uint8Array.of(0x80),
      Uint8Array.of(0, 0),
      Uint8Array.of(0, 5, 0),
      Uint8Array.of(0, 2, 1, 7, 7),
      Uint8Array.of(3, 3),
      Uint8Array.of(42),
    ]) {
      expect(() => parseClientMessage(bad)).toThrow(CollabProtocolError);
    }
  });

  it('either decodes or throws CollabProtocolError for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseClientMessage(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CollabProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseAwarenessUpdate', () => {
  const entry = { clientId: 7, clock: 3, json: '{"user":{"name":"Lan"}}' };

  it('round-trips entries', () => {
    expect(parseAwarenessUpdate(encodeAwarenessEntries([entry]), 10, 1000)).toEqual([entry]);
  });

  it('limits the number of entries, the state size and requires JSON', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ ...entry, clientId: i }));
    expect(() => parseAwarenessUpdate(encodeAwarenessEntries(many), 10, 1000)).toThrow(/entries/);
    expect(() =>
      parseAwarenessUpdate(encodeAwarenessEntries([{ ...entry, json: 'x'.repeat(50) }]), 10, 20),
    ).toThrow(/too large/);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, '{not json');
    expect(() => parseAwarenessUpdate(encoding.toUint8Array(e), 10, 100)).toThrow(/JSON/);
  });
});
