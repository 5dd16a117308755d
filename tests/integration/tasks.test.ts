import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from '../../server/contracts/agenda';
import type { AuditEntry } from '../../server/contracts/audit';
import type { Page } from '../../server/contracts/common';
import type { PublishedMinutesVersion } from '../../server/contracts/minutes';
import type {
  Notification,
  OverdueAgendaResult,
  Task,
  TaskList,
  TaskMarks,
  TaskSummary,
} from '../../server/contracts/tasks';
import { pdfBytes, exeBytes } from '../support/document-fixtures';
import { approveAndPublish, expectStatus, runMeeting } from '../support/minutes';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { loginAs, stack, startTestApp, waitFor } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let meetingId: string;
let notice: PublishedMinutesVersion;
/** The time the app reads; tests move it and put it back. */
let now: Date | null = null;
const clock = (): Date => now ?? new Date();

const TITLE_REPORT =
  'Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư tham mưu phân bổ vốn đầu tư công năm 2027';
const TITLE_OVERDUE = 'Sở Nội vụ hoàn thiện Đề án sắp xếp đơn vị hành chính cấp xã';
const TITLE_EXTENSION = 'Sở Nội vụ rà soát vị trí việc làm của các cơ quan hành chính';

const byTitle = (list: TaskList, title: string): Task => {
  const t = list.items.find((x) => x.title === title);
  if (!t)
    throw new Error(`no task "${title}" in ${JSON.stringify(list.items.map((i) => i.title))}`);
  return t;
};

async function tasksOf(client: ApiClient, query = `?meetingId=${meetingId}`): Promise<TaskList> {
  return expectStatus(await client.get<TaskList>(`/api/tasks${query}`), 200, 'list tasks');
}

beforeAll(async () => {
  app = await startTestApp({}, { clock });
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  const run = await runMeeting(c, dir, { title: 'Phiên họp thường kỳ tháng 12 (nhiệm vụ)' });
  meetingId = run.meeting.id;
  expectStatus(
    await c.secretary.post(`/api/meetings/${meetingId}/transitions`, { to: 'ended' }),
    200,
    'end',
  );
  const paragraph = (index: number, text: string) => ({ index, text });
  expectStatus(
    await c.secretary.put<TaskMarks>(`/api/meetings/${meetingId}/task-marks`, {
      marks: [
        {
          title: TITLE_REPORT,
          leadUnitId: dir.unitId('26-STC'),
          coordinatingUnitIds: [dir.unitId('26-SKHDT')],
          deadline: '2027-01-31',
          paragraph: paragraph(3, `${TITLE_REPORT}, hoàn thành trước ngày 31/01/2027.`),
        },
        {
          title: TITLE_OVERDUE,
          leadUnitId: dir.unitId('26-SNV'),
          deadline: '2027-01-31',
          paragraph: paragraph(4, `${TITLE_OVERDUE}, báo cáo trước 31/01/2027.`),
        },
        {
          title: TITLE_EXTENSION,
          leadUnitId: dir.unitId('26-SNV'),
          deadline: '2027-02-28',
          paragraph: paragraph(5, `${TITLE_EXTENSION} trong tháng 02/2027.`),
        },
      ],
    }),
    200,
    'mark tasks',
  );
  notice = await approveAndPublish(c, meetingId, 'notice', c.chair);
}, 180_000);

afterAll(async () => {
  await app.stop();
});

afterEach(() => {
  now = null;
});

