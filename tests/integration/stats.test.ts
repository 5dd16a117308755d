import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceService } from '../../server/attendance/attendance.service';
import type { Meeting, Participant, Site } from '../../server/contracts/meetings';
import type { UsageStats } from '../../server/contracts/stats';
import { approveAndPublish, expectStatus } from '../support/minutes';
import { buildMeeting, demoClients, directory, meetingInput, moveTo } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { must } from '../support/must';

let app: TestApp;
let c: DemoClients;
let dir: Directory;

/** Vietnam-time month of an instant, as the statistics count it. */
const vnMonth = (t: number) => new Date(t + 7 * 3_600_000).toISOString().slice(0, 7);
const MARCH_START = Date.UTC(2025, 2, 10, 1, 0, 0); // 08:00 in Vietnam
const RECENT_START = Date.now() - 26 * 3_600_000;
const THIS_MONTH = vnMonth(RECENT_START);

type ErrorBody = { error: { code: string } };
let march: { meeting: Meeting; invited: number };
let recent: { meeting: Meeting; invited: number };

async function held(
  startsAt: number,
  opts: { site: boolean },
): Promise<{ meeting: Meeting; invited: number }> {
  const meeting = await buildMeeting(c, dir, {
    state: 'scheduled',
    overrides: {
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + 2 * 3_600_000).toISOString(),
    },
  });
  const id = meeting.id;
  if (opts.site) {
    expectStatus(
      await c.secretary.post(`/api/meetings/${id}/invitations`, {
        kind: 'unit',
        unitId: dir.unitId('VP-249-11'),
        as: 'site',
        operatorId: dir.userId('diemcau.tamhop'),
      }),
      200,
      'invite site',
    );
  }
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'live' }),
    200,
    'live',
  );
  return {
    meeting,
    invited: (await c.secretary.get<Participant[]>(`/api/meetings/${id}/participants`)).body.length,
  };
}

async function end(id: string): Promise<void> {
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
    200,
    'end',
  );
}

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);

  // March 2025: the chair and one delegate present; the commune site joins 5 minutes after the
  // scheduled start, drops and rejoins; minutes published long after the meeting (late).
  march = await held(MARCH_START, { site: true });
  const m1 = march.meeting.id;
  for (const u of [c.chair, c.d1])
    expectStatus(await u.post(`/api/meetings/${m1}/attendance/check-in`), 200, 'check-in');
  const sites = (await c.secretary.get<Site[]>(`/api/meetings/${m1}/sites`)).body;
  const siteIdentity = `site:${must(sites[0]).id}`;
  const joined = new Date(MARCH_START + 5 * 60_000);
  expect(await attendanceService.recordRemoteJoin(m1, siteIdentity, joined)).toBe(true);
  await attendanceService.recordRemoteLeave(m1, siteIdentity, new Date(MARCH_START + 20 * 60_000));
  await attendanceService.recordRemoteJoin(m1, siteIdentity, new Date(MARCH_START + 21 * 60_000));
  await end(m1);
  await approveAndPublish(c, m1);

  // Yesterday: one delegate present; minutes published at once (on time).
  recent = await held(RECENT_START, { site: false });
  const m2 = recent.meeting.id;
  expectStatus(await c.d2.post(`/api/meetings/${m2}/attendance/check-in`), 200, 'check-in');
  await end(m2);
  await approveAndPublish(c, m2);

  // Neither counts: one still scheduled, one cancelled, both in March 2025.
  const later = meetingInput(dir, { startsAt: new Date(MARCH_START + DAY).toISOString() });
  later.endsAt = new Date(MARCH_START + DAY + 3_600_000).toISOString();
  const scheduled = await c.secretary.post<Meeting>('/api/meetings', later);
  await moveTo(c.secretary, scheduled.body.id, 'scheduled');
  const cancelled = await c.secretary.post<Meeting>('/api/meetings', later);
  await moveTo(c.secretary, cancelled.body.id, 'cancelled');
}, 180_000);

afterAll(async () => {
  await app.stop();
});

const DAY = 86_400_000;

