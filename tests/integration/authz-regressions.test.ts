import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from '../../server/contracts/agenda';
import type { ApiErrorBody } from '../../server/contracts/errors';
import type { Meeting } from '../../server/contracts/meetings';
import type { User } from '../../server/contracts/users';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { must } from '../support/must';
import { buildMeeting, demoClients, directory, moveTo } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { loginAs, startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

// Issue 12, points 2-4: a change is checked with the same authority as creation; nobody acts
// on an account above their own role; access is checked before any state is read.
let app: TestApp;
let c: DemoClients;
let dir: Directory;
/** A unit administrator of the province (the unit of the demo system administrator). */
let provinceAdmin: ApiClient;

async function account(username: string, unit: string, roles: string[]): Promise<User> {
  const res = await c.admin.post<User>('/api/users', {
    username,
    fullName: `Tài khoản ${username}`,
    unitId: dir.unitId(unit),
    roles,
    password: DEMO_PASSWORD,
  });
  if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  await account('quantri.tinh', '26', ['unit_admin', 'member']);
  provinceAdmin = must(await loginAs(app.url, 'quantri.tinh'));
}, 60_000);
afterAll(async () => {
  await app.stop();
});

describe('changing a meeting’s host unit (point 2)', () => {
  it('refuses a secretary who names a unit she may not organise for, as creation does', async () => {
    const m = await buildMeeting(c, dir);
    const vinhYen = dir.unitId('243');
    const created = await c.secretary.post('/api/meetings', {
      ...(await c.secretary.get<Meeting>(`/api/meetings/${m.id}`)).body,
      hostUnitId: vinhYen,
    });
    expect(created.status).toBe(403);
    const changed = await c.secretary.patch<ApiErrorBody>(`/api/meetings/${m.id}`, {
      hostUnitId: vinhYen,
    });
    expect(changed.status).toBe(403);
    expect(changed.body.error.code).toBe('forbidden');
    const after = await c.secretary.get<Meeting>(`/api/meetings/${m.id}`);
    expect(after.body.hostUnitId).toBe(dir.unitId('26'));
  });

  it('gives that unit’s administrator no host rights after the refused change', async () => {
    const m = await buildMeeting(c, dir);
    await c.secretary.patch(`/api/meetings/${m.id}`, { hostUnitId: dir.unitId('243') });
    const access = await c.unitAdmin.get<{ hostAdmin: boolean; canManage: boolean }>(
      `/api/meetings/${m.id}/access`,
    );
    expect(access.body).toMatchObject({ hostAdmin: false, canManage: false });
    expect((await c.unitAdmin.patch(`/api/meetings/${m.id}`, { place: 'Vĩnh Yên' })).status).toBe(
      403,
    );
  });

  it('lets a system administrator move the host, as they may create meetings anywhere', async () => {
    const m = await buildMeeting(c, dir);
    const moved = await c.admin.patch<Meeting>(`/api/meetings/${m.id}`, {
      hostUnitId: dir.unitId('243'),
    });
    expect(moved.status).toBe(200);
    expect(moved.body.hostUnitId).toBe(dir.unitId('243'));
  });

  it('refuses an inactive chair on change as on creation', async () => {
    const m = await buildMeeting(c, dir);
    const gone = await account('chutich.cu', '26', ['member']);
    expect((await c.admin.post(`/api/users/${gone.id}/deactivate`)).status).toBe(200);
    const changed = await c.secretary.patch<ApiErrorBody>(`/api/meetings/${m.id}`, {
      chairId: gone.id,
    });
    expect(changed.status).toBe(400);
    expect((await c.secretary.get<Meeting>(`/api/meetings/${m.id}`)).body.chairId).toBe(
      dir.userId('chutich'),
    );
  });
});

describe('accounts above one’s own role (point 3)', () => {
  let sysAdmin: User;
  beforeAll(async () => {
    sysAdmin = await account('quantri.hethong2', '26', ['system_admin', 'member']);
  });

  it('a unit administrator cannot reset the password of a system administrator in its unit', async () => {
    const res = await provinceAdmin.post<ApiErrorBody>(`/api/users/${sysAdmin.id}/password`, {
      password: 'chiem-quyen-2026',
    });
    expect(res.status).toBe(403);
    expect(must(await loginAs(app.url, 'quantri.hethong2')).token).toBeTruthy();
  });

  it('a unit administrator cannot deactivate a system administrator in its unit', async () => {
    expect((await provinceAdmin.post(`/api/users/${sysAdmin.id}/deactivate`)).status).toBe(403);
    expect((await c.admin.get<User>(`/api/users/${sysAdmin.id}`)).body.active).toBe(true);
  });

  it('a unit administrator cannot demote or rename a system administrator in its unit', async () => {
    const demote = await provinceAdmin.patch(`/api/users/${sysAdmin.id}`, { roles: ['member'] });
    expect(demote.status).toBe(403);
    const rename = await provinceAdmin.patch(`/api/users/${sysAdmin.id}`, { fullName: 'Khác' });
    expect(rename.status).toBe(403);
    expect((await c.admin.get<User>(`/api/users/${sysAdmin.id}`)).body).toMatchObject({
      roles: ['system_admin', 'member'],
      fullName: 'Tài khoản quantri.hethong2',
    });
  });

  it('a unit administrator grants no role above its own, and still manages members', async () => {
    const member = await account('chuyenvien.tinh', '26', ['member']);
    const promote = await provinceAdmin.patch(`/api/users/${member.id}`, {
      roles: ['system_admin', 'member'],
    });
    expect(promote.status).toBe(403);
    const reset = await provinceAdmin.post(`/api/users/${member.id}/password`, {
      password: 'mat-khau-moi-2026',
    });
    expect(reset.status).toBe(204);
  });
});

describe('access before state (point 4)', () => {
  it('an outsider deleting the item under discussion of a confidential meeting gets 404, not 409', async () => {
    const m = await buildMeeting(c, dir, {
      delegates: ['daibieu1'],
      overrides: { visibility: 'confidential' },
    });
    const added = await c.secretary.post<Agenda>(`/api/meetings/${m.id}/agenda`, {
      title: 'Mục bí mật',
    });
    const itemId = must(added.body.items[0]).id;
    await moveTo(c.secretary, m.id, 'live');
    expect((await c.chair.put(`/api/meetings/${m.id}/agenda/current`, { itemId })).status).toBe(
      200,
    );
    const outsider = await c.d2.delete<ApiErrorBody>(`/api/meetings/${m.id}/agenda/${itemId}`);
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.message).not.toMatch(/discussion/);
    expect((await c.d1.delete(`/api/meetings/${m.id}/agenda/${itemId}`)).status).toBe(403);
    expect((await c.secretary.delete(`/api/meetings/${m.id}/agenda/${itemId}`)).status).toBe(409);
  });

  it('an outsider sending a bad body to a confidential meeting gets 404, not a 400', async () => {
    const m = await buildMeeting(c, dir, {
      delegates: ['daibieu1'],
      overrides: { visibility: 'confidential' },
    });
    expect((await c.d2.patch(`/api/meetings/${m.id}`, { title: '' })).status).toBe(404);
    expect((await c.d2.post(`/api/meetings/${m.id}/agenda`, { title: '' })).status).toBe(404);
  });
});