describe('publishing the notice', () => {
  it('creates one task per mark, linked to the published version, in progress', async () => {
    const list = await tasksOf(c.secretary);
    expect(list.items.map((t) => t.title).sort()).toEqual(
      [TITLE_REPORT, TITLE_OVERDUE, TITLE_EXTENSION].sort(),
    );
    const t = byTitle(list, TITLE_REPORT);
    expect(t.notice).toEqual({ versionId: notice.id, version: notice.version });
    expect(t.leadUnit.id).toBe(dir.unitId('26-STC'));
    expect(t.coordinatingUnits.map((u) => u.id)).toEqual([dir.unitId('26-SKHDT')]);
    expect(t.paragraph.index).toBe(3);
    expect(t.status).toBe('in_progress');
    expect(t.history.map((h) => h.action)).toEqual(['created']);
  });

  it("records each task's creation in the meeting's audit chain", async () => {
    const audit = expectStatus(
      await c.secretary.get<Page<AuditEntry>>(`/api/meetings/${meetingId}/audit?pageSize=200`),
      200,
      'audit',
    );
    expect(audit.items.filter((e) => e.action === 'task.created')).toHaveLength(3);
  });
});

describe('marking tasks', () => {
  it('is refused to a delegate', async () => {
    const res = await c.d1.put(`/api/meetings/${meetingId}/task-marks`, { marks: [] });
    expect(res.status).toBe(403);
  });

  it('refuses an impossible deadline and changes nothing', async () => {
    const res = await c.secretary.put(`/api/meetings/${meetingId}/task-marks`, {
      marks: [
        {
          title: 'Nhiệm vụ có hạn sai',
          leadUnitId: dir.unitId('26-STC'),
          deadline: '2027-02-30',
          paragraph: { index: 0, text: '' },
        },
      ],
    });
    expect(res.status).toBe(400);
    const marks = expectStatus(
      await c.secretary.get<TaskMarks>(`/api/meetings/${meetingId}/task-marks`),
      200,
      'marks',
    );
    expect(marks.marks).toHaveLength(3);
  });
});

describe('authorization by unit', () => {
  it('shows the lead unit its task and not the tasks of a sibling unit', async () => {
    const titles = (await tasksOf(c.d1)).items.map((t) => t.title);
    expect(titles).toEqual([TITLE_REPORT]);
  });

  it('shows the coordinating unit the task it helps with', async () => {
    expect((await tasksOf(c.d2)).items.map((t) => t.title)).toEqual([TITLE_REPORT]);
  });

  it('refuses a task to a unit outside the involved units and those above them', async () => {
    const id = byTitle(await tasksOf(c.secretary), TITLE_OVERDUE).id;
    expect((await tasksOf(c.opVinhYen)).items).toEqual([]);
    expect((await c.opVinhYen.get(`/api/tasks/${id}`)).status).toBe(403);
    expect((await c.d1.get(`/api/tasks/${id}`)).status).toBe(403);
  });

  it('lets only the lead unit report, and only the issuing office review', async () => {
    const id = byTitle(await tasksOf(c.secretary), TITLE_EXTENSION).id;
    const asCoordinator = await c.d1.post(`/api/tasks/${id}/reports`, { text: 'Đã làm' });
    expect(asCoordinator.status).toBe(403);
    expectStatus(
      await c.d3.post(`/api/tasks/${id}/reports`, { text: 'Đã xong', proposeCompletion: true }),
      201,
      'propose',
    );
    const byLead = await c.d3.post(`/api/tasks/${id}/review`, { decision: 'accept' });
    expect(byLead.status).toBe(403);
    const back = expectStatus(
      await c.secretary.post<Task>(`/api/tasks/${id}/review`, {
        decision: 'return',
        comment: 'Chưa đủ hồ sơ',
      }),
      200,
      'return',
    );
    expect(back.status).toBe('in_progress');
  });
});

