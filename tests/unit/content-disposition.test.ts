import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contentDisposition,
  safeFilename,
  stripInvisible,
} from '../../server/documents/content-disposition';

// Issue 12, point 9: download names keep no control or direction-changing characters.

const INVISIBLE = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u061c',
  '\u200b',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\ufeff',
  '\u{e0041}',
];

/** The name a browser shows: the decoded `filename*` parameter. */
function shownName(header: string): string {
  const m = /filename\*=UTF-8''(.*)$/.exec(header);
  return decodeURIComponent(m?.[1] ?? '');
}

describe('download names', () => {
  it('drops a right-to-left override from filename* and filename', () => {
    const header = contentDisposition('attachment', 'Biên bản\u202Efdp.exe');
    expect(shownName(header)).toBe('Biên bảnfdp.exe');
    expect(header).not.toMatch(/%E2%80%AE/i);
    expect(header).toContain('filename="Bien banfdp.exe"');
  });

  it('drops every control and bidirectional character listed in the issue', () => {
    for (const ch of INVISIBLE) {
      expect(shownName(contentDisposition('inline', `a${ch}b.pdf`)), JSON.stringify(ch)).toBe(
        'ab.pdf',
      );
    }
  });

  it('keeps Vietnamese letters and ordinary punctuation', () => {
    const name = 'Thông báo kết luận số 12/TB-UBND (bản 2).pdf';
    expect(shownName(contentDisposition('attachment', name))).toBe(name);
  });

  it('falls back to "download" when nothing visible is left', () => {
    expect(shownName(contentDisposition('attachment', '\u202e\u2066\u0000'))).toBe('download');
  });

  it('stores uploaded names without bidirectional characters', () => {
    expect(safeFilename('hoadon\u202Efdp.exe', 'pdf', 'x')).toBe('hoadonfdp.pdf');
    expect(safeFilename('\u2067\u2069', 'pdf', 'tai-lieu')).toBe('tai-lieu.pdf');
  });

  it('never lets an invisible character through, whatever the name', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...INVISIBLE), fc.string({ unit: 'grapheme' })), {
          maxLength: 12,
        }),
        (pieces) => {
          const shown = shownName(contentDisposition('attachment', pieces.join('')));
          expect(stripInvisible(shown)).toBe(shown);
          for (const ch of INVISIBLE) expect(shown.includes(ch)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
