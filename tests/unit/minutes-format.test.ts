import { describe, expect, it } from 'vitest';
import {
  formatDateTimeVi,
  formatDateVi,
  formatPercentVi,
  formatPlaceDate,
  vietnamDate,
} from '../../server/minutes/templates/format-vi';

describe('Vietnamese date and number formats (ND30)', () => {
  it('writes days below 10 and the months 1 and 2 with a leading zero', () => {
    expect(formatDateVi('2026-02-05')).toBe('ngày 05 tháng 02 năm 2026');
    expect(formatDateVi('2026-11-23')).toBe('ngày 23 tháng 11 năm 2026');
    expect(formatDateVi('2026-03-09')).toBe('ngày 09 tháng 3 năm 2026');
    expect(formatPlaceDate('Vĩnh Phúc', '2026-11-23')).toBe('Vĩnh Phúc, ngày 23 tháng 11 năm 2026');
  });

  it('uses Vietnam time whatever the offset of the input', () => {
    expect(formatDateTimeVi('2026-11-22T18:05:00Z')).toBe(
      '01 giờ 05 phút, ngày 23 tháng 11 năm 2026',
    );
    expect(vietnamDate('2026-11-22T16:59:00Z')).toBe('2026-11-22');
  });

  it('writes percentages with a decimal comma', () => {
    expect(formatPercentVi(2, 3)).toBe('66,7%');
    expect(formatPercentVi(0, 0)).toBe('0%');
  });

  it('rejects what is not a date', () => {
    expect(() => formatDateVi('23/11/2026')).toThrow(RangeError);
    expect(() => vietnamDate('yesterday')).toThrow(RangeError);
  });
});