describe('reporting', () => {
  it('goes report → return → report → accept, each step in the history', async () => {
    const id = byTitle(await tasksOf(c.d1), TITLE_REPORT).id;
    const progress = expectStatus(
      await c.d1.post<Task>(`/api/tasks/${id}/reports`, { text: 'Đã hoàn thành 50% khối lượng.' }),
      201,
      'report',
    );
    expect(progress.status).toBe('in_progress');
    const proposed = expectStatus(
      await c.d1.post<Task>(`/api/tasks/${id}/reports`, {
        text: 'Đã trình UBND tỉnh dự thảo quyết định phân bổ.',
        proposeCompletion: true,
      }),
      201,
      'propose',
    );
    expect(proposed.status).toBe('awaiting_acceptance');
    expect(proposed.can.report).toBe(false);
    const returnedWithout = await c.secretary.post(`/api/tasks/${id}/review`, {
      decision: 'return',
    });
    expect(returnedWithout.status).toBe(400);
    const returned = expectStatus(
      await c.secretary.post<Task>(`/api/tasks/${id}/review`, {
        decision: 'return',
        comment: 'Bổ sung ý kiến của Sở Kế hoạch và Đầu tư.',
      }),
      200,
      'return',
    );
    expect(returned.status).toBe('in_progress');
    expectStatus(
      await c.d1.post(`/api/tasks/${id}/reports`, {
        text: 'Đã bổ sung ý kiến phối hợp.',
        proposeCompletion: true,
      }),
      201,
      'propose again',
    );
    const accepted = expectStatus(
      await c.chair.post<Task>(`/api/tasks/${id}/review`, { decision: 'accept' }),
      200,
      'accept',
    );
    expect(accepted.status).toBe('done_on_time');
    expect(accepted.history.map((h) => h.action)).toEqual([
      'created',
      'reported',
      'completion_proposed',
      'returned',
      'completion_proposed',
      'accepted',
    ]);
    expect(accepted.history[3]?.comment).toBe('Bổ sung ý kiến của Sở Kế hoạch và Đầu tư.');
    const audit = expectStatus(
      await c.secretary.get<Page<AuditEntry>>(`/api/meetings/${meetingId}/audit?pageSize=200`),
      200,
      'audit',
    );
    const mine = audit.items.filter((e) => e.target?.id === id).map((e) => e.action);
    expect(mine).toEqual([
      'task.created',
      'task.reported',
      'task.completion_proposed',
      'task.returned',
      'task.completion_proposed',
      'task.accepted',
    ]);
  });
});

describe('deadlines in the Asia/Ho_Chi_Minh day', () => {
  it('is still in progress on the deadline day and overdue the next morning in Vietnam', async () => {
    now = new Date('2027-01-31T16:59:00Z'); // 23:59 on 31/01 in Hà Nội
    expect(byTitle(await tasksOf(c.d3), TITLE_OVERDUE).status).toBe('in_progress');
    now = new Date('2027-01-31T17:01:00Z'); // 00:01 on 01/02 in Hà Nội
    expect(byTitle(await tasksOf(c.d3), TITLE_OVERDUE).status).toBe('overdue');
    const filtered = await tasksOf(c.d3, `?meetingId=${meetingId}&status=overdue`);
    expect(filtered.items.map((t) => t.title)).toEqual([TITLE_OVERDUE]);
  });

  it('moves the deadline when the chair grants an extension, not when it is only asked', async () => {
    const id = byTitle(await tasksOf(c.d3), TITLE_EXTENSION).id;
    const asked = expectStatus(
      await c.d3.post<Task>(`/api/tasks/${id}/extension`, {
        deadline: '2027-03-31',
        reason: 'Chờ hướng dẫn của Bộ Nội vụ.',
      }),
      201,
      'ask',
    );
    expect(asked.deadline).toBe('2027-02-28');
    expect(asked.extensionRequest?.deadline).toBe('2027-03-31');
    expect(
      (await c.secretary.post(`/api/tasks/${id}/extension/decision`, { grant: true })).status,
    ).toBe(403);
    const granted = expectStatus(
      await c.chair.post<Task>(`/api/tasks/${id}/extension/decision`, { grant: true }),
      200,
      'grant',
    );
    expect(granted.deadline).toBe('2027-03-31');
    expect(granted.extensionRequest).toBeNull();
    now = new Date('2027-03-05T03:00:00Z');
    expect((await c.d3.get<Task>(`/api/tasks/${id}`)).body.status).toBe('in_progress');
  });
});

