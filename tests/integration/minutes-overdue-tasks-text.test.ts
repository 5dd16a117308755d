import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Agenda } from '../../server/contracts/agenda';
import type { Meeting } from '../../server/contracts/meetings';
import type { PublishedMinutesVersion } from '../../server/contracts/minutes';
import type { FloorState } from '../../server/contracts/speakers';
import type { OverdueAgendaResult, TaskMarks } from '../../server/contracts/tasks';
import { OVERDUE_ITEM_TITLE } from '../../server/tasks/overdue-agenda';
import { approveAndPublish, download, expectStatus, runMeeting } from '../support/minutes';
import { must } from '../support/must';
import { pdftotext } from '../support/poppler';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

// Back to the table (issue 15): a notice assigns two tasks; one passes its deadline (the clock
// is moved); "add overdue tasks" puts it on the next meeting of the same host unit; a delegate
// speaks under that item and another under the next one; the published minutes, read back
// with pdftotext, list the overdue task under its item with what was said there.

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let next: Meeting;
let tmp: string;
/** The PDF's text with runs of white space made one space. */
let text: string;
let now: Date | null = null;

const TITLE_OVERDUE = 'Sở Nội vụ trình Đề án sắp xếp đơn vị hành chính cấp xã';
const TITLE_ON_TIME = 'Sở Tài chính tham mưu phân bổ vốn đầu tư công năm 2027';
const ITEM_NEXT = 'Kế hoạch phát triển kinh tế - xã hội quý I năm 2027';
/** The lead unit's delegate (Sở Nội vụ) and a delegate of another department. */
const SPEAKER_OVERDUE = 'Hoàng Đức Cường';
const SPEAKER_NEXT = 'Nguyễn Văn An';

async function speak(speaker: ApiClient): Promise<void> {
  const id = next.id;
  const asked = expectStatus(
    await speaker.post<FloorState>(`/api/meetings/${id}/floor`, {}),
    201,
    'request the floor',
  );
  const entry = must(asked.queue.at(-1)).id;
  const floor = `/api/meetings/${id}/floor/${entry}`;
  expectStatus(await c.chair.post(`${floor}/grant`, { endCurrent: true }), 200, 'grant');
  expectStatus(await c.chair.post(`${floor}/end`), 200, 'end turn');
}

/** The text between the last `from` (the item's heading in the body) and the `to` after it. */
function section(from: string, to: string): string {
  const start = text.lastIndexOf(from);
  expect(start, `"${from}" in the minutes`).toBeGreaterThan(-1);
  const end = text.indexOf(to, start + from.length);
  expect(end, `"${to}" after "${from}"`).toBeGreaterThan(start);
  return text.slice(start, end);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(inject('stack').tmpDir, 'minutes-overdue-'));
  app = await startTestApp({}, { clock: () => now ?? new Date() });
  c = await demoClients(app.url);
  dir = await directory(c.admin);

  // The earlier meeting's notice assigns one task due 31/01/2027 and one due 30/06/2027.
  const earlier = (await runMeeting(c, dir, { title: 'Phiên họp tháng 12 năm 2026' })).meeting;
  expectStatus(
    await c.secretary.post(`/api/meetings/${earlier.id}/transitions`, { to: 'ended' }),
    200,
    'end',
  );
  expectStatus(
    await c.secretary.put<TaskMarks>(`/api/meetings/${earlier.id}/task-marks`, {
      marks: [
        {
          title: TITLE_OVERDUE,
          leadUnitId: dir.unitId('26-SNV'),
          deadline: '2027-01-31',
          paragraph: { index: 2, text: `${TITLE_OVERDUE} trước ngày 31/01/2027.` },
        },
        {
          title: TITLE_ON_TIME,
          leadUnitId: dir.unitId('26-STC'),
          deadline: '2027-06-30',
          paragraph: { index: 3, text: `${TITLE_ON_TIME} trước ngày 30/6/2027.` },
        },
      ],
    }),
    200,
    'mark tasks',
  );
  await approveAndPublish(c, earlier.id, 'notice', c.chair);

  // February 2027: the first task is overdue when the next meeting is prepared.
  next = await buildMeeting(c, dir, {
    state: 'scheduled',
    overrides: { title: 'Phiên họp thường kỳ tháng 2 năm 2027' },
  });
  const id = next.id;
  now = new Date('2027-02-05T02:00:00Z');
  const added = expectStatus(
    await c.secretary.post<OverdueAgendaResult>(`/api/meetings/${id}/agenda/overdue-tasks`),
    200,
    'add overdue tasks',
  );
  now = null;
  expect(added.taskCount).toBe(1);
  const agenda = expectStatus(
    await c.secretary.post<Agenda>(`/api/meetings/${id}/agenda`, { title: ITEM_NEXT }),
    201,
    'agenda item',
  );
  const nextItem = must(agenda.items.find((i) => i.title === ITEM_NEXT)).id;

  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'live' }),
    200,
    'live',
  );
  for (const u of [c.d1, c.d3]) {
    expectStatus(await u.post(`/api/meetings/${id}/attendance/check-in`), 200, 'check-in');
  }
  expectStatus(
    await c.chair.put(`/api/meetings/${id}/agenda/current`, { itemId: must(added.itemId) }),
    200,
    'overdue item',
  );
  await speak(c.d3);
  expectStatus(
    await c.chair.put(`/api/meetings/${id}/agenda/current`, { itemId: nextItem }),
    200,
    'next item',
  );
  await speak(c.d1);
  expectStatus(await c.chair.post(`/api/meetings/${id}/transitions`, { to: 'ended' }), 200, 'end');

  const version: PublishedMinutesVersion = await approveAndPublish(c, id);
  const pdf = must(version.files.find((f) => f.format === 'pdf'));
  const file = await download(app.url, pdf.url, c.secretary.token ?? undefined);
  expect(file.status).toBe(200);
  const path = join(tmp, 'minutes.pdf');
  writeFileSync(path, file.bytes);
  text = pdftotext(path).replace(/\s+/g, ' ');
}, 240_000);

afterAll(async () => {
  await app.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the minutes of the meeting that looks at overdue tasks', () => {
  it('list each overdue task under the item that put them on the agenda', () => {
    const overdue = section(OVERDUE_ITEM_TITLE, ITEM_NEXT);
    expect(overdue).toContain(TITLE_OVERDUE);
    expect(overdue).toContain('chủ trì: Sở Nội vụ');
    expect(overdue).toContain('hạn 31/01/2027');
    expect(overdue).toContain('Phiên họp tháng 12 năm 2026');
  });

  it('leave out the tasks that are not overdue', () => {
    expect(text).not.toContain(TITLE_ON_TIME);
  });

  it('record what was said under that item, and only there', () => {
    const overdue = section(OVERDUE_ITEM_TITLE, ITEM_NEXT);
    expect(overdue).toContain(SPEAKER_OVERDUE);
    expect(overdue).not.toContain(SPEAKER_NEXT);
    expect(section(ITEM_NEXT, 'Cuộc họp kết thúc')).toContain(SPEAKER_NEXT);
  });
});
