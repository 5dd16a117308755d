import type { TaskCounts, TaskStatus, TaskSummary } from '../contracts/tasks';

/** What the dashboards count of one task. */
export interface SummaryRow {
  status: TaskStatus;
  /** `YYYY-MM-DD`; counted in its month. */
  deadline: string;
  unit: { id: string; name: string };
  meeting: { id: string; name: string };
}

const empty = (): TaskCounts => ({
  total: 0,
  in_progress: 0,
  awaiting_acceptance: 0,
  overdue: 0,
  done_on_time: 0,
  done_late: 0,
});

function countBy<K extends string>(
  rows: readonly SummaryRow[],
  key: (r: SummaryRow) => K,
): Map<K, TaskCounts> {
  const out = new Map<K, TaskCounts>();
  for (const r of rows) {
    const k = key(r);
    const c = out.get(k) ?? empty();
    c.total += 1;
    c[r.status] += 1;
    out.set(k, c);
  }
  return out;
}

/**
 * Counts tasks per status overall, by lead unit and by meeting (most tasks first, then by name)
 * and by month of the deadline (in order). Pure: the service hands it the visible tasks.
 */
export function summarizeTasks(rows: readonly SummaryRow[]): TaskSummary {
  const named = (pick: (r: SummaryRow) => { id: string; name: string }) => {
    const names = new Map(rows.map((r) => [pick(r).id, pick(r).name]));
    return [...countBy(rows, (r) => pick(r).id)]
      .map(([id, c]) => ({ id, name: names.get(id) ?? '', ...c }))
      .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name, 'vi'));
  };
  return {
    totals: countBy(rows, () => 'all').get('all') ?? empty(),
    byUnit: named((r) => r.unit),
    byMeeting: named((r) => r.meeting),
    byMonth: [...countBy(rows, (r) => r.deadline.slice(0, 7))]
      .map(([month, c]) => ({ month, ...c }))
      .sort((a, b) => a.month.localeCompare(b.month)),
  };
}
