import type { DocumentType } from '../contracts/documents';

/** How many leading bytes {@link sniffHead} needs. */
export const SNIFF_BYTES = 8;

/** What the first bytes of a file say it is. */
export type HeadKind = 'pdf' | 'png' | 'jpeg' | 'zip';

const startsWith = (head: Uint8Array, bytes: readonly number[]): boolean =>
  head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/**
 * Recognises a file by its magic bytes: PDF (`%PDF-`), PNG (its 8-byte signature), JPEG (SOI
 * marker followed by another marker), ZIP (a local file header). Anything else (an .exe's
 * `MZ`, HTML, scripts) is null, whatever its name says.
 */
export function sniffHead(head: Uint8Array): HeadKind | null {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  return null;
}

/** The content of an ODF package's `mimetype` entry for a text document. */
export const ODT_MIMETYPE = 'application/vnd.oasis.opendocument.text';

/**
 * Recognises an office package from the names of its ZIP entries (and, for ODF, the content
 * of its `mimetype` entry): OOXML needs `[Content_Types].xml` and the part that makes it a
 * document, workbook or presentation; macro projects (`vbaProject.bin`) are refused.
 * Null for any other ZIP file.
 */
export function classifyZip(
  names: readonly string[],
  mimetype: string | null,
): DocumentType | null {
  const set = new Set(names);
  if (names.some((n) => n.toLowerCase().endsWith('vbaproject.bin'))) return null;
  if (set.has('[Content_Types].xml')) {
    if (set.has('word/document.xml')) return 'docx';
    if (set.has('xl/workbook.xml')) return 'xlsx';
    if (set.has('ppt/presentation.xml')) return 'pptx';
    return null;
  }
  if (set.has('mimetype') && set.has('content.xml') && mimetype?.trim() === ODT_MIMETYPE) {
    return 'odt';
  }
  return null;
}
