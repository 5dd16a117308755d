import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attendanceService } from '../../server/attendance/attendance.service';
import type { Attendance } from '../../server/contracts/attendance';
import type { Site } from '../../server/contracts/meetings';
import type { FloorEntry, FloorState, SpeakingReport } from '../../server/contracts/speakers';
import { noFloorHooks } from '../../server/speakers/floor-hooks';
import { useFloorHooks } from '../../server/speakers/floor.service';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';
import { must } from '../support/must';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
});
afterAll(async () => {
  await app.stop();
});
afterEach(() => {
  useFloorHooks(noFloorHooks, silent);
});

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
const person = (a: Attendance, username: string) =>
  a.people.find((p) => p.subject.id === dir.userId(username));

async function liveMeetingWithSites() {
  const m = await buildMeeting(c, dir, { state: 'scheduled' });
  await c.secretary.post(`/api/meetings/${m.id}/invitations`, {
    kind: 'unit',
    unitId: dir.unitId('243'),
    operatorId: dir.userId('diemcau.vinhyen'),
  });
  await c.secretary.post(`/api/meetings/${m.id}/invitations`, {
    kind: 'unit',
    unitId: dir.unitId('VP-249-11'),
    operatorId: dir.userId('diemcau.tamhop'),
  });
  await c.secretary.post(`/api/meetings/${m.id}/transitions`, { to: 'live' });
  const sites = (await c.secretary.get<Site[]>(`/api/meetings/${m.id}/sites`)).body;
  return {
    m,
    vinhYen: must(sites.find((s) => s.unitId === dir.unitId('243'))),
    tamHop: must(sites.find((s) => s.unitId === dir.unitId('VP-249-11'))),
  };
}

