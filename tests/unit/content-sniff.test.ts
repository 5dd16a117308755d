import { describe, expect, it } from 'vitest';
import {
  asciiFallback,
  contentDisposition,
  encodeRfc5987,
  safeFilename,
} from '../../server/documents/content-disposition';
import { classifyZip, sniffHead } from '../../server/documents/content-sniffer';
import {
  locateCentralDirectory,
  parseCentralDirectory,
  storedEntryData,
} from '../../server/documents/zip-directory';
import {
  exeBytes,
  jpegBytes,
  odtBytes,
  ooxmlBytes,
  pdfBytes,
  plainZipBytes,
  pngBytes,
} from '../support/document-fixtures';
import { buildZip } from '../support/zip-builder';

/** What the server decides for a whole file held in memory. */
function classify(file: Buffer): string | null {
  const head = sniffHead(file.subarray(0, 8));
  if (head !== 'zip') return head;
  const location = locateCentralDirectory(
    file.subarray(Math.max(0, file.length - 65_557)),
    file.length,
  );
  if (!location) return null;
  const entries = parseCentralDirectory(
    file.subarray(location.offset, location.offset + location.size),
    location.entries,
  );
  if (!entries) return null;
  const mimetype = entries.find((e) => e.name === 'mimetype');
  const text = mimetype
    ? (storedEntryData(file.subarray(mimetype.localHeaderOffset), mimetype)?.toString('ascii') ??
      null)
    : null;
  return classifyZip(
    entries.map((e) => e.name),
    text,
  );
}

describe('content sniffing', () => {
  it('recognises the allowed formats by their bytes', () => {
    expect(classify(pdfBytes())).toBe('pdf');
    expect(classify(pngBytes())).toBe('png');
    expect(classify(jpegBytes())).toBe('jpeg');
    expect(classify(ooxmlBytes('docx'))).toBe('docx');
    expect(classify(ooxmlBytes('xlsx'))).toBe('xlsx');
    expect(classify(ooxmlBytes('pptx'))).toBe('pptx');
    expect(classify(odtBytes())).toBe('odt');
  });

  it('refuses everything else, whatever it is called', () => {
    expect(classify(exeBytes())).toBeNull();
    expect(classify(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(classify(Buffer.from('#!/bin/sh\nrm -rf /\n'))).toBeNull();
    expect(classify(Buffer.alloc(0))).toBeNull();
    expect(classify(plainZipBytes())).toBeNull();
    expect(classify(odtBytes('application/vnd.oasis.opendocument.spreadsheet'))).toBeNull();
  });

  it('refuses office files carrying macros', () => {
    expect(classify(ooxmlBytes('docx', [{ name: 'word/vbaProject.bin', data: 'x' }]))).toBeNull();
  });

  it('finds the central directory behind a ZIP comment', () => {
    expect(
      classify(
        buildZip(
          [
            { name: '[Content_Types].xml', data: '<x/>' },
            { name: 'word/document.xml', data: '<x/>' },
          ],
          'bình luận',
        ),
      ),
    ).toBe('docx');
  });

  it('rejects a truncated ZIP', () => {
    const whole = ooxmlBytes('docx');
    expect(classify(whole.subarray(0, whole.length - 10))).toBeNull();
  });
});

describe('Content-Disposition', () => {
  it('carries the UTF-8 name (RFC 5987) and an ASCII fallback', () => {
    const value = contentDisposition('attachment', 'Báo cáo tài chính "Quý 4" (đợt 1).pdf');
    expect(value).toBe(
      `attachment; filename="Bao cao tai chinh _Quy 4_ (dot 1).pdf"; filename*=UTF-8''${encodeRfc5987('Báo cáo tài chính "Quý 4" (đợt 1).pdf')}`,
    );
    expect(encodeRfc5987("a'b(c)*")).toBe('a%27b%28c%29%2A');
    expect(decodeURIComponent(encodeRfc5987('Nghị quyết số 01.docx'))).toBe(
      'Nghị quyết số 01.docx',
    );
  });

  it('never lets a name break the header', () => {
    expect(asciiFallback('a"b\\c;d%e\r\nf')).toBe('a_b_c_d_e__f');
  });
});

describe('safeFilename', () => {
  it('strips paths and control characters, keeps Vietnamese in NFC', () => {
    expect(safeFilename('C:\\Users\\x\\Tờ trình.pdf'.normalize('NFD'), 'pdf', 'x')).toBe(
      'Tờ trình.pdf'.normalize('NFC'),
    );
    expect(safeFilename('../../etc/passwd\u0000.pdf', 'pdf', 'x')).toBe('passwd.pdf');
  });

  it('gives the extension of what the content is', () => {
    expect(safeFilename('setup.exe', 'pdf', 'x')).toBe('setup.pdf');
    expect(safeFilename('anh.jpeg', 'jpeg', 'x')).toBe('anh.jpeg');
    expect(safeFilename('noext', 'docx', 'x')).toBe('noext.docx');
    expect(safeFilename(undefined, 'odt', 'tai-lieu')).toBe('tai-lieu.odt');
    expect(safeFilename(`${'a'.repeat(300)}.pdf`, 'pdf', 'x').length).toBeLessThanOrEqual(200);
  });
});
