import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../server/contracts/common';
import type { Meeting } from '../../server/contracts/meetings';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

let app: TestApp;
let c: DemoClients;
let dir: Directory;

beforeAll(async () => {
  app = await startTestApp({ SEED_DEMO_MEETINGS: 'true' });
  c = await demoClients(app.url);
  dir = await directory(c.admin);
});
afterAll(async () => {
  await app.stop();
});

async function listAll(client: ApiClient, query = ''): Promise<Meeting[]> {
  const res = await client.get<Page<Meeting>>(`/api/meetings?pageSize=100${query}`);
  expect(res.status).toBe(200);
  return res.body.items;
}

describe("the caller's roles in each meeting (ways into the live screens)", () => {
  it('names the meeting role, the site operated and the host administration', async () => {
    const live = (await listAll(c.chair, '&status=live'))[0];
    if (!live) throw new Error('the demo seed has a live meeting');
    const rolesOf = async (client: ApiClient) =>
      (await client.get<Meeting>(`/api/meetings/${live.id}`)).body.myRoles;
    expect(live.myRoles).toEqual(['chair']);
    expect(await rolesOf(c.secretary)).toEqual(['secretary']);
    expect(await rolesOf(c.d1)).toEqual(['delegate']);
    expect(await rolesOf(c.opTamHop)).toEqual(['site_operator']);
    expect(await rolesOf(c.admin)).toEqual(['host_admin']);
  });

  it('gives the same roles in the list as on the meeting', async () => {
    for (const client of [c.d1, c.opVinhYen]) {
      for (const m of await listAll(client)) {
        const one = await client.get<Meeting>(`/api/meetings/${m.id}`);
        expect(one.body.myRoles).toEqual(m.myRoles);
      }
    }
  });
});

describe('lists show only what the user may open', () => {
  it('every meeting a demo account lists opens for it', async () => {
    const clients = [
      c.admin,
      c.chair,
      c.secretary,
      c.d1,
      c.d2,
      c.d3,
      c.opVinhYen,
      c.opTamHop,
      c.unitAdmin,
    ];
    for (const client of clients) {
      for (const m of await listAll(client)) {
        expect((await client.get(`/api/meetings/${m.id}`)).status, m.title).toBe(200);
      }
    }
  });

  it("a confidential meeting with a commune as a bridge point stays out of the commune operator's list and calendar until the operator runs the site", async () => {
    const m = await buildMeeting(c, dir, {
      state: 'scheduled',
      delegates: ['daibieu3'],
      overrides: { visibility: 'confidential' },
    });
    const invited = await c.secretary.post<{ sitesAdded: number }>(
      `/api/meetings/${m.id}/invitations`,
      { kind: 'unit', unitId: dir.unitId('VP-249-11') },
    );
    expect(invited.status).toBe(200);
    const range = `&from=${encodeURIComponent(m.startsAt)}&to=${encodeURIComponent(m.endsAt)}`;
    const site = (
      await c.secretary.get<{ id: string; operatorId: string | null }[]>(
        `/api/meetings/${m.id}/sites`,
      )
    ).body[0];
    if (!site) throw new Error('the site was added');
    const opens = (await c.opTamHop.get(`/api/meetings/${m.id}`)).status;
    const listed = (await listAll(c.opTamHop)).some((x) => x.id === m.id);
    const inCalendar = (await listAll(c.opTamHop, range)).some((x) => x.id === m.id);
    // Listed exactly when it opens: whether the operator runs the new site by default or not.
    expect(listed).toBe(opens === 200);
    expect(inCalendar).toBe(opens === 200);
    if (opens !== 200) expect(opens).toBe(404);
    expect((await listAll(c.d3)).some((x) => x.id === m.id)).toBe(true);
    expect((await listAll(c.d1)).some((x) => x.id === m.id)).toBe(false);
    expect((await c.d1.get(`/api/meetings/${m.id}`)).status).toBe(404);
  });
});
