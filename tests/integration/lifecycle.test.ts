import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attendance } from '../../server/contracts/attendance';
import type { InviteResult, Meeting, Participant, Site } from '../../server/contracts/meetings';
import type { Page } from '../../server/contracts/common';
import type { Unit } from '../../server/contracts/units';
import { buildMeeting, demoClients, directory, meetingInput } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { must } from '../support/must';

let app: TestApp;
let c: DemoClients;
let dir: Directory;

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
});
afterAll(async () => {
  await app.stop();
});

type ErrorBody = {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown> & { issues?: { path: string }[] };
  };
};
const transition = (client = c.secretary, id: string, to: string, reason?: string) =>
  client.post<Meeting>(`/api/meetings/${id}/transitions`, { to, ...(reason ? { reason } : {}) });

describe('the lifecycle state machine', () => {
  it('goes draft → scheduled → live → ended', async () => {
    const m = await buildMeeting(c, dir, { delegates: [] });
    for (const to of ['scheduled', 'live', 'ended']) {
      const res = await transition(c.secretary, m.id, to);
      expect(res.status, to).toBe(200);
      expect(res.body.state).toBe(to);
    }
  });

  it('refuses to mark a meeting "minutes published" by hand: only publishing its minutes does', async () => {
    const m = await buildMeeting(c, dir, { delegates: [], state: 'ended' });
    const res = await transition(c.chair, m.id, 'minutes_published');
    expect(res.status).toBe(409);
    expect((res.body as unknown as ErrorBody).error.code).toBe('minutes_not_published');
    const after = await c.secretary.get<Meeting>(`/api/meetings/${m.id}`);
    expect(after.body.state).toBe('ended');
  });

  it('answers 409 naming the current state and the allowed ones for an illegal move', async () => {
    const m = await buildMeeting(c, dir, { delegates: [], state: 'live' });
    const res = await transition(c.secretary, m.id, 'scheduled');
    expect(res.status).toBe(409);
    const body = res.body as unknown as ErrorBody;
    expect(body.error.code).toBe('invalid_transition');
    expect(body.error.details).toEqual({
      current: 'live',
      requested: 'scheduled',
      allowed: ['ended'],
    });
    expect(body.error.message).toMatch(/live.*ended/);
    const cancel = await transition(c.secretary, m.id, 'cancelled', 'quá muộn');
    expect((cancel.body as unknown as ErrorBody).error.details).toMatchObject({
      current: 'live',
      allowed: ['ended'],
    });
  });

  it('cancels from draft or scheduled with a reason; a cancelled meeting is final', async () => {
    const m = await buildMeeting(c, dir, { delegates: [], state: 'scheduled' });
    const noReason = await transition(c.secretary, m.id, 'cancelled');
    expect(noReason.status).toBe(400);
    const res = await transition(c.secretary, m.id, 'cancelled', 'Hoãn vì bão');
    expect(res.body).toMatchObject({ state: 'cancelled', cancelReason: 'Hoãn vì bão' });
    const after = await transition(c.secretary, m.id, 'scheduled');
    expect((after.body as unknown as ErrorBody).error.details).toMatchObject({
      current: 'cancelled',
      allowed: [],
    });
  });

  it('is moved only by the chair, the secretary or the host unit’s administrator', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1'] });
    expect((await transition(c.d1, m.id, 'scheduled')).status).toBe(403);
    expect((await transition(c.chair, m.id, 'scheduled')).status).toBe(200);
    const local = await c.unitAdmin.post<Meeting>(
      '/api/meetings',
      meetingInput(dir, {
        hostUnitId: dir.unitId('243'),
        chairId: dir.userId('diemcau.vinhyen'),
        secretaryId: null,
      }),
    );
    expect(local.status).toBe(201);
    expect((await transition(c.unitAdmin, local.body.id, 'scheduled')).status).toBe(200);
    // The unit admin of TP. Vĩnh Yên administers nothing at the province.
    expect((await transition(c.unitAdmin, m.id, 'live')).status).toBe(403);
  });

  it('lets exactly one of ten concurrent identical moves win; the others see the new state', async () => {
    const m = await buildMeeting(c, dir, { delegates: [], state: 'scheduled' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => transition(c.secretary, m.id, 'live')),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(9);
    for (const r of refused)
      expect((r.body as unknown as ErrorBody).error.details).toMatchObject({ current: 'live' });
    const audit = await c.secretary.get<{ items: { action: string; after: { state?: string } }[] }>(
      `/api/meetings/${m.id}/audit?pageSize=500`,
    );
    expect(
      audit.body.items.filter((e) => e.action === 'meeting.transition' && e.after.state === 'live'),
    ).toHaveLength(1);
  });
});

