import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Histogram, PLACEHOLDER, STAMP_RE, frame, nowMs, stamp } from './collab-bench-lib';
import type { Proto, RunResult, WorkerCommand } from './collab-bench-lib';

// A load generator process for tests/bench/collab.bench.ts: lean raw clients of the y-websocket
// and Hocuspocus protocols. Each client owns a Y.Doc only to produce valid updates (generated
// ahead of time, stamped at send time); received updates are scanned for stamps, never decoded,
// so that the machine's CPU goes to the servers under test.

interface Client {
  id: number;
  docName: string;
  ws: WebSocket;
  doc: Y.Doc;
  synced: boolean;
  /** Pre-encoded edit messages and the offset of their placeholder. */
  edits: { msg: Buffer; offset: number }[];
  next: number;
}

let proto: Proto = 'yws';
const clients: Client[] = [];
let histogram = new Histogram();
let measureFrom = Number.POSITIVE_INFINITY;
let measureTo = Number.POSITIVE_INFINITY;
let received = 0;
let bytesReceived = 0;

function send(msg: unknown): void {
  process.send?.(msg);
}

function syncMessage(docName: string, sub: number, payload: Uint8Array): Uint8Array {
  return frame(proto, docName, (e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });
}

function onMessage(c: Client, data: Buffer): void {
  bytesReceived += data.length;
  const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.length));
  if (proto === 'hocuspocus') decoding.readVarString(d);
  const type = decoding.readVarUint(d);
  if (type !== 0 && type !== 4) return;
  const sub = decoding.readVarUint(d);
  if (sub === 0) {
    // The server's step 1: answer with what it lacks (nothing, in practice).
    const sv = decoding.readVarUint8Array(d);
    c.ws.send(syncMessage(c.docName, 1, Y.encodeStateAsUpdate(c.doc, sv)));
    return;
  }
  if (sub === 1) c.synced = true;
  const at = nowMs();
  const text = data.toString('latin1');
  for (const m of text.matchAll(STAMP_RE)) {
    const sentAt = Number(m[1]);
    if (Number(m[2]) === c.id % 10_000 || sentAt < measureFrom || sentAt > measureTo) continue;
    received++;
    histogram.add(at - sentAt);
  }
}

async function connect(url: string, list: { id: number; docName: string }[]): Promise<void> {
  const open = async (spec: { id: number; docName: string }): Promise<void> => {
    const path = proto === 'hocuspocus' ? url : `${url}/${spec.docName}?token=bench`;
    const ws = new WebSocket(path, { perMessageDeflate: false });
    const doc = new Y.Doc();
    const c: Client = { ...spec, ws, doc, synced: false, edits: [], next: 0 };
    clients.push(c);
    ws.on('message', (data: Buffer) => onMessage(c, data));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (proto === 'hocuspocus') {
      ws.send(
        frame(proto, c.docName, (e) => {
          encoding.writeVarUint(e, 2);
          encoding.writeVarUint(e, 0);
          encoding.writeVarString(e, 'bench');
        }),
      );
    }
    const state: { closed: number | null } = { closed: null };
    ws.once('close', (code) => {
      state.closed = code;
    });
    ws.send(syncMessage(c.docName, 0, Y.encodeStateVector(doc)));
    const deadline = Date.now() + 120_000;
    while (!c.synced) {
      if (state.closed !== null) {
        throw new Error(`client ${c.id} was closed with ${String(state.closed)}`);
      }
      if (Date.now() > deadline) throw new Error(`client ${c.id} did not sync`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  for (let i = 0; i < list.length; i += 25) await Promise.all(list.slice(i, i + 25).map(open));
}

/** Generates edits ahead of time: each appends a stamped placeholder to the client's text. */
function prepare(perClient: number, text = PLACEHOLDER): void {
  for (const c of clients) {
    let captured: Uint8Array | null = null;
    const onUpdate = (u: Uint8Array): void => {
      captured = u;
    };
    c.doc.on('update', onUpdate);
    const t = c.doc.getText('t');
    for (let i = 0; i < perClient; i++) {
      t.insert(t.length, text);
      const update = captured as Uint8Array | null;
      if (!update) continue;
      const msg = Buffer.from(syncMessage(c.docName, 2, update));
      c.edits.push({ msg, offset: msg.indexOf(PLACEHOLDER, 0, 'latin1') });
    }
    c.doc.off('update', onUpdate);
  }
}

function sendEdit(c: Client, at: number): boolean {
  const edit = c.edits[c.next];
  if (!edit) return false;
  c.next++;
  if (edit.offset >= 0) stamp(edit.msg, edit.offset, c.id % 10_000, at);
  c.ws.send(edit.msg);
  return true;
}

async function run(rate: number, warmupMs: number, measureMs: number): Promise<RunResult> {
  histogram = new Histogram();
  received = 0;
  bytesReceived = 0;
  const start = nowMs();
  measureFrom = start + warmupMs;
  measureTo = start + warmupMs + measureMs;
  let sent = 0;
  let measuredSent = 0;
  let rr = Math.floor(Math.random() * clients.length);
  while (nowMs() < measureTo) {
    const owed = Math.floor(((nowMs() - start) / 1000) * rate) - sent;
    for (let i = 0; i < Math.min(owed, 2000); i++) {
      const c = clients[rr++ % clients.length] as Client;
      const at = nowMs();
      if (!sendEdit(c, at)) continue;
      sent++;
      if (at >= measureFrom) measuredSent++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  // Let the last edits arrive before reporting.
  await new Promise((r) => setTimeout(r, 1500));
  measureFrom = Number.POSITIVE_INFINITY;
  return { sent, measuredSent, received, counts: histogram.counts, bytesReceived };
}

async function content(edits: number, chars: number): Promise<void> {
  const text = 'Nội dung văn bản cuộc họp, dự thảo nghị quyết, ý kiến. '.repeat(4).slice(0, chars);
  for (const c of clients) {
    c.edits = [];
    c.next = 0;
  }
  prepare(edits, text);
  for (let i = 0; i < edits; i += 100) {
    for (const c of clients) for (let k = 0; k < 100; k++) sendEdit(c, nowMs());
    await new Promise((r) => setTimeout(r, 1));
  }
}

process.on('message', (raw: unknown) => {
  const msg = raw as WorkerCommand;
  const done = (result: unknown): void => send({ ok: true, result });
  const fail = (err: unknown): void => send({ ok: false, error: String(err) });
  switch (msg.cmd) {
    case 'connect':
      proto = msg.proto;
      connect(msg.url, msg.clients).then(() => done(null), fail);
      break;
    case 'prepare':
      prepare(msg.perClient, msg.text);
      done(null);
      break;
    case 'run':
      run(msg.rate, msg.warmupMs, msg.measureMs).then(done, fail);
      break;
    case 'content':
      content(msg.edits, msg.chars).then(() => done(null), fail);
      break;
    case 'close':
      for (const c of clients.splice(0)) {
        c.ws.terminate();
        c.doc.destroy();
      }
      done(null);
      break;
  }
});
send({ ready: true });