interface MailpitList {
  messages: { ID: string; Subject: string; To: { Name: string; Address: string }[] }[];
}

describe('reminders', () => {
  it('e-mails the lead unit 7 days before the deadline, in Vietnamese, once', async () => {
    const address = `snv-${randomBytes(4).toString('hex')}@example.gov.vn`;
    expectStatus(
      await c.admin.patch(`/api/users/${dir.userId('daibieu3')}`, { email: address }),
      200,
      'email',
    );
    now = new Date('2027-01-24T02:00:00Z'); // 24/01 in Hà Nội: 7 days before 31/01
    expect(await app.tasks.reminders.runOnce()).toBeGreaterThanOrEqual(1);
    const api = stack().mail.webUrl;
    const found = await waitFor(async () => {
      const res = await fetch(`${api}api/v1/search?query=${encodeURIComponent(`to:${address}`)}`);
      const body = (await res.json()) as MailpitList;
      return body.messages.length ? body.messages : null;
    }, 'the reminder in Mailpit');
    expect(found).toHaveLength(1);
    const msg = found[0];
    expect(msg?.To.map((t) => t.Address)).toEqual([address]);
    expect(msg?.To[0]?.Name).toBe('Hoàng Đức Cường');
    expect(msg?.Subject).toBe(`Nhắc hạn nhiệm vụ (còn 7 ngày): ${TITLE_OVERDUE}`);
    const full = (await (await fetch(`${api}api/v1/message/${msg?.ID ?? ''}`)).json()) as {
      Text: string;
    };
    expect(full.Text).toContain('đến hạn hoàn thành vào ngày 31/01/2027');
    expect(full.Text).toContain(TITLE_OVERDUE);
    expect(await app.tasks.reminders.runOnce()).toBe(0);
  });

  it('notifies the lead unit in the app when a task is overdue', async () => {
    now = new Date('2027-02-02T02:00:00Z');
    await app.tasks.reminders.runOnce();
    const list = expectStatus(
      await c.d3.get<Notification[]>('/api/notifications'),
      200,
      'notifications',
    );
    expect(list.map((n) => n.text)).toContain(`Nhiệm vụ quá hạn: ${TITLE_OVERDUE}`);
    expect(
      (await c.d1.get<Notification[]>('/api/notifications')).body.map((n) => n.text),
    ).not.toContain(`Nhiệm vụ quá hạn: ${TITLE_OVERDUE}`);
  });
});

describe('back to the table', () => {
  it("adds the host unit's overdue tasks to the next meeting's agenda as one item", async () => {
    now = new Date('2027-02-05T02:00:00Z');
    const next = await buildMeeting(c, dir, { state: 'scheduled' });
    expect((await c.d1.post(`/api/meetings/${next.id}/agenda/overdue-tasks`)).status).toBe(403);
    const added = expectStatus(
      await c.secretary.post<OverdueAgendaResult>(`/api/meetings/${next.id}/agenda/overdue-tasks`),
      200,
      'add overdue',
    );
    expect(added.added).toBe(true);
    const agenda = expectStatus(
      await c.secretary.get<Agenda>(`/api/meetings/${next.id}/agenda`),
      200,
      'agenda',
    );
    const item = agenda.items.find((i) => i.id === added.itemId);
    expect(item?.title).toBe('Tình hình thực hiện các nhiệm vụ quá hạn');
    expect(item?.notes).toContain(TITLE_OVERDUE);
    expect(item?.notes).toContain('hạn 31/01/2027');
    expect(item?.notes).not.toContain(TITLE_REPORT);
  });
});

