import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MinutesDocumentMeta } from '../../contracts/minutes';
import { formatPlaceDate } from '../templates/format-vi';

// The ND30 (Nghị định 30/2020/NĐ-CP, Phụ lục I) page and type settings shared by the PDF and
// DOCX renderers, in points (1 mm = 72 / 25.4 pt).

const MM = 72 / 25.4;

/** A4 and the margins ND30 allows (top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm). */
export const PAGE = {
  width: 595.28,
  height: 841.89,
  margins: { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM },
} as const;

/** Type sizes within the ranges ND30 gives for each element. */
export const SIZE = {
  parentBody: 13,
  issuingBody: 13,
  nationalTitle: 13,
  motto: 14,
  numberSymbol: 13,
  placeDate: 14,
  docType: 14,
  title: 14,
  body: 14,
  signer: 14,
  recipientsLabel: 12,
  recipients: 11,
  pageNumber: 14,
} as const;

/** First-line indent of body paragraphs (1-1.27 cm) and spacing after them (>= 6 pt). */
export const BODY = {
  firstLineIndent: 1.27 * 10 * MM,
  spaceAfter: 6,
  lineGap: 2.5,
  listIndent: 18,
} as const;

/** Width of the left header column (issuing body); the right one holds Quốc hiệu. */
export const HEADER_LEFT_FRACTION = 0.4;

/** The fixed lines of the header. */
export const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
/** Tiêu ngữ: hyphens with a space either side, each word capitalised as ND30 writes it. */
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';

/** "BIÊN BẢN" or "THÔNG BÁO". */
export function docTypeName(meta: MinutesDocumentMeta): string {
  return meta.kind === 'minutes' ? 'BIÊN BẢN' : 'THÔNG BÁO';
}

/** The place-and-date line, or null where the form has none. */
export function placeDateLine(meta: MinutesDocumentMeta): string | null {
  const show = meta.showPlaceDate ?? meta.kind === 'notice';
  return show ? formatPlaceDate(meta.placeName, meta.issuedOn) : null;
}

/** "- Lưu: VT, TH." and the recipients each ending with ";". */
export function recipientLines(meta: MinutesDocumentMeta): string[] {
  const lines = meta.recipients.map((r) => `- ${r.replace(/[;.]\s*$/, '')};`);
  lines.push(`- Lưu: ${meta.archive.trim() || 'VT'}.`);
  return lines;
}

/** The four faces of the serif family. */
export interface SerifFonts {
  regular: Buffer;
  bold: Buffer;
  italic: Buffer;
  boldItalic: Buffer;
}

/** Debian's fonts-liberation2: Liberation Serif is metric-compatible with Times New Roman. */
export const DEFAULT_FONT_DIR = '/usr/share/fonts/truetype/liberation2';

const fontCache = new Map<string, SerifFonts>();

/**
 * Loads Liberation Serif (regular, bold, italic, bold italic) from `dir`, once per process.
 * Throws an Error naming the missing file and the package to install.
 */
export function loadSerifFonts(dir: string = DEFAULT_FONT_DIR): SerifFonts {
  const cached = fontCache.get(dir);
  if (cached) return cached;
  const read = (file: string): Buffer => {
    try {
      return readFileSync(join(dir, file));
    } catch (err) {
      throw new Error(
        `font ${join(dir, file)} is missing: install Debian's fonts-liberation2 (apt-get install fonts-liberation2) or set the minutes font directory`,
        { cause: err },
      );
    }
  };
  const fonts = {
    regular: read('LiberationSerif-Regular.ttf'),
    bold: read('LiberationSerif-Bold.ttf'),
    italic: read('LiberationSerif-Italic.ttf'),
    boldItalic: read('LiberationSerif-BoldItalic.ttf'),
  };
  fontCache.set(dir, fonts);
  return fonts;
}
