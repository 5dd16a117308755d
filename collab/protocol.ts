import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CollabAuthType, CollabMessageType, CollabSyncType } from './contracts/protocol';

/** A frame that does not follow the protocol; the connection that sent it is closed (4400). */
export class CollabProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollabProtocolError';
  }
}

/** A decoded client message. Payloads are copies with their own buffer. */
export type ClientMessage =
  | { kind: 'sync-step1'; stateVector: Uint8Array }
  | { kind: 'sync-update'; update: Uint8Array; step2: boolean }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' }
  | { kind: 'auth' };

function readUint(decoder: decoding.Decoder): number {
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new CollabProtocolError('truncated or oversized varint');
  }
}

/**
 * Reads a length-prefixed byte array as a copy. lib0 checks the length only against the
 * underlying ArrayBuffer, and a frame from `ws` may be a view into a larger pooled buffer, so
 * the bounds are checked here (SECURITY: otherwise a forged length reads other memory).
 */
function readBytes(decoder: decoding.Decoder): Uint8Array {
  const len = readUint(decoder);
  if (len > decoder.arr.length - decoder.pos) throw new CollabProtocolError('length past the end');
  const out = decoder.arr.slice(decoder.pos, decoder.pos + len);
  decoder.pos += len;
  return out;
}

function expectEnd(decoder: decoding.Decoder): void {
  if (decoder.pos !== decoder.arr.length) throw new CollabProtocolError('trailing bytes');
}

/**
 * Decodes one client frame.
 * @throws CollabProtocolError for anything malformed: truncated varints, lengths past the end,
 * trailing bytes, unknown message or sync types.
 */
export function parseClientMessage(frame: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(frame);
  const type = readUint(decoder);
  switch (type) {
    case CollabMessageType.SYNC: {
      const sub = readUint(decoder);
      const payload = readBytes(decoder);
      expectEnd(decoder);
      if (sub === CollabSyncType.STEP1) return { kind: 'sync-step1', stateVector: payload };
      if (sub === CollabSyncType.STEP2 || sub === CollabSyncType.UPDATE) {
        return { kind: 'sync-update', update: payload, step2: sub === CollabSyncType.STEP2 };
      }
      throw new CollabProtocolError(`unknown sync message type ${sub}`);
    }
    case CollabMessageType.AWARENESS: {
      const update = readBytes(decoder);
      expectEnd(decoder);
      return { kind: 'awareness', update };
    }
    case CollabMessageType.QUERY_AWARENESS:
      expectEnd(decoder);
      return { kind: 'query-awareness' };
    case CollabMessageType.AUTH:
      // The stock provider never sends one; accept and ignore rather than fail future clients.
      return { kind: 'auth' };
    default:
      throw new CollabProtocolError(`unknown message type ${type}`);
  }
}

/** Encodes a sync message (step 1 with a state vector, step 2 or update with an update). */
export function encodeSync(sub: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, CollabMessageType.SYNC);
  encoding.writeVarUint(encoder, sub);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** Encodes an awareness message. */
export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, CollabMessageType.AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** Encodes an auth message: permission denied with a reason, or the granted access. */
export function encodeAuth(sub: 'denied' | 'access', text: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, CollabMessageType.AUTH);
  encoding.writeVarUint(
    encoder,
    sub === 'denied' ? CollabAuthType.PERMISSION_DENIED : CollabAuthType.ACCESS,
  );
  encoding.writeVarString(encoder, text);
  return encoding.toUint8Array(encoder);
}

/** One entry of an awareness update. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state as JSON text; 'null' removes the client. */
  json: string;
}

/**
 * Decodes an awareness update (y-protocols/awareness layout) with limits.
 * @throws CollabProtocolError when malformed, when it has more than `maxEntries` entries, or
 * when a state is larger than `maxStateBytes` or is not valid JSON.
 */
export function parseAwarenessUpdate(
  update: Uint8Array,
  maxEntries: number,
  maxStateBytes: number,
): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = readUint(decoder);
  if (count > maxEntries) {
    throw new CollabProtocolError(`awareness update with ${count} entries (limit ${maxEntries})`);
  }
  const out: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = readUint(decoder);
    const clock = readUint(decoder);
    const len = readUint(decoder);
    if (len > maxStateBytes) throw new CollabProtocolError('awareness state too large');
    if (len > decoder.arr.length - decoder.pos) {
      throw new CollabProtocolError('length past the end');
    }
    const bytes = decoder.arr.subarray(decoder.pos, decoder.pos + len);
    decoder.pos += len;
    let json: string;
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      JSON.parse(json);
    } catch {
      throw new CollabProtocolError('awareness state is not JSON');
    }
    out.push({ clientId, clock, json });
  }
  expectEnd(decoder);
  return out;
}

/** Encodes awareness entries back into an awareness update. */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.json);
  }
  return encoding.toUint8Array(encoder);
}