describe('CSV export', () => {
  it('is UTF-8 with a BOM and Vietnamese headers', async () => {
    const res = await fetch(`${app.url}/api/tasks/export.csv?meetingId=${meetingId}`, {
      headers: { authorization: `Bearer ${c.secretary.token ?? ''}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe(
      'Nhiệm vụ,Đơn vị chủ trì,Đơn vị phối hợp,Hạn,Trạng thái,Ngày hoàn thành,Cuộc họp,Thông báo (phiên bản)',
    );
    expect(text).toContain(TITLE_OVERDUE);
  });
});

/** Runs, ends and publishes a notice with one mark led by the Department of Finance. */
async function publishedWithMark(
  overrides: Record<string, unknown>,
  title: string,
): Promise<{ meetingId: string; task: Task }> {
  const run = await runMeeting(c, dir, overrides);
  const id = run.meeting.id;
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
    200,
    'end',
  );
  expectStatus(
    await c.secretary.put(`/api/meetings/${id}/task-marks`, {
      marks: [
        {
          title,
          leadUnitId: dir.unitId('26-STC'),
          deadline: '2027-04-30',
          paragraph: { index: 1, text: `${title} trước ngày 30/4/2027.` },
        },
      ],
    }),
    200,
    'mark',
  );
  await approveAndPublish(c, id, 'notice', c.chair);
  const list = await tasksOf(c.secretary, `?meetingId=${id}`);
  return { meetingId: id, task: byTitle(list, title) };
}

describe('confidential meetings', () => {
  it('hide their tasks from a unit above the lead unit that may not see the meeting', async () => {
    const title = 'Sở Tài chính rà soát phương án xử lý tài sản công (mật)';
    const { task } = await publishedWithMark({ visibility: 'confidential' }, title);
    const username = `tinh${randomBytes(3).toString('hex')}`;
    expectStatus(
      await c.admin.post('/api/users', {
        username,
        fullName: 'Chuyên viên cấp tỉnh',
        unitId: dir.unitId('26'),
        password: 'MatKhau@2026-kiemthu',
      }),
      201,
      'create user',
    );
    const above = await loginAs(app.url, username, 'MatKhau@2026-kiemthu');
    expect((await above.get(`/api/tasks/${task.id}`)).status).toBe(404);
    expect((await tasksOf(above, '')).items.map((t) => t.id)).not.toContain(task.id);
    expect((await c.d1.get<Task>(`/api/tasks/${task.id}`)).body.title).toBe(title);
  });
});

describe('dashboards', () => {
  const summaryOf = async (client: ApiClient, query: string): Promise<TaskSummary> =>
    expectStatus(await client.get<TaskSummary>(`/api/tasks/summary${query}`), 200, 'summary');

  it("count a meeting's tasks by lead unit, meeting and month for the issuing office", async () => {
    const s = await summaryOf(c.secretary, `?meetingId=${meetingId}`);
    expect(s.totals.total).toBe(3);
    expect(s.byUnit.map((u) => [u.name, u.total])).toEqual([
      ['Sở Nội vụ', 2],
      ['Sở Tài chính', 1],
    ]);
    expect(s.byMeeting).toEqual([expect.objectContaining({ id: meetingId, total: 3 })]);
    // The third task's deadline moves when an extension is granted: its month varies.
    expect(s.byMonth[0]).toMatchObject({ month: '2027-01', total: 2 });
    expect(s.byMonth.reduce((n, m) => n + m.total, 0)).toBe(3);
  });

  it('show a unit only its own tasks and those of the units below it', async () => {
    const s = await summaryOf(c.d3, `?meetingId=${meetingId}`);
    expect(s.byUnit.map((u) => u.name)).toEqual(['Sở Nội vụ']);
    expect(s.totals.total).toBe(2);
  });

  it('filter by month of the deadline', async () => {
    const s = await summaryOf(c.secretary, `?meetingId=${meetingId}&from=2027-01&to=2027-01`);
    expect(s.byMonth.map((m) => m.month)).toEqual(['2027-01']);
    expect(s.totals.total).toBe(2);
  });

  it('refuses a month that is not one, naming the field', async () => {
    const res = await c.secretary.get<{ error: { details: unknown } }>(
      '/api/tasks/summary?from=2027-13',
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain('from');
  });

  it('export the same counts as CSV with a BOM', async () => {
    const res = await fetch(`${app.url}/api/tasks/summary.csv?meetingId=${meetingId}`, {
      headers: { authorization: `Bearer ${c.secretary.token ?? ''}` },
    });
    expect(res.status).toBe(200);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('Đơn vị chủ trì,Sở Nội vụ,2,');
  });
});

describe('a correction of the notice', () => {
  it('updates the task of the same mark and says so in its history', async () => {
    const title = 'Sở Tài chính báo cáo quyết toán ngân sách năm 2026';
    const { meetingId: id, task } = await publishedWithMark({}, title);
    expectStatus(
      await c.secretary.post(`/api/meetings/${id}/minutes/notice/correct`, {
        reason: 'Sửa hạn hoàn thành',
      }),
      200,
      'correct',
    );
    const marks = expectStatus(
      await c.secretary.get<TaskMarks>(`/api/meetings/${id}/task-marks`),
      200,
      'marks',
    );
    expectStatus(
      await c.secretary.put(`/api/meetings/${id}/task-marks`, {
        marks: marks.marks.map((m) => ({ ...m, deadline: '2027-05-31' })),
      }),
      200,
      'change mark',
    );
    const v2 = await approveAndPublish(c, id, 'notice', c.chair);
    const after = expectStatus(await c.d1.get<Task>(`/api/tasks/${task.id}`), 200, 'task');
    expect(after.deadline).toBe('2027-05-31');
    expect(after.notice).toEqual({ versionId: v2.id, version: 2 });
    expect(after.history.at(-1)?.action).toBe('corrected');
    expect(after.history.at(-1)?.details).toMatchObject({
      version: 2,
      deadline: { from: '2027-04-30', to: '2027-05-31' },
    });
    expect((await tasksOf(c.secretary, `?meetingId=${id}`)).total).toBe(1);
  });
});

/** Posts one file as multipart/form-data. */
async function attach(client: ApiClient, taskId: string, name: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${app.url}/api/tasks/${taskId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token ?? ''}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Task };
}

describe('attachments to reports', () => {
  it('stores a PDF from the lead unit and serves the same bytes to the issuing office', async () => {
    const id = byTitle(await tasksOf(c.d3), TITLE_EXTENSION).id;
    const pdf = pdfBytes('Báo cáo tiến độ');
    const res = await attach(c.d3, id, 'bao-cao-tien-do.pdf', pdf);
    expect(res.status).toBe(201);
    const file = res.body.attachments.at(-1);
    expect(file?.filename).toBe('bao-cao-tien-do.pdf');
    expect(res.body.history.at(-1)?.action).toBe('attachment_added');
    const got = await fetch(`${app.url}${file?.url ?? ''}`, {
      headers: { authorization: `Bearer ${c.secretary.token ?? ''}` },
    });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await got.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('refuses a program disguised as a PDF and keeps nothing', async () => {
    const id = byTitle(await tasksOf(c.d3), TITLE_EXTENSION).id;
    const before = (await c.d3.get<Task>(`/api/tasks/${id}`)).body.attachments.length;
    const res = await attach(c.d3, id, 'bao-cao.pdf', exeBytes());
    expect(res.status).toBe(415);
    expect((await c.d3.get<Task>(`/api/tasks/${id}`)).body.attachments).toHaveLength(before);
  });

  it('is refused to a unit other than the lead unit', async () => {
    const id = byTitle(await tasksOf(c.d3), TITLE_EXTENSION).id;
    expect((await attach(c.secretary, id, 'x.pdf', pdfBytes())).status).toBe(403);
  });
});
