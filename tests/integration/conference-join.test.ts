import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceTokenInfo } from '../../server/contracts/conference';
import type { Meeting, MeetingAccessInfo, Site } from '../../server/contracts/meetings';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

// Joining the bridge of a meeting made through the API as the screens make it: sites added
// without naming an operator, run by their unit's site operators; each refusal says its cause.
type ErrorBody = { error: { code: string; message: string } };

let app: TestApp;
let c: DemoClients;
let dir: Directory;

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
}, 60_000);
afterAll(async () => {
  await app.stop();
});

async function addSite(meeting: Meeting, code: string): Promise<Site> {
  const res = await c.secretary.post(`/api/meetings/${meeting.id}/invitations`, {
    kind: 'unit',
    unitId: dir.unitId(code),
    as: 'site',
  });
  expect(res.status).toBe(200);
  const sites = (await c.secretary.get<Site[]>(`/api/meetings/${meeting.id}/sites`)).body;
  return must(sites.find((s) => s.unitId === dir.unitId(code)));
}

async function transition(meeting: Meeting, to: 'live' | 'ended'): Promise<void> {
  const res = await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to });
  expect(res.status).toBe(200);
}

function token(client: ApiClient, meeting: Meeting, body: Record<string, unknown> = {}) {
  return client.post<ConferenceTokenInfo & ErrorBody>(
    `/api/meetings/${meeting.id}/conference/token`,
    body,
  );
}

describe('site operators', () => {
  it("names the unit's site operators as the operators of a site added without one", async () => {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled', delegates: ['daibieu1'] });
    const vinhYen = await addSite(meeting, '243');
    const tamHop = await addSite(meeting, 'VP-249-11');
    expect(vinhYen.operators.map((o) => o.fullName)).toEqual(['Vũ Quang Dũng']);
    expect(vinhYen.operatorName).toBe('Vũ Quang Dũng');
    expect(tamHop.operators.map((o) => o.id)).toEqual([dir.userId('diemcau.tamhop')]);
    // The unit administrator of TP. Vĩnh Yên is no site operator: not named.
    expect(vinhYen.operators.map((o) => o.id)).not.toContain(dir.userId('quantri.vinhyen'));
    const access = await c.opVinhYen.get<MeetingAccessInfo>(`/api/meetings/${meeting.id}/access`);
    expect(access.body.operatedSiteIds).toEqual([vinhYen.id]);

    await transition(meeting, 'live');
    const joined = await token(c.opVinhYen, meeting);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ identity: 'site:243', role: 'site' });
  });

  it('lets the sites list change who operates a site, and the bridge follows', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'live', delegates: ['daibieu1'] });
    const site = await addSite(meeting, 'VP-249-11');
    const patch = (body: Record<string, unknown>) =>
      c.secretary.patch<Site & ErrorBody>(`/api/meetings/${meeting.id}/sites/${site.id}`, body);

    const cleared = await patch({ operatorIds: [] });
    expect(cleared.status).toBe(200);
    expect(cleared.body.operators).toEqual([]);
    const refused = await token(c.opTamHop, meeting);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('not_site_operator');

    const two = await patch({
      operatorIds: [dir.userId('diemcau.tamhop'), dir.userId('diemcau.vinhyen')],
    });
    expect(two.status).toBe(200);
    expect(two.body.operators.map((o) => o.fullName)).toEqual(['Đỗ Thị Hạnh', 'Vũ Quang Dũng']);
    expect((await token(c.opTamHop, meeting)).body.identity).toBe('site:VP-249-11');
    expect((await token(c.opVinhYen, meeting)).body.identity).toBe('site:VP-249-11');

    const unknown = await patch({ operatorIds: ['0123456789abcdef01234567'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('body.operatorIds.0');
    const byDelegate = await c.d1.patch(`/api/meetings/${meeting.id}/sites/${site.id}`, {
      operatorIds: [dir.userId('daibieu1')],
    });
    expect(byDelegate.status).toBe(403);
    const after = (await c.secretary.get<Site[]>(`/api/meetings/${meeting.id}/sites`)).body;
    expect(must(after[0]).operators).toHaveLength(2);
  });
});

describe('bridge refusals', () => {
  it('says the meeting has not started yet', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'scheduled', delegates: [] });
    await addSite(meeting, '243');
    const res = await token(c.opVinhYen, meeting);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('meeting_not_started');
  });

  it('says the meeting is over once it ended', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'live', delegates: [] });
    await addSite(meeting, '243');
    await transition(meeting, 'ended');
    const res = await token(c.opVinhYen, meeting);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('meeting_over');
  });

  it('says the bridge was ended by the chair while the meeting goes on', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'live', delegates: [] });
    await addSite(meeting, '243');
    expect((await c.chair.post(`/api/meetings/${meeting.id}/conference/end`)).status).toBe(200);
    const res = await token(c.opVinhYen, meeting);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conference_ended');
  });

  it('says the caller operates no site of the meeting', async () => {
    const meeting = await buildMeeting(c, dir, { state: 'live', delegates: [] });
    const site = await addSite(meeting, '243');
    const outsider = await token(c.opTamHop, meeting);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('not_site_operator');
    expect(outsider.body.error.message).toContain('not an operator of any site');
    const otherSite = await token(c.opTamHop, meeting, { siteId: site.id });
    expect(otherSite.status).toBe(403);
    expect(otherSite.body.error.code).toBe('not_site_operator');
  });

  it('keeps a confidential meeting hidden from whoever takes no part', async () => {
    const meeting = await buildMeeting(c, dir, {
      state: 'live',
      delegates: [],
      overrides: { visibility: 'confidential' },
    });
    expect((await token(c.opTamHop, meeting)).status).toBe(404);
  });
});

describe('the hub', () => {
  it("lets the chair join as the host unit's hub, on air from the start", async () => {
    const meeting = await buildMeeting(c, dir, { state: 'live', delegates: ['daibieu1'] });
    const hub = await token(c.chair, meeting, { as: 'hub' });
    expect(hub.status).toBe(200);
    expect(hub.body).toMatchObject({ role: 'hub', canPublish: true });
    expect(hub.body.identity).toMatch(/^site:/);
    const byDelegate = await token(c.d1, meeting, { as: 'hub' });
    expect(byDelegate.status).toBe(403);
  });
});
