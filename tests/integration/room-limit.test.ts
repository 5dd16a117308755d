import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/contracts/audit';
import type { Page } from '../../server/contracts/common';
import type { ConferenceTokenInfo } from '../../server/contracts/conference';
import type { LiveEvent } from '../../server/contracts/live';
import type { Meeting } from '../../server/contracts/meetings';
import { parseConfig, ConfigError } from '../../server/config';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { SseClient } from '../support/sse-client';
import { startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let streams: SseClient[] = [];

beforeAll(async () => {
  app = await startTestApp({ CONFERENCE_MAX_PARTICIPANTS: '2' });
  c = await demoClients(app.url);
  dir = await directory(c.admin);
});
afterEach(async () => {
  await Promise.all(streams.map((s) => s.close()));
  streams = [];
});
afterAll(async () => {
  await app.stop();
});

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

async function liveMeetingWithCommune(): Promise<Meeting> {
  const m = await buildMeeting(c, dir, { state: 'scheduled' });
  const inv = await c.secretary.post(`/api/meetings/${m.id}/invitations`, {
    kind: 'unit',
    unitId: dir.unitId('VP-249-11'),
    as: 'site',
    operatorId: dir.userId('diemcau.tamhop'),
  });
  expect(inv.status).toBe(200);
  expect((await c.secretary.post(`/api/meetings/${m.id}/transitions`, { to: 'live' })).status).toBe(
    200,
  );
  return m;
}

const token = (client: ApiClient, m: Meeting) =>
  client.post<ConferenceTokenInfo & ErrorBody>(`/api/meetings/${m.id}/conference/token`, {});

describe('room limit (CONFERENCE_MAX_PARTICIPANTS=2)', () => {
  it('refuses the site beyond the limit with room_full, saying why', async () => {
    const m = await liveMeetingWithCommune();
    expect((await token(c.chair, m)).status).toBe(200);
    expect((await token(c.d1, m)).status).toBe(200);
    const refused = await token(c.opTamHop, m);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('room_full');
    expect(refused.body.error.message).toContain('at most 2');
    expect(refused.body.error.details).toMatchObject({ limit: 2, connected: 2 });
  });

  it('lets someone already counted back in (a reconnecting participant)', async () => {
    const m = await liveMeetingWithCommune();
    expect((await token(c.chair, m)).status).toBe(200);
    expect((await token(c.d1, m)).status).toBe(200);
    expect((await token(c.d1, m)).status).toBe(200);
    expect((await token(c.d2, m)).status).toBe(409);
  });

  it('tells the chair on the live stream and records the refusal in the audit chain', async () => {
    const m = await liveMeetingWithCommune();
    const sse = await SseClient.connect(
      `${app.url}${await c.chair.ticketed(`/api/meetings/${m.id}/live`, 'live')}`,
    );
    streams.push(sse);
    await sse.next((e) => e.event === 'ready', 'the ready event', 10_000);
    await token(c.chair, m);
    await token(c.d1, m);
    expect((await token(c.opTamHop, m)).status).toBe(409);
    const notice = await sse.next(
      (e) =>
        e.event === 'message' && (JSON.parse(e.data) as LiveEvent).type === 'conference.refused',
      'the refusal notice',
    );
    expect(JSON.parse(notice.data)).toMatchObject({
      data: { identity: 'site:VP-249-11', limit: 2 },
    });
    const audit = await c.chair.get<Page<AuditEntry>>(`/api/meetings/${m.id}/audit?pageSize=500`);
    expect(audit.body.items.find((e) => e.action === 'conference.join_refused')).toMatchObject({
      actor: { id: dir.userId('diemcau.tamhop') },
      target: { kind: 'conference_participant', id: 'site:VP-249-11' },
      after: { reason: 'room_full', limit: 2 },
    });
  });

  it('rejects an invalid CONFERENCE_MAX_PARTICIPANTS at start, naming it', () => {
    expect(() => parseConfig({ CONFERENCE_MAX_PARTICIPANTS: 'many' })).toThrow(ConfigError);
    expect(() => parseConfig({ CONFERENCE_MAX_PARTICIPANTS: '1' })).toThrow(
      /CONFERENCE_MAX_PARTICIPANTS/,
    );
    expect(parseConfig({}).conferenceMaxParticipants).toBe(100);
  });
});
