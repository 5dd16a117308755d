import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../server/contracts/common';
import type { ApiErrorBody } from '../../server/contracts/errors';
import type { Unit, UnitTreeNode } from '../../server/contracts/units';
import type { User } from '../../server/contracts/users';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { ApiClient, loginAs, startTestApp } from '../support/stack';
import type { ApiClient as Client, TestApp } from '../support/stack';

function issuePaths(body: ApiErrorBody): string[] {
  return ((body.error.details as { issues?: { path: string }[] } | undefined)?.issues ?? []).map(
    (i) => i.path,
  );
}

describe('units and users', () => {
  let app: TestApp;
  let admin: Client;
  let member: Client;
  let province: Unit;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await loginAs(app.url, 'admin');
    member = await loginAs(app.url, 'daibieu1');
    const res = await admin.get<Page<Unit>>('/api/units?level=province');
    province = res.body.items[0] as Unit;
  });
  afterAll(async () => {
    await app.stop();
  });

  it('seeds Vĩnh Phúc with 9 district-level units and 137 communes, samples marked', async () => {
    const districts = await member.get<Page<Unit>>('/api/units?level=district&pageSize=50');
    expect(districts.body.total).toBe(9);
    expect(districts.body.items.map((d) => d.shortName)).toEqual(
      expect.arrayContaining(['TP. Vĩnh Yên', 'TP. Phúc Yên', 'H. Bình Xuyên', 'H. Sông Lô']),
    );
    const communes = await member.get<Page<Unit>>('/api/units?level=commune&pageSize=200');
    expect(communes.body.total).toBe(137);
    const samples = communes.body.items.filter((c) => c.isSample);
    expect(samples.every((c) => c.name.includes('dữ liệu mẫu'))).toBe(true);
    expect(communes.body.items.every((c) => c.name === c.name.normalize('NFC'))).toBe(true);
  });

  it('searches units without accents and lists a subtree', async () => {
    const res = await member.get<Page<Unit>>('/api/units?q=tam%20hop');
    expect(res.body.items.map((u) => u.shortName)).toContain('Xã Tam Hợp');
    const vinhYen = (await member.get<Page<Unit>>('/api/units?q=vinh%20yen&level=district')).body
      .items[0];
    const under = await member.get<Page<Unit>>(`/api/units?under=${vinhYen?.id}&pageSize=100`);
    expect(under.body.items.length).toBeGreaterThanOrEqual(9);
    expect(under.body.items.every((u) => u.ancestorIds.includes(vinhYen?.id ?? ''))).toBe(true);
  });

  it('returns the tree with the province at the root', async () => {
    const tree = await member.get<UnitTreeNode[]>('/api/units/tree');
    expect(tree.status).toBe(200);
    expect(tree.body).toHaveLength(1);
    expect(tree.body[0]?.children.filter((c) => c.level === 'district')).toHaveLength(9);
  });

  it('supports the two-level tree (communes directly under a province) and checks parent levels', async () => {
    const newProvince = await admin.post<Unit>('/api/units', {
      code: '25',
      name: 'Ủy ban nhân dân tỉnh Phú Thọ',
      level: 'province',
    });
    expect(newProvince.status).toBe(201);
    const commune = await admin.post<Unit>('/api/units', {
      code: 'PT-XA-01',
      name: 'Ủy ban nhân dân xã Tam Dương',
      level: 'commune',
      parentId: newProvince.body.id,
    });
    expect(commune.status).toBe(201);
    expect(commune.body.ancestorIds).toEqual([newProvince.body.id]);
    const bad = await admin.post<ApiErrorBody>('/api/units', {
      code: 'BAD-1',
      name: 'Huyện sai',
      level: 'district',
      parentId: commune.body.id,
    });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad.body)).toContain('body.parentId');
    const dup = await admin.post<ApiErrorBody>('/api/units', {
      code: '25',
      name: 'Trùng mã',
      level: 'province',
    });
    expect(dup.status).toBe(409);
  });

  it('stores names in NFC whatever the input normalization', async () => {
    const decomposed = 'Xã Hòa Bình'.normalize('NFD');
    const res = await admin.post<Unit>('/api/units', {
      code: 'NFC-1',
      name: decomposed,
      level: 'commune',
      parentId: province.id,
    });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Xã Hòa Bình'.normalize('NFC'));
  });

  it('merges a unit: ends it with a successor; its children must be moved first', async () => {
    const a = await admin.post<Unit>('/api/units', {
      code: 'MERGE-D',
      name: 'Huyện thử nghiệm',
      level: 'district',
      parentId: province.id,
    });
    const c = await admin.post<Unit>('/api/units', {
      code: 'MERGE-C',
      name: 'Xã thử nghiệm',
      level: 'commune',
      parentId: a.body.id,
    });
    const blocked = await admin.post<ApiErrorBody>(`/api/units/${a.body.id}/deactivate`, {});
    expect(blocked.status).toBe(409);
    const moved = await admin.patch<Unit>(`/api/units/${c.body.id}`, { parentId: province.id });
    expect(moved.status).toBe(200);
    expect(moved.body.ancestorIds).toEqual([province.id]);
    const ended = await admin.post<Unit>(`/api/units/${a.body.id}/deactivate`, {
      replacedById: province.id,
    });
    expect(ended.status).toBe(200);
    expect(ended.body.active).toBe(false);
    expect(ended.body.replacedById).toBe(province.id);
    const listed = await member.get<Page<Unit>>('/api/units?q=huyen%20thu%20nghiem');
    expect(listed.body.total).toBe(0);
    const withInactive = await member.get<Page<Unit>>(
      '/api/units?q=huyen%20thu%20nghiem&includeInactive=true',
    );
    expect(withInactive.body.total).toBe(1);
  });

  it('moves a subtree and rewrites the paths below it', async () => {
    const d = await admin.post<Unit>('/api/units', {
      code: 'MOVE-D',
      name: 'Huyện di chuyển',
      level: 'district',
      parentId: province.id,
    });
    const c = await admin.post<Unit>('/api/units', {
      code: 'MOVE-C',
      name: 'Xã di chuyển',
      level: 'commune',
      parentId: d.body.id,
    });
    const p2 = await admin.post<Unit>('/api/units', {
      code: '99',
      name: 'Ủy ban nhân dân tỉnh thử',
      level: 'province',
    });
    expect((await admin.patch(`/api/units/${d.body.id}`, { parentId: p2.body.id })).status).toBe(
      200,
    );
    const child = await admin.get<Unit>(`/api/units/${c.body.id}`);
    expect(child.body.ancestorIds).toEqual([p2.body.id, d.body.id]);
    const loop = await admin.patch<ApiErrorBody>(`/api/units/${p2.body.id}`, {
      parentId: c.body.id,
    });
    expect(loop.status).toBe(400);
  });

  it('lets only administrators change units, unit admins only below their unit', async () => {
    expect(
      (
        await member.post('/api/units', {
          code: 'X-1',
          name: 'Không được',
          level: 'commune',
          parentId: province.id,
        })
      ).status,
    ).toBe(403);
    const unitAdmin = await loginAs(app.url, 'quantri.vinhyen');
    const vinhYen = (await member.get<Page<Unit>>('/api/units?q=243')).body.items.find(
      (u) => u.code === '243',
    );
    const inside = await unitAdmin.post<Unit>('/api/units', {
      code: 'VY-NEW',
      name: 'Phường Mới',
      level: 'commune',
      parentId: vinhYen?.id,
    });
    expect(inside.status).toBe(201);
    const outside = await unitAdmin.post('/api/units', {
      code: 'VY-OUT',
      name: 'Ngoài phạm vi',
      level: 'commune',
      parentId: province.id,
    });
    expect(outside.status).toBe(403);
    expect(
      (await unitAdmin.patch(`/api/units/${vinhYen?.id}`, { name: 'Đổi tên chính mình' })).status,
    ).toBe(403);
  });

  it('searches the directory without accents and paginates', async () => {
    const res = await member.get<Page<User>>('/api/users?q=nguyen%20van%20an');
    expect(res.body.items.map((u) => u.username)).toEqual(['daibieu1']);
    const page1 = await member.get<Page<User>>('/api/users?pageSize=3&page=1');
    const page2 = await member.get<Page<User>>('/api/users?pageSize=3&page=2');
    expect(page1.body.items).toHaveLength(3);
    expect(page1.body.total).toBeGreaterThanOrEqual(9);
    expect(page2.body.items[0]?.id).not.toBe(page1.body.items[0]?.id);
    const badPage = await member.get<ApiErrorBody>('/api/users?page=0&pageSize=1000');
    expect(badPage.status).toBe(400);
    expect(issuePaths(badPage.body)).toEqual(
      expect.arrayContaining(['query.page', 'query.pageSize']),
    );
  });

  it('creates, updates, deactivates and reactivates an account, and resets its password', async () => {
    const created = await admin.post<User>('/api/users', {
      username: 'Can.Bo.Moi',
      fullName: 'Ngô Thị Mới',
      title: 'Chuyên viên',
      unitId: province.id,
      password: 'Mat-khau-2026!',
    });
    expect(created.status).toBe(201);
    expect(created.body.username).toBe('can.bo.moi');
    expect(created.body.roles).toEqual(['member']);
    const anon = new ApiClient(app.url);
    expect(
      (await anon.post('/api/auth/login', { username: 'can.bo.moi', password: 'Mat-khau-2026!' }))
        .status,
    ).toBe(200);
    const dup = await admin.post<ApiErrorBody>('/api/users', {
      username: 'can.bo.moi',
      fullName: 'Trùng',
      unitId: province.id,
      password: 'Mat-khau-2026!',
    });
    expect(dup.status).toBe(409);
    const updated = await admin.patch<User>(`/api/users/${created.body.id}`, {
      title: 'Phó Chánh Văn phòng',
      email: 'moi@vinhphuc.gov.vn',
    });
    expect(updated.body.title).toBe('Phó Chánh Văn phòng');
    expect((await admin.post(`/api/users/${created.body.id}/deactivate`)).status).toBe(200);
    expect((await member.get<Page<User>>('/api/users?q=ngo%20thi%20moi')).body.total).toBe(0);
    expect(
      (await admin.get<Page<User>>('/api/users?q=ngo%20thi%20moi&includeInactive=true')).body.total,
    ).toBe(1);
    expect((await admin.post(`/api/users/${created.body.id}/activate`)).status).toBe(200);
    expect(
      (
        await admin.post(`/api/users/${created.body.id}/password`, {
          password: 'Doi-mat-khau-2026',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await anon.post('/api/auth/login', {
          username: 'can.bo.moi',
          password: 'Doi-mat-khau-2026',
        })
      ).status,
    ).toBe(200);
  });

  it('rejects bad account input with field paths', async () => {
    const res = await admin.post<ApiErrorBody>('/api/users', {
      username: 'x',
      fullName: '',
      unitId: 'nope',
      password: 'short',
      roles: ['king'],
    });
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toEqual(
      expect.arrayContaining([
        'body.username',
        'body.fullName',
        'body.unitId',
        'body.password',
        'body.roles.0',
      ]),
    );
  });

  it('keeps unit admins within their units and away from system roles', async () => {
    const unitAdmin = await loginAs(app.url, 'quantri.vinhyen');
    const inside = await unitAdmin.post<User>('/api/users', {
      username: 'vy.canbo',
      fullName: 'Cán bộ Vĩnh Yên',
      unitId: (await member.get<Page<Unit>>('/api/units?q=243')).body.items.find(
        (u) => u.code === '243',
      )?.id,
      password: DEMO_PASSWORD,
    });
    expect(inside.status).toBe(201);
    const escalate = await unitAdmin.patch(`/api/users/${inside.body.id}`, {
      roles: ['system_admin'],
    });
    expect(escalate.status).toBe(403);
    const outside = await unitAdmin.post('/api/users', {
      username: 'ngoai.pham.vi',
      fullName: 'Ngoài',
      unitId: province.id,
      password: DEMO_PASSWORD,
    });
    expect(outside.status).toBe(403);
    expect(
      (
        await member.post('/api/users', {
          username: 'khong.duoc',
          fullName: 'Không được',
          unitId: province.id,
          password: DEMO_PASSWORD,
        })
      ).status,
    ).toBe(403);
  });

  it('answers 404 for unknown ids and 400 for malformed ones', async () => {
    expect((await member.get('/api/units/0123456789abcdef01234567')).status).toBe(404);
    expect((await member.get<ApiErrorBody>('/api/users/not-an-id')).status).toBe(400);
  });
});
