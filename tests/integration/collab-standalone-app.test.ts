import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CollabCloseCode } from '../../collab/contracts/close-codes';
import { formatDocName } from '../../collab/contracts/doc-names';
import { createMongoPersistence } from '../../collab/mongo-persistence';
import { freeTcpPort } from '../../infra/local/ports';
import type { Draft } from '../../server/contracts/collab';
import type { Meeting } from '../../server/contracts/meetings';
import { connectClient, text } from '../support/collab';
import type { TestClient } from '../support/collab';
import { must } from '../support/must';
import { spawnTs } from '../support/processes';
import type { TestProcess } from '../support/processes';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';

// collab/main.ts run as its own process against the real API: it asks the app's
// POST /api/collab/authorize with the user's own access token, and stores into the app's
// database, so the app reads what was edited there.

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let meeting: Meeting;
let draft: Draft;
let proc: TestProcess;
let url: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  meeting = await buildMeeting(c, dir, { state: 'scheduled' });
  const created = await c.secretary.post<Draft>(`/api/meetings/${meeting.id}/drafts`, {
    title: 'Dự thảo nghị quyết (máy chủ soạn chung riêng)',
  });
  expect(created.status).toBe(201);
  draft = created.body;
  const port = await freeTcpPort();
  proc = spawnTs('collab/main.ts', {
    PORT: String(port),
    MONGODB_URI: app.mongoUri,
    API_URL: app.url,
    LOG_LEVEL: 'warn',
  });
  await proc.waitForOutput(/collab listening on/);
  url = `ws://127.0.0.1:${port}/collab`;
}, 120_000);

afterAll(async () => {
  for (const cl of clients) cl.destroy();
  await proc.stop();
  await app.stop();
});

function client(docName: string, token: string): TestClient {
  const cl = connectClient(url, docName, token);
  clients.push(cl);
  return cl;
}

describe('the standalone collab process with the real API', () => {
  it("lets participants co-edit by the meeting's roles and refuses everyone else", async () => {
    const name = formatDocName({ kind: 'draft', meetingId: meeting.id, draftId: draft.id });
    const delegate = client(name, must(c.d1.token));
    const chair = client(name, must(c.chair.token));
    await Promise.all([delegate.synced(30_000), chair.synced(30_000)]);
    delegate.doc.getText('t').insert(0, 'Điều 1. Thông qua kế hoạch.');
    await waitFor(() => text(chair.doc) === 'Điều 1. Thông qua kế hoạch.', 'the chair receives');

    // Not a participant of the meeting (a commune's bridge operator, not invited): refused.
    expect(await client(name, must(c.opTamHop.token)).closed()).toBe(CollabCloseCode.FORBIDDEN);
    expect(await client(name, 'not-a-token').closed()).toBe(CollabCloseCode.UNAUTHENTICATED);
    // Another user's private notes: refused even to the chair.
    const notes = formatDocName({
      kind: 'notes',
      meetingId: meeting.id,
      userId: dir.userId('daibieu1'),
      documentId: draft.id,
    });
    expect(await client(notes, must(c.chair.token)).closed()).toBe(CollabCloseCode.FORBIDDEN);

    // Stored in the app's database before anyone saw it: the app's persistence reads it back.
    const conn = await mongoose.createConnection(app.mongoUri).asPromise();
    try {
      const stored = new Y.Doc();
      for (const u of (await createMongoPersistence(conn).load(name)).updates) {
        Y.applyUpdate(stored, u);
      }
      expect(text(stored)).toBe('Điều 1. Thông qua kế hoạch.');
    } finally {
      await conn.close();
    }
  }, 90_000);
});
