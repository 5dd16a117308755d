/** Calendar arithmetic for the meetings calendar, in local time, weeks starting on Monday. */

/** Midnight (local) of the day of `d`. */
export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** `d` moved by `n` days (local calendar days, safe across DST). */
export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

/** Monday of the week of `d`. */
export function startOfWeek(d: Date): Date {
  const day = (d.getDay() + 6) % 7;
  return addDays(startOfDay(d), -day);
}

/** A key for a local day: YYYY-MM-DD. */
export function dayKey(d: Date): string {
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${String(d.getFullYear())}-${m}-${day}`;
}

/** The days shown by a calendar view and the time range to ask the API for. */
export interface CalendarRange {
  days: Date[];
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** The seven days of the week containing `d`. */
export function weekRange(d: Date): CalendarRange {
  const from = startOfWeek(d);
  const days = Array.from({ length: 7 }, (_, i) => addDays(from, i));
  return { days, from, to: addDays(from, 7) };
}

/** Whole weeks (Monday first) covering the month of `d`: 4 to 6 rows of 7 days. */
export function monthRange(d: Date): CalendarRange {
  const first = new Date(d.getFullYear(), d.getMonth(), 1);
  const last = new Date(d.getFullYear(), d.getMonth() + 1, 0);
  const from = startOfWeek(first);
  const to = addDays(startOfWeek(last), 7);
  const days: Date[] = [];
  for (let x = from; x < to; x = addDays(x, 1)) days.push(x);
  return { days, from, to };
}

/** Groups items by the local day they start on, each day sorted by start time. */
export function byDay<T extends { startsAt: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of [...items].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))) {
    const key = dayKey(new Date(it.startsAt));
    const list = out.get(key);
    if (list) list.push(it);
    else out.set(key, [it]);
  }
  return out;
}

/** Moves the reference date one view forward (+1) or back (-1). */
export function shift(d: Date, view: 'week' | 'month', dir: 1 | -1): Date {
  return view === 'week' ? addDays(d, 7 * dir) : new Date(d.getFullYear(), d.getMonth() + dir, 1);
}
