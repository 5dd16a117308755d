import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkHash } from '../../server/audit/audit-chain';
import type { AuditLink } from '../../server/audit/audit-chain';
import { auditService } from '../../server/audit/audit.service';
import type { AuditEntry, AuditVerification } from '../../server/contracts/audit';
import type { Page } from '../../server/contracts/common';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';
import { must } from '../support/must';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let db: MongoClient;

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  db = new MongoClient(app.mongoUri);
  await db.connect();
});
afterAll(async () => {
  await db.close();
  await app.stop();
});

const entries = () => db.db().collection('audit_entries');
const verify = (meetingId: string) =>
  c.secretary.get<AuditVerification>(`/api/meetings/${meetingId}/audit/verify`);

describe('the audit chain', () => {
  it('records every change with who, what, when and a before/after summary', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1'], state: 'live' });
    await c.secretary.patch(`/api/meetings/${m.id}`, { place: 'Phòng 9' });
    // The conference room opens in the background when the meeting goes live; its entry may
    // land before or after the update: wait for it so that the chain is complete.
    const res = await waitFor(async () => {
      const r = await c.secretary.get<Page<AuditEntry>>(`/api/meetings/${m.id}/audit`);
      return r.body.items.some((e) => e.action === 'conference.room_opened') ? r : undefined;
    }, 'the conference room entry');
    expect(res.status).toBe(200);
    const records = res.body.items.filter((e) => !e.action.startsWith('conference.'));
    const actions = records.map((e) => e.action);
    expect(actions).toEqual([
      'meeting.created',
      'participants.invited',
      'meeting.transition',
      'meeting.transition',
      'meeting.updated',
    ]);
    const transition = must(records[3]);
    expect(transition).toMatchObject({
      seq: 4,
      actor: { kind: 'user', id: dir.userId('thuky'), name: 'Phạm Thu Hà' },
      before: { state: 'scheduled' },
      after: { state: 'live' },
    });
    expect(records[4]).toMatchObject({ before: { place: '' }, after: { place: 'Phòng 9' } });
    expect(res.body.items.every((e, i) => e.seq === i + 1)).toBe(true);
    expect(must(res.body.items[1]).prevHash).toBe(must(res.body.items[0]).hash);
    expect((await verify(m.id)).body).toMatchObject({
      ok: true,
      entries: 6,
      head: must(res.body.items[5]).hash,
      firstBroken: null,
    });
  });

  it('is readable only by the meeting’s managers', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1'] });
    expect((await c.d1.get(`/api/meetings/${m.id}/audit`)).status).toBe(403);
    expect((await c.d1.get(`/api/meetings/${m.id}/audit/verify`)).status).toBe(403);
    expect((await c.chair.get(`/api/meetings/${m.id}/audit/verify`)).status).toBe(200);
    expect((await c.secretary.get(`/api/meetings/${m.id}/audit?pageSize=0`)).status).toBe(400);
  });

  it('names the first broken link when a stored entry is modified', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1'], state: 'ended' });
    const mid = new ObjectId(m.id);
    // Someone with database access rewrites history: the meeting "was cancelled", not ended.
    const target = await entries().findOne({ meetingId: mid, seq: 4 });
    expect(target?.action).toBe('meeting.transition');
    await entries().updateOne(
      { _id: must(target)._id },
      { $set: { after: '{"state":"cancelled"}' } },
    );
    const broken = (await verify(m.id)).body;
    expect(broken).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'hash_mismatch' } });
    expect(broken.firstBroken?.message).toContain('Entry 4');
    // Restoring the content heals it; deleting an entry is found too.
    await entries().updateOne(
      { _id: must(target)._id },
      { $set: { after: must(target).after as string } },
    );
    expect((await verify(m.id)).body.ok).toBe(true);
    await entries().deleteOne({ meetingId: mid, seq: 2 });
    expect((await verify(m.id)).body.firstBroken).toMatchObject({
      seq: 2,
      reason: 'missing_entry',
    });
  });

  it('finds a modified entry even when its hash was recomputed', async () => {
    const m = await buildMeeting(c, dir, { delegates: [], state: 'live' });
    const mid = new ObjectId(m.id);
    const raw = await entries().findOne({ meetingId: mid, seq: 2 });
    const forged: AuditLink = {
      meetingId: m.id,
      seq: 2,
      at: (must(raw).at as Date).toISOString(),
      actor: must(raw).actor as AuditLink['actor'],
      action: 'meeting.transition',
      target: must(raw).target as AuditLink['target'],
      before: '{"state":"draft"}',
      after: '{"state":"cancelled"}',
      prevHash: must(raw).prevHash as string,
    };
    await entries().updateOne(
      { _id: must(raw)._id },
      { $set: { before: forged.before, after: forged.after, hash: linkHash(forged) } },
    );
    // Entry 2 is self-consistent now, but entry 3 still points at the original.
    const res = (await verify(m.id)).body;
    expect(res).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'prev_hash_mismatch' } });
  });

  it('never forks under concurrent appends', async () => {
    const m = await buildMeeting(c, dir, { delegates: [] });
    const before = (await verify(m.id)).body.entries;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        auditService.append({
          meetingId: m.id,
          actor: null,
          action: 'test.concurrent',
          target: { kind: 'test', id: String(i) },
          after: { i },
        }),
      ),
    );
    const result = (await verify(m.id)).body;
    expect(result).toMatchObject({ ok: true, entries: before + 40 });
    const seqs = (
      await entries()
        .find({ meetingId: new ObjectId(m.id) })
        .sort({ seq: 1 })
        .toArray()
    ).map((e) => e.seq as number);
    expect(seqs).toEqual(Array.from({ length: before + 40 }, (_, i) => i + 1));
  });
});