describe('attendance and quorum', () => {
  it('takes the roll call and computes the quorum (more than half of the voting members)', async () => {
    const m = await buildMeeting(c, dir, { state: 'scheduled' });
    const start = (await c.chair.get<Attendance>(`/api/meetings/${m.id}/attendance`)).body;
    expect(start.quorum).toMatchObject({ votingMembers: 4, present: 0, required: 3, met: false });
    expect(start.people.every((p) => p.status === 'unmarked')).toBe(true);
    await c.d1.post(`/api/meetings/${m.id}/attendance/check-in`);
    await c.chair.post(`/api/meetings/${m.id}/attendance/check-in`);
    const two = (await c.d1.get<Attendance>(`/api/meetings/${m.id}/attendance`)).body;
    expect(person(two, 'daibieu1')).toMatchObject({
      status: 'present_in_room',
      markedBy: dir.userId('daibieu1'),
    });
    expect(two.quorum).toMatchObject({ present: 2, met: false });
    const three = await c.secretary.put<Attendance>(
      `/api/meetings/${m.id}/attendance/participants/${dir.userId('daibieu2')}`,
      { status: 'present_in_room' },
    );
    expect(three.body.quorum).toMatchObject({ present: 3, met: true });
    // The secretary is no voting member: her presence does not count.
    await c.secretary.post(`/api/meetings/${m.id}/attendance/check-in`);
    expect(
      (await c.d1.get<Attendance>(`/api/meetings/${m.id}/attendance`)).body.quorum.present,
    ).toBe(3);
  });

  it('follows the meeting’s own rule', async () => {
    const m = await buildMeeting(c, dir, {
      state: 'scheduled',
      overrides: { quorum: { numerator: 1, denominator: 1, inclusive: true } },
    });
    for (const u of [c.chair, c.d1, c.d2])
      await u.post(`/api/meetings/${m.id}/attendance/check-in`);
    const all = (await c.d3.get<Attendance>(`/api/meetings/${m.id}/attendance`)).body.quorum;
    expect(all).toMatchObject({ required: 4, present: 3, met: false });
    await c.d3.post(`/api/meetings/${m.id}/attendance/check-in`);
    expect((await c.d3.get<Attendance>(`/api/meetings/${m.id}/attendance`)).body.quorum.met).toBe(
      true,
    );
  });

  it('counts a substitute in the seat of the member they replace', async () => {
    const m = await buildMeeting(c, dir, {
      state: 'scheduled',
      delegates: ['daibieu1', 'daibieu2'],
    });
    await c.secretary.post(`/api/meetings/${m.id}/participants/${dir.userId('daibieu1')}/absence`, {
      reason: 'Ốm',
      substituteUserId: dir.userId('daibieu3'),
    });
    await c.d3.post(`/api/meetings/${m.id}/attendance/check-in`);
    await c.chair.post(`/api/meetings/${m.id}/attendance/check-in`);
    const a = (await c.chair.get<Attendance>(`/api/meetings/${m.id}/attendance`)).body;
    expect(person(a, 'daibieu1')).toMatchObject({ status: 'absent', reason: 'Ốm' });
    expect(a.quorum).toMatchObject({ votingMembers: 3, present: 2, met: true });
  });

  it('checks who may mark whom, and validates marks', async () => {
    const { m, vinhYen, tamHop } = await liveMeetingWithSites();
    expect(
      (
        await c.d1.put(`/api/meetings/${m.id}/attendance/participants/${dir.userId('daibieu2')}`, {
          status: 'present_in_room',
        })
      ).status,
    ).toBe(403);
    const self = await c.d1.put<Attendance>(
      `/api/meetings/${m.id}/attendance/participants/${dir.userId('daibieu1')}`,
      { status: 'absent', reason: 'Bận việc đột xuất' },
    );
    expect(person(self.body, 'daibieu1')).toMatchObject({
      status: 'absent',
      reason: 'Bận việc đột xuất',
    });
    const noReason = await c.secretary.put(
      `/api/meetings/${m.id}/attendance/participants/${dir.userId('daibieu2')}`,
      { status: 'absent' },
    );
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('body.reason');
    expect(
      (
        await c.secretary.put(
          `/api/meetings/${m.id}/attendance/participants/${dir.userId('daibieu2')}`,
          { status: 'here' },
        )
      ).status,
    ).toBe(400);
    const site = await c.opVinhYen.put<Attendance>(
      `/api/meetings/${m.id}/attendance/sites/${vinhYen.id}`,
      { status: 'present_remote' },
    );
    expect(site.body.sites.find((s) => s.subject.id === vinhYen.id)).toMatchObject({
      status: 'present_remote',
      markedBy: dir.userId('diemcau.vinhyen'),
    });
    expect(
      (
        await c.opVinhYen.put(`/api/meetings/${m.id}/attendance/sites/${tamHop.id}`, {
          status: 'present_remote',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await c.secretary.put(`/api/meetings/${m.id}/attendance/sites/${'a'.repeat(24)}`, {
          status: 'present_remote',
        })
      ).status,
    ).toBe(404);
    expect((await c.opVinhYen.post(`/api/meetings/${m.id}/attendance/check-in`)).status).toBe(403);
  });

  it('keeps remote joins and leaves as intervals (from the media webhooks)', async () => {
    const { m, tamHop } = await liveMeetingWithSites();
    const t0 = new Date(Date.now() - 60_000);
    expect(
      await attendanceService.recordRemoteJoin(m.id, `user:${dir.userId('daibieu2')}`, t0),
    ).toBe(true);
    expect(
      await attendanceService.recordRemoteJoin(
        m.id,
        `user:${dir.userId('daibieu2')}`,
        new Date(t0.getTime() + 1000),
      ),
    ).toBe(true);
    expect(await attendanceService.recordRemoteJoin(m.id, `site:${tamHop.id}`, t0)).toBe(true);
    expect(await attendanceService.recordRemoteJoin(m.id, `user:${dir.userId('admin')}`, t0)).toBe(
      false,
    );
    expect(await attendanceService.recordRemoteJoin(m.id, 'garbage', t0)).toBe(false);
    const during = (await c.d2.get<Attendance>(`/api/meetings/${m.id}/attendance`)).body;
    expect(person(during, 'daibieu2')).toMatchObject({ status: 'present_remote', connected: true });
    expect(during.sites.find((s) => s.subject.id === tamHop.id)).toMatchObject({
      status: 'present_remote',
      connected: true,
    });
    expect(
      await attendanceService.recordRemoteLeave(
        m.id,
        `user:${dir.userId('daibieu2')}`,
        new Date(t0.getTime() + 30_000),
      ),
    ).toBe(true);
    expect(
      await attendanceService.recordRemoteLeave(
        m.id,
        `user:${dir.userId('daibieu2')}`,
        new Date(t0.getTime() + 31_000),
      ),
    ).toBe(false);
    const after = (await c.d2.get<Attendance>(`/api/meetings/${m.id}/attendance`)).body;
    expect(person(after, 'daibieu2')).toMatchObject({
      status: 'unmarked',
      connected: false,
      remoteSeconds: 30,
    });
    const audit = await c.secretary.get<{ items: { action: string; actor: { kind: string } }[] }>(
      `/api/meetings/${m.id}/audit?pageSize=500`,
    );
    expect(
      audit.body.items
        .filter((e) => e.action.startsWith('attendance.remote_'))
        .map((e) => e.action),
    ).toEqual(['attendance.remote_joined', 'attendance.remote_joined', 'attendance.remote_left']);
  });
});

describe('the floor (speaker queue)', () => {
  it('queues requests, gives the floor to one speaker at a time, and ends turns', async () => {
    const granted: FloorEntry[] = [];
    const ended: FloorEntry[] = [];
    useFloorHooks(
      {
        onGranted: (_m, e) => {
          granted.push(e);
          return Promise.resolve();
        },
        onEnded: (_m, e) => {
          ended.push(e);
          return Promise.resolve();
        },
      },
      silent,
    );
    const { m, vinhYen } = await liveMeetingWithSites();
    const r1 = await c.d1.post<FloorState>(`/api/meetings/${m.id}/floor`, {});
    expect(r1.status).toBe(201);
    expect((await c.d1.post(`/api/meetings/${m.id}/floor`, {})).status).toBe(409);
    await c.opVinhYen.post(`/api/meetings/${m.id}/floor`, { siteId: vinhYen.id });
    expect(
      (await c.opTamHop.post(`/api/meetings/${m.id}/floor`, { siteId: vinhYen.id })).status,
    ).toBe(403);
    const queue = (await c.d2.get<FloorState>(`/api/meetings/${m.id}/floor`)).body.queue;
    expect(queue.map((e) => e.speaker.name)).toEqual(['Nguyễn Văn An', 'TP. Vĩnh Yên']);
    const [first, site] = queue as [FloorEntry, FloorEntry];
    expect((await c.d1.post(`/api/meetings/${m.id}/floor/${first.id}/grant`, {})).status).toBe(403);
    const g1 = await c.chair.post<FloorState>(`/api/meetings/${m.id}/floor/${first.id}/grant`, {});
    expect(g1.body.speaking.map((e) => e.id)).toEqual([first.id]);
    expect(granted.map((e) => e.id)).toEqual([first.id]);
    const busy = await c.chair.post(`/api/meetings/${m.id}/floor/${site.id}/grant`, {});
    expect(busy.status).toBe(409);
    expect((busy.body as ErrorBody).error.message).toContain('Nguyễn Văn An');
    const g2 = await c.chair.post<FloorState>(`/api/meetings/${m.id}/floor/${site.id}/grant`, {
      endCurrent: true,
    });
    expect(g2.body.speaking.map((e) => e.speaker.kind)).toEqual(['site']);
    expect(ended.map((e) => e.id)).toEqual([first.id]);
    expect(granted.map((e) => e.speaker.kind)).toEqual(['user', 'site']);
    const end = await c.opVinhYen.post<FloorState>(`/api/meetings/${m.id}/floor/${site.id}/end`);
    expect(end.body.speaking).toEqual([]);
    expect((await c.chair.post(`/api/meetings/${m.id}/floor/${site.id}/end`)).status).toBe(409);
    // After the turn, the same person may ask again.
    expect((await c.d1.post(`/api/meetings/${m.id}/floor`, {})).status).toBe(201);
  });

  it('lets exactly one of concurrent grants succeed when one speaker is allowed', async () => {
    const { m } = await liveMeetingWithSites();
    await c.d1.post(`/api/meetings/${m.id}/floor`, {});
    await c.d2.post(`/api/meetings/${m.id}/floor`, {});
    await c.d3.post(`/api/meetings/${m.id}/floor`, {});
    const queue = (await c.chair.get<FloorState>(`/api/meetings/${m.id}/floor`)).body.queue;
    const results = await Promise.all(
      queue.map((e) => c.chair.post(`/api/meetings/${m.id}/floor/${e.id}/grant`, {})),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(
      (await c.chair.get<FloorState>(`/api/meetings/${m.id}/floor`)).body.speaking,
    ).toHaveLength(1);
  });

  it('lets requesters withdraw and the chair reorder; refuses requests outside a live meeting', async () => {
    const { m } = await liveMeetingWithSites();
    for (const u of [c.d1, c.d2, c.d3]) await u.post(`/api/meetings/${m.id}/floor`, {});
    const ids = (await c.chair.get<FloorState>(`/api/meetings/${m.id}/floor`)).body.queue.map(
      (e) => e.id,
    ) as [string, string, string];
    expect((await c.d2.post(`/api/meetings/${m.id}/floor/${ids[0]}/withdraw`)).status).toBe(403);
    const w = await c.d1.post<FloorState>(`/api/meetings/${m.id}/floor/${ids[0]}/withdraw`);
    expect(w.body.queue.map((e) => e.id)).toEqual([ids[1], ids[2]]);
    expect(
      (await c.d2.put(`/api/meetings/${m.id}/floor/order`, { entryIds: [ids[2], ids[1]] })).status,
    ).toBe(403);
    const re = await c.chair.put<FloorState>(`/api/meetings/${m.id}/floor/order`, {
      entryIds: [ids[2], ids[1]],
    });
    expect(re.body.queue.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    const bad = await c.chair.put(`/api/meetings/${m.id}/floor/order`, { entryIds: [ids[0]] });
    expect(bad.status).toBe(400);
    const notLive = await buildMeeting(c, dir, { state: 'scheduled' });
    expect((await c.d1.post(`/api/meetings/${notLive.id}/floor`, {})).status).toBe(409);
  });

  it('reports speaking time per person and per site, and clears the floor when the meeting ends', async () => {
    const { m, vinhYen } = await liveMeetingWithSites();
    const a = must((await c.d1.post<FloorState>(`/api/meetings/${m.id}/floor`, {})).body.queue[0]);
    await c.chair.post(`/api/meetings/${m.id}/floor/${a.id}/grant`, {});
    const report = () =>
      c.secretary.get<SpeakingReport>(`/api/meetings/${m.id}/floor/report`).then((r) => r.body);
    await waitFor(
      async () => ((await report()).people[0]?.seconds ?? 0) >= 0.2,
      'the turn to last a moment',
    );
    await c.chair.post(`/api/meetings/${m.id}/floor/${a.id}/end`);
    const s = must(
      (await c.opVinhYen.post<FloorState>(`/api/meetings/${m.id}/floor`, { siteId: vinhYen.id }))
        .body.queue[0],
    );
    await c.chair.post(`/api/meetings/${m.id}/floor/${s.id}/grant`, {});
    await c.d2.post(`/api/meetings/${m.id}/floor`, {});
    const done = await report();
    expect(done.people).toHaveLength(1);
    expect(done.people[0]).toMatchObject({ speaker: { name: 'Nguyễn Văn An' }, turns: 1 });
    expect(must(done.people[0]).seconds).toBeGreaterThanOrEqual(0.2);
    const ended = must(done.people[0]).seconds;
    expect(done.sites[0]).toMatchObject({ speaker: { id: vinhYen.id, kind: 'site' }, turns: 1 });
    // An ended turn no longer grows; the site's open turn does.
    await waitFor(
      async () => ((await report()).sites[0]?.seconds ?? 0) > (done.sites[0]?.seconds ?? 0),
      'the site turn to grow',
    );
    expect(must((await report()).people[0]).seconds).toBe(ended);
    await c.secretary.post(`/api/meetings/${m.id}/transitions`, { to: 'ended' });
    const floor = (await c.secretary.get<FloorState>(`/api/meetings/${m.id}/floor`)).body;
    expect(floor).toMatchObject({ speaking: [], queue: [] });
  });
});