describe('usage statistics', () => {
  it('match the seeded meetings per unit and month', async () => {
    const res = await c.admin.get<UsageStats>(`/api/stats/usage?from=2025-03&to=${THIS_MONTH}`);
    expect(res.status).toBe(200);
    const province = dir.unitId('26');
    expect(res.body.rows).toEqual([
      {
        month: '2025-03',
        unitId: province,
        unitName: 'Ủy ban nhân dân tỉnh Vĩnh Phúc',
        meetingsHeld: 1,
        sitesInvited: 1,
        sitesConnected: 1,
        avgJoinDelayMinutes: 5,
        reconnections: 1,
        peopleInvited: march.invited,
        peoplePresent: 2,
        attendanceRate: Number((2 / march.invited).toFixed(4)),
        minutesPublished: 1,
        minutesOnTime: 0,
      },
      {
        month: THIS_MONTH,
        unitId: province,
        unitName: 'Ủy ban nhân dân tỉnh Vĩnh Phúc',
        meetingsHeld: 1,
        sitesInvited: 0,
        sitesConnected: 0,
        avgJoinDelayMinutes: null,
        reconnections: 0,
        peopleInvited: recent.invited,
        peoplePresent: 1,
        attendanceRate: Number((1 / recent.invited).toFixed(4)),
        minutesPublished: 1,
        minutesOnTime: 1,
      },
    ]);
    expect(res.body.totals).toMatchObject({
      meetingsHeld: 2,
      sitesConnected: 1,
      peoplePresent: 3,
      minutesPublished: 2,
      minutesOnTime: 1,
    });
    expect(res.body.months[0]).toMatchObject({ month: '2025-03', meetingsHeld: 1 });
    expect(res.body.months.find((m) => m.month === '2025-04')).toMatchObject({ meetingsHeld: 0 });
    expect(res.body.onTimeDays).toBe(7);
  });

  it('exports the same rows as CSV with a BOM for Excel', async () => {
    const url = await c.admin.ticketed('/api/stats/usage.csv', 'download', {
      from: '2025-03',
      to: THIS_MONTH,
    });
    const res = await fetch(`${app.url}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('Tháng / Month');
    expect(lines[1]).toBe(
      `2025-03,Ủy ban nhân dân tỉnh Vĩnh Phúc,1,1,1,5,1,${march.invited},2,${Number(((2 / march.invited) * 100).toFixed(1))},1,0`,
    );
  });

  it('limit a unit administrator to their unit and those below it', async () => {
    const own = await c.unitAdmin.get<UsageStats>(`/api/stats/usage?from=2025-03&to=${THIS_MONTH}`);
    expect(own.status).toBe(200);
    expect(own.body.unitId).toBe(dir.unitId('243'));
    expect(own.body.totals.meetingsHeld).toBe(0);
    const above = await c.unitAdmin.get<ErrorBody>(`/api/stats/usage?unitId=${dir.unitId('26')}`);
    expect(above.status).toBe(403);
    // Phường Tích Sơn lies below TP. Vĩnh Yên; Tam Hợp (Bình Xuyên) does not.
    const below = await c.unitAdmin.get<UsageStats>(
      `/api/stats/usage?unitId=${dir.unitId('VP-243-01')}`,
    );
    expect(below.status).toBe(200);
    expect(below.body.unitId).toBe(dir.unitId('VP-243-01'));
    const elsewhere = await c.unitAdmin.get<ErrorBody>(
      `/api/stats/usage?unitId=${dir.unitId('VP-249-11')}`,
    );
    expect(elsewhere.status).toBe(403);
  });

  it('refuses a delegate with 403, in JSON and CSV', async () => {
    const json = await c.d1.get<ErrorBody>('/api/stats/usage');
    expect(json.status).toBe(403);
    expect(json.body.error.code).toBe('forbidden');
    const csv = await fetch(`${app.url}${await c.d1.ticketed('/api/stats/usage.csv', 'download')}`);
    expect(csv.status).toBe(403);
    // An access token in the URL is refused outright (it would end up in proxy logs).
    const inUrl = await fetch(`${app.url}/api/stats/usage.csv?token=${c.admin.token ?? ''}`);
    expect(inUrl.status).toBe(401);
  });

  it('rejects a malformed month with 400', async () => {
    const res = await c.admin.get<ErrorBody>('/api/stats/usage?from=2025-13');
    expect(res.status).toBe(400);
    const reversed = await c.admin.get<ErrorBody>('/api/stats/usage?from=2025-05&to=2025-04');
    expect(reversed.status).toBe(400);
  });
});
