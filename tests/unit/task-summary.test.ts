import { describe, expect, it } from 'vitest';
import { taskSummaryCsv } from '../../server/tasks/tasks.routes';
import { summarizeTasks } from '../../server/tasks/task-summary';
import type { SummaryRow } from '../../server/tasks/task-summary';

const snv = { id: 'a'.repeat(24), name: 'Sở Nội vụ' };
const stc = { id: 'b'.repeat(24), name: 'Sở Tài chính' };
const m1 = { id: 'c'.repeat(24), name: 'Phiên họp tháng 12' };
const m2 = { id: 'd'.repeat(24), name: 'Phiên họp tháng 1' };
const rows: SummaryRow[] = [
  { status: 'overdue', deadline: '2027-01-31', unit: snv, meeting: m1 },
  { status: 'done_on_time', deadline: '2027-01-15', unit: snv, meeting: m1 },
  { status: 'in_progress', deadline: '2027-03-15', unit: stc, meeting: m2 },
];

describe('summarizeTasks', () => {
  const s = summarizeTasks(rows);

  it('counts every task once per status in the totals', () => {
    expect(s.totals).toEqual({
      total: 3,
      in_progress: 1,
      awaiting_acceptance: 0,
      overdue: 1,
      done_on_time: 1,
      done_late: 0,
    });
  });

  it('groups by lead unit and by meeting, most tasks first', () => {
    expect(s.byUnit.map((u) => [u.name, u.total, u.overdue])).toEqual([
      ['Sở Nội vụ', 2, 1],
      ['Sở Tài chính', 1, 0],
    ]);
    expect(s.byMeeting.map((m) => [m.name, m.total])).toEqual([
      ['Phiên họp tháng 12', 2],
      ['Phiên họp tháng 1', 1],
    ]);
  });

  it('groups by month of the deadline, in order', () => {
    expect(s.byMonth.map((m) => [m.month, m.total])).toEqual([
      ['2027-01', 2],
      ['2027-03', 1],
    ]);
  });

  it('writes one CSV line per unit, meeting and month, and the totals', () => {
    const lines = taskSummaryCsv(s)
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]).toBe(
      'Theo,Tên,Tổng số,Đang thực hiện,Chờ nghiệm thu,Quá hạn,Hoàn thành đúng hạn,Hoàn thành quá hạn',
    );
    expect(lines).toContain('Đơn vị chủ trì,Sở Nội vụ,2,0,0,1,1,0');
    expect(lines).toContain('Tháng (hạn),2027-03,1,1,0,0,0,0');
    expect(lines.at(-1)).toBe('Tổng cộng,,3,1,0,1,1,0');
  });
});