describe('participants and sites', () => {
  it('invites people once, with a role; unknown people are a 400 naming the index', async () => {
    const m = await buildMeeting(c, dir, { delegates: [] });
    const res = await c.secretary.post<InviteResult>(`/api/meetings/${m.id}/invitations`, {
      kind: 'person',
      userIds: [dir.userId('daibieu1'), dir.userId('daibieu2')],
      role: 'presenter',
    });
    expect(res.body).toEqual({ participantsAdded: 2, sitesAdded: 0, skipped: 0 });
    const again = await c.secretary.post<InviteResult>(`/api/meetings/${m.id}/invitations`, {
      kind: 'person',
      userIds: [dir.userId('daibieu1'), dir.userId('daibieu3')],
    });
    expect(again.body).toEqual({ participantsAdded: 1, sitesAdded: 0, skipped: 1 });
    const unknown = await c.secretary.post(`/api/meetings/${m.id}/invitations`, {
      kind: 'person',
      userIds: [dir.userId('daibieu1'), 'e'.repeat(24)],
    });
    expect(unknown.status).toBe(400);
    expect((unknown.body as ErrorBody).error.details?.issues?.[0]?.path).toBe('body.userIds.1');
    const chairRole = await c.secretary.post(`/api/meetings/${m.id}/invitations`, {
      kind: 'person',
      userIds: [dir.userId('daibieu1')],
      role: 'chair',
    });
    expect(chairRole.status).toBe(400);
    const wrongKind = await c.secretary.post(`/api/meetings/${m.id}/invitations`, {
      kind: 'everyone',
    });
    expect(wrongKind.status).toBe(400);
    expect(
      (
        await c.d1.post(`/api/meetings/${m.id}/invitations`, {
          kind: 'person',
          userIds: [dir.userId('daibieu2')],
        })
      ).status,
    ).toBe(403);
    const parts = (await c.secretary.get<Participant[]>(`/api/meetings/${m.id}/participants`)).body;
    expect(parts.find((p) => p.userId === dir.userId('daibieu1'))).toMatchObject({
      role: 'presenter',
      voting: false,
      invitedVia: 'person',
    });
  });

  it('invites a unit as a bridge point with its operator, and a whole level under a unit', async () => {
    const m = await buildMeeting(c, dir, { delegates: [] });
    const unit = await c.secretary.post<InviteResult>(`/api/meetings/${m.id}/invitations`, {
      kind: 'unit',
      unitId: dir.unitId('243'),
      operatorId: dir.userId('diemcau.vinhyen'),
    });
    expect(unit.body.sitesAdded).toBe(1);
    const communes = await c.admin.get<Page<Unit>>(
      `/api/units?parentId=${dir.unitId('246')}&level=commune&pageSize=200`,
    );
    const level = await c.secretary.post<InviteResult>(`/api/meetings/${m.id}/invitations`, {
      kind: 'level',
      underUnitId: dir.unitId('246'),
      level: 'commune',
    });
    expect(level.body.sitesAdded).toBe(communes.body.total);
    expect(communes.body.total).toBeGreaterThan(5);
    const sites = (await c.secretary.get<Site[]>(`/api/meetings/${m.id}/sites`)).body;
    expect(sites).toHaveLength(communes.body.total + 1);
    const vinhYen = must(sites.find((s) => s.unitId === dir.unitId('243')));
    expect(vinhYen).toMatchObject({
      operatorName: 'Vũ Quang Dũng',
      level: 'district',
      invitedVia: 'unit',
    });
    const commune = must(sites.find((s) => s.invitedVia === 'level'));
    const op = await c.secretary.patch<Site>(`/api/meetings/${m.id}/sites/${commune.id}`, {
      operatorId: dir.userId('diemcau.tamhop'),
    });
    expect(op.body.operatorName).toBe('Đỗ Thị Hạnh');
    expect((await c.opTamHop.get(`/api/meetings/${m.id}`)).status).toBe(200);
    expect((await c.secretary.delete(`/api/meetings/${m.id}/sites/${commune.id}`)).status).toBe(
      204,
    );
    expect((await c.secretary.get<Site[]>(`/api/meetings/${m.id}/sites`)).body).toHaveLength(
      communes.body.total,
    );
  });

  it('invites the members of a unit', async () => {
    const m = await buildMeeting(c, dir, { delegates: [] });
    const res = await c.secretary.post<InviteResult>(`/api/meetings/${m.id}/invitations`, {
      kind: 'unit',
      unitId: dir.unitId('243'),
      as: 'members',
      role: 'observer',
    });
    expect(res.body.participantsAdded).toBe(2);
    const parts = (await c.secretary.get<Participant[]>(`/api/meetings/${m.id}/participants`)).body;
    expect(
      parts
        .filter((p) => p.role === 'observer')
        .map((p) => p.fullName)
        .sort(),
    ).toEqual(['Bùi Văn Khoa', 'Vũ Quang Dũng']);
  });

  it('changes and withdraws invitations, but not of the chair', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1', 'daibieu2'] });
    const changed = await c.secretary.patch<Participant>(
      `/api/meetings/${m.id}/participants/${dir.userId('daibieu1')}`,
      { role: 'observer', voting: false },
    );
    expect(changed.body).toMatchObject({ role: 'observer', voting: false });
    expect(
      (
        await c.secretary.patch(`/api/meetings/${m.id}/participants/${dir.userId('chutich')}`, {
          role: 'delegate',
        })
      ).status,
    ).toBe(409);
    expect(
      (await c.secretary.delete(`/api/meetings/${m.id}/participants/${dir.userId('chutich')}`))
        .status,
    ).toBe(409);
    expect(
      (await c.secretary.delete(`/api/meetings/${m.id}/participants/${dir.userId('daibieu2')}`))
        .status,
    ).toBe(204);
    expect(
      (await c.secretary.delete(`/api/meetings/${m.id}/participants/${dir.userId('daibieu2')}`))
        .status,
    ).toBe(404);
    expect((await c.d2.get(`/api/meetings/${m.id}/participants`)).status).toBe(200);
  });

  it('records an absence with a reason and a substitute who takes the seat', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1'], state: 'scheduled' });
    const res = await c.d1.post<Attendance>(
      `/api/meetings/${m.id}/participants/${dir.userId('daibieu1')}/absence`,
      {
        reason: 'Đi công tác',
        substituteUserId: dir.userId('daibieu3'),
      },
    );
    expect(res.status).toBe(200);
    const absent = res.body.people.find((p) => p.subject.id === dir.userId('daibieu1'));
    expect(absent).toMatchObject({ status: 'absent', reason: 'Đi công tác' });
    const sub = res.body.people.find((p) => p.subject.id === dir.userId('daibieu3'));
    expect(sub).toMatchObject({ substituteFor: dir.userId('daibieu1'), voting: true });
    const parts = (await c.secretary.get<Participant[]>(`/api/meetings/${m.id}/participants`)).body;
    expect(parts.find((p) => p.userId === dir.userId('daibieu3'))).toMatchObject({
      role: 'delegate',
      invitedVia: 'substitute',
      substituteFor: dir.userId('daibieu1'),
    });
    expect(res.body.quorum.votingMembers).toBe(2);
    const twice = await c.secretary.post(
      `/api/meetings/${m.id}/participants/${dir.userId('daibieu1')}/absence`,
      { reason: 'x', substituteUserId: dir.userId('daibieu3') },
    );
    expect(twice.status).toBe(409);
    const other = await c.d2.post(
      `/api/meetings/${m.id}/participants/${dir.userId('daibieu1')}/absence`,
      { reason: 'x' },
    );
    expect(other.status).toBe(403);
    const noReason = await c.d1.post(
      `/api/meetings/${m.id}/participants/${dir.userId('daibieu1')}/absence`,
      {},
    );
    expect(noReason.status).toBe(400);
  });
});
