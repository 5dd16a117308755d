import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Notification,
  TaskMarks,
  TaskReminderSettings,
  TaskReminderSettingsInput,
} from '../../server/contracts/tasks';
import { DEFAULT_TASK_REMINDERS } from '../../server/contracts/tasks';
import { DEMO_ACCOUNTS } from '../../server/seed/demo-accounts';
import { approveAndPublish, expectStatus, runMeeting } from '../support/minutes';
import { demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { stack, startTestApp, waitFor } from '../support/stack';
import type { TestApp } from '../support/stack';

// Reminders configured per unit: the lead unit's administrator chooses the days before the
// deadline and whether e-mail goes out; the reminder job (run at a moved clock) follows them,
// checked in the embedded SMTP server (Mailpit).

let app: TestApp;
let c: DemoClients;
let dir: Directory;
/** The time the app reads; tests move it and put it back. */
let now: Date | null = null;

const TITLE_VINH_YEN = 'Thành phố Vĩnh Yên hoàn thành giải phóng mặt bằng dự án đường vành đai 3';
const TITLE_SKHDT = 'Sở Kế hoạch và Đầu tư tổng hợp danh mục dự án đầu tư công trung hạn';
/** Addresses of this run (Mailpit is shared by the whole run). */
const run = randomBytes(4).toString('hex');
const vinhYenOperator = `diemcau-vy-${run}@example.gov.vn`;
const vinhYenAdmin = `quantri-vy-${run}@example.gov.vn`;

interface MailpitList {
  messages: { ID: string; Subject: string; To: { Name: string; Address: string }[] }[];
}

/** Messages Mailpit holds for `address`. */
async function mailTo(address: string): Promise<MailpitList['messages']> {
  const api = stack().mail.webUrl;
  const res = await fetch(`${api}api/v1/search?query=${encodeURIComponent(`to:${address}`)}`);
  return ((await res.json()) as MailpitList).messages;
}

const settingsPath = (code: string): string => `/api/units/${dir.unitId(code)}/task-reminders`;

beforeAll(async () => {
  app = await startTestApp({}, { clock: () => now ?? new Date() });
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  for (const [user, email] of [
    ['diemcau.vinhyen', vinhYenOperator],
    ['quantri.vinhyen', vinhYenAdmin],
  ] as const) {
    expectStatus(await c.admin.patch(`/api/users/${dir.userId(user)}`, { email }), 200, 'email');
  }
  const { meeting } = await runMeeting(c, dir, { title: 'Phiên họp nhắc hạn theo đơn vị' });
  expectStatus(
    await c.secretary.post(`/api/meetings/${meeting.id}/transitions`, { to: 'ended' }),
    200,
    'end',
  );
  expectStatus(
    await c.secretary.put<TaskMarks>(`/api/meetings/${meeting.id}/task-marks`, {
      marks: [
        {
          title: TITLE_VINH_YEN,
          leadUnitId: dir.unitId('243'),
          deadline: '2027-05-31',
          paragraph: { index: 2, text: `${TITLE_VINH_YEN} trước ngày 31/5/2027.` },
        },
        {
          title: TITLE_SKHDT,
          leadUnitId: dir.unitId('26-SKHDT'),
          deadline: '2027-05-31',
          paragraph: { index: 3, text: `${TITLE_SKHDT} trước ngày 31/5/2027.` },
        },
      ],
    }),
    200,
    'mark tasks',
  );
  await approveAndPublish(c, meeting.id, 'notice', c.chair);
}, 180_000);

afterEach(async () => {
  now = null;
  for (const code of ['243', '26-SKHDT']) {
    const defaults: TaskReminderSettingsInput = {
      ...DEFAULT_TASK_REMINDERS,
      daysBefore: [...DEFAULT_TASK_REMINDERS.daysBefore],
    };
    expectStatus(await c.admin.put(settingsPath(code), defaults), 200, 'reset');
  }
});

afterAll(async () => {
  await app.stop();
});

describe('reminders configured per unit', () => {
  it('uses 7 and 1 days before and overdue, with e-mail, for a unit that changed nothing', async () => {
    const got = expectStatus(
      await c.d1.get<TaskReminderSettings>(settingsPath('26-STC')),
      200,
      'settings',
    );
    expect(got).toMatchObject({ daysBefore: [7, 1], overdue: true, email: true, isDefault: true });
  });

  it("reminds a unit at its administrator's offsets and not at the default ones", async () => {
    const saved = expectStatus(
      await c.unitAdmin.put<TaskReminderSettings>(settingsPath('243'), {
        daysBefore: [3, 10],
        overdue: true,
        email: true,
      }),
      200,
      'unit admin sets 10 and 3 days',
    );
    expect(saved).toMatchObject({ daysBefore: [10, 3], isDefault: false });
    expect(saved.updatedBy).toBe(
      DEMO_ACCOUNTS.find((a) => a.username === 'quantri.vinhyen')?.fullName,
    );

    now = new Date('2027-05-21T02:00:00Z'); // 21/05 in Hà Nội: 10 days before 31/05
    await app.tasks.reminders.runOnce();
    const first = await waitFor(async () => {
      const list = await mailTo(vinhYenOperator);
      return list.length ? list : null;
    }, 'the 10-day reminder in Mailpit');
    expect(first.map((m) => m.Subject)).toEqual([
      `Nhắc hạn nhiệm vụ (còn 10 ngày): ${TITLE_VINH_YEN}`,
    ]);
    expect(first[0]?.To.map((t) => t.Address).sort()).toEqual(
      [vinhYenAdmin, vinhYenOperator].sort(),
    );

    now = new Date('2027-05-24T02:00:00Z'); // 7 days before: the default offset, not the unit's
    await app.tasks.reminders.runOnce();
    now = new Date('2027-05-28T02:00:00Z'); // 3 days before
    await app.tasks.reminders.runOnce();
    const all = await waitFor(async () => {
      const list = await mailTo(vinhYenOperator);
      return list.length >= 2 ? list : null;
    }, 'the 3-day reminder in Mailpit');
    expect(all.map((m) => m.Subject).sort()).toEqual(
      [
        `Nhắc hạn nhiệm vụ (còn 10 ngày): ${TITLE_VINH_YEN}`,
        `Nhắc hạn nhiệm vụ (còn 3 ngày): ${TITLE_VINH_YEN}`,
      ].sort(),
    );
  });

  it('notifies in the app only when the unit turned e-mail off', async () => {
    const skhdtMember = `skhdt-${randomBytes(4).toString('hex')}@example.gov.vn`;
    expectStatus(
      await c.admin.patch(`/api/users/${dir.userId('daibieu2')}`, { email: skhdtMember }),
      200,
      'email',
    );
    expectStatus(
      await c.admin.put(settingsPath('26-SKHDT'), { daysBefore: [], overdue: true, email: false }),
      200,
      'system admin turns e-mail off',
    );
    now = new Date('2027-06-02T02:00:00Z');
    await app.tasks.reminders.runOnce();
    const notes = expectStatus(
      await c.d2.get<Notification[]>('/api/notifications'),
      200,
      'notifications',
    );
    expect(notes.map((n) => n.text)).toContain(`Nhiệm vụ quá hạn: ${TITLE_SKHDT}`);
    expect(await mailTo(skhdtMember)).toEqual([]);
  });

  it("refuses a change from an administrator of another unit and from a unit's member", async () => {
    const body = { daysBefore: [5], overdue: true, email: true };
    expect((await c.unitAdmin.put(settingsPath('26-STC'), body)).status).toBe(403);
    expect((await c.d1.put(settingsPath('26-STC'), body)).status).toBe(403);
    const got = expectStatus(
      await c.d1.get<TaskReminderSettings>(settingsPath('26-STC')),
      200,
      'settings',
    );
    expect(got.isDefault).toBe(true);
  });

  it('refuses impossible offsets with the field named, and changes nothing', async () => {
    for (const daysBefore of [[0], [7, 7], [91], [1, 2, 3, 4, 5, 6]]) {
      const res = await c.unitAdmin.put<{ error: { code: string; details: unknown } }>(
        settingsPath('243'),
        { daysBefore, overdue: true, email: true },
      );
      expect(res.status, JSON.stringify(daysBefore)).toBe(400);
      expect(JSON.stringify(res.body.error.details)).toContain('daysBefore');
    }
    const got = expectStatus(
      await c.unitAdmin.get<TaskReminderSettings>(settingsPath('243')),
      200,
      'settings',
    );
    expect(got.daysBefore).toEqual([7, 1]);
  });
});
