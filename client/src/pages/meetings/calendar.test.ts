import { describe, expect, it } from 'vitest';
import { byDay, dayKey, monthRange, shift, weekRange } from './calendar';

describe('meetings calendar', () => {
  it('weeks start on Monday', () => {
    const w = weekRange(new Date(2027, 0, 10)); // a Sunday
    expect(dayKey(w.from)).toBe('2027-01-04');
    expect(w.days.map(dayKey).at(-1)).toBe('2027-01-10');
    expect(dayKey(w.to)).toBe('2027-01-11');
  });

  it('a month view covers whole weeks around the month', () => {
    const m = monthRange(new Date(2026, 1, 14)); // February 2026 starts on a Sunday
    expect(dayKey(m.from)).toBe('2026-01-26');
    expect(m.days.length % 7).toBe(0);
    expect(m.days.map(dayKey)).toContain('2026-02-28');
    expect(dayKey(m.to)).toBe('2026-03-02');
  });

  it('groups by local start day, in time order', () => {
    const a = { startsAt: new Date(2027, 0, 5, 14).toISOString(), t: 'a' };
    const b = { startsAt: new Date(2027, 0, 5, 8).toISOString(), t: 'b' };
    const c = { startsAt: new Date(2027, 0, 6, 8).toISOString(), t: 'c' };
    const g = byDay([a, b, c]);
    expect(g.get('2027-01-05')?.map((x) => x.t)).toEqual(['b', 'a']);
    expect(g.get('2027-01-06')?.map((x) => x.t)).toEqual(['c']);
  });

  it('shifts by a week or a month', () => {
    expect(dayKey(shift(new Date(2027, 0, 31), 'week', 1))).toBe('2027-02-07');
    expect(dayKey(shift(new Date(2027, 0, 31), 'month', 1))).toBe('2027-02-01');
    expect(dayKey(shift(new Date(2027, 0, 31), 'month', -1))).toBe('2026-12-01');
  });
});
