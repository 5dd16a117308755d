import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../../server/csv-export';

describe('CSV export', () => {
  it('quotes separators and quotes, and leaves plain cells alone', () => {
    expect(csvCell('Sở Tài chính')).toBe('Sở Tài chính');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('Sở Nội vụ; Sở Tư pháp')).toBe('"Sở Nội vụ; Sở Tư pháp"');
    expect(csvCell('nói "có"')).toBe('"nói ""có"""');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
  });

  it('never lets a cell become a spreadsheet formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('writes a byte-order mark and CRLF lines', () => {
    const doc = csvDocument([
      ['Tháng', 'Số cuộc họp'],
      ['2027-01', 3],
    ]);
    expect(doc).toBe('\uFEFFTháng,Số cuộc họp\r\n2027-01,3\r\n');
  });
});
