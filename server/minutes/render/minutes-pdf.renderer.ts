import PDFDocument from 'pdfkit';
import type { MinutesDocumentMeta, MinutesNode } from '../../contracts/minutes';
import type { LayoutBlock, TextRun } from './content-blocks';
import type { ParagraphStyle, TextSurface } from './pdf-text-layout';
import { drawParagraph } from './pdf-text-layout';
import { toLayoutBlocks } from './content-blocks';
import {
  BODY,
  DEFAULT_FONT_DIR,
  HEADER_LEFT_FRACTION,
  MOTTO,
  NATIONAL_TITLE,
  PAGE,
  SIZE,
  docTypeName,
  loadSerifFonts,
  placeDateLine,
  recipientLines,
} from './nd30-layout';

/** Where the renderer finds its fonts. */
export interface PdfRenderOptions {
  /** Directory holding LiberationSerif-{Regular,Bold,Italic,BoldItalic}.ttf. */
  fontDir?: string;
}

type Face = 'R' | 'B' | 'I' | 'BI';
type Doc = PDFKit.PDFDocument;

interface Frame {
  x: number;
  width: number;
}

function centered(doc: Doc, s: string, face: Face, size: number, frame: Frame, y?: number): number {
  doc.font(face).fontSize(size);
  doc.text(s, frame.x, y ?? doc.y, { width: frame.width, align: 'center' });
  return doc.y;
}

function rule(doc: Doc, centerX: number, y: number, length: number): void {
  doc
    .moveTo(centerX - length / 2, y)
    .lineTo(centerX + length / 2, y)
    .lineWidth(0.6)
    .stroke();
}

function header(doc: Doc, meta: MinutesDocumentMeta, frame: Frame): void {
  const top = PAGE.margins.top;
  const left: Frame = { x: frame.x, width: frame.width * HEADER_LEFT_FRACTION };
  const right: Frame = { x: left.x + left.width, width: frame.width - left.width };
  doc.y = top;
  if (meta.parentBody) centered(doc, meta.parentBody, 'R', SIZE.parentBody, left);
  let leftY = centered(doc, meta.issuingBody, 'B', SIZE.issuingBody, left);
  const issuerWidth = Math.min(doc.widthOfString(meta.issuingBody), left.width);
  rule(doc, left.x + left.width / 2, leftY + 2, issuerWidth * 0.4);
  leftY += 6;

  doc.font('B').fontSize(SIZE.nationalTitle);
  const nationalSize =
    doc.widthOfString(NATIONAL_TITLE) <= right.width ? SIZE.nationalTitle : SIZE.nationalTitle - 1;
  centered(doc, NATIONAL_TITLE, 'B', nationalSize, right, top);
  let rightY = centered(doc, MOTTO, 'B', SIZE.motto, right);
  rule(doc, right.x + right.width / 2, rightY + 2, doc.widthOfString(MOTTO));
  rightY += 6;

  const rowY = Math.max(leftY, rightY);
  leftY = centered(doc, `Số: ${meta.numberSymbol}`, 'R', SIZE.numberSymbol, left, rowY);
  const placeDate = placeDateLine(meta);
  rightY = placeDate ? centered(doc, placeDate, 'I', SIZE.placeDate, right, rowY) : rowY;
  doc.y = Math.max(leftY, rightY) + 18;
  centered(doc, docTypeName(meta), 'B', SIZE.docType, frame);
  const titleBottom = centered(doc, meta.title, 'B', SIZE.title, frame);
  const titleWidth = Math.min(doc.widthOfString(meta.title), frame.width);
  rule(doc, frame.x + frame.width / 2, titleBottom + 2, Math.max(60, titleWidth / 3));
  doc.y = titleBottom + 14;
}

function paragraphStyle(
  frame: Frame,
  indent: number,
  align: ParagraphStyle['align'],
): ParagraphStyle {
  return {
    x: frame.x,
    width: frame.width,
    firstLineIndent: indent,
    size: SIZE.body,
    align,
    lineGap: BODY.lineGap,
    spaceAfter: BODY.spaceAfter,
    top: PAGE.margins.top,
    bottom: PAGE.height - PAGE.margins.bottom,
  };
}

function block(doc: Doc, b: LayoutBlock, frame: Frame): void {
  const surface = doc as unknown as TextSurface;
  if (b.kind === 'rule') {
    rule(doc, frame.x + frame.width / 2, doc.y + 3, frame.width);
    doc.y += 9;
    return;
  }
  if (b.kind === 'heading') {
    // Keep a heading with the first lines that follow it.
    if (doc.y + 4 * (SIZE.body * 1.2) > PAGE.height - PAGE.margins.bottom) doc.addPage();
    const runs = b.runs.map((r) => ({ ...r, bold: true }));
    doc.y = drawParagraph(
      surface,
      runs,
      doc.y,
      paragraphStyle(frame, BODY.firstLineIndent, 'left'),
    );
    return;
  }
  // Lists are written as ND30 documents write them: the label ("-", "1.") starts the first
  // line at the paragraph indent; nested levels and quotes indent further.
  const nested = Math.max(0, b.depth - 1) * BODY.listIndent + (b.quote ? BODY.listIndent : 0);
  const inner: Frame =
    b.label === undefined && b.depth > 0
      ? { x: frame.x + nested, width: frame.width - nested }
      : frame;
  const label: TextRun[] = b.label
    ? [{ text: `${b.label} `, bold: false, italic: false, underline: false, strike: false }]
    : [];
  const indent =
    b.label === undefined && b.depth > 0 ? BODY.firstLineIndent : BODY.firstLineIndent + nested;
  doc.y = drawParagraph(
    surface,
    [...label, ...b.runs],
    doc.y,
    paragraphStyle(inner, indent, b.preformatted ? 'left' : 'justify'),
  );
}

function signatureBlock(
  doc: Doc,
  s: MinutesDocumentMeta['signatures'][number],
  frame: Frame,
  y: number,
): number {
  doc.y = y;
  for (const line of [...s.authority, s.title]) centered(doc, line, 'B', SIZE.signer, frame);
  doc.y += 72;
  return centered(doc, s.name, 'B', SIZE.signer, frame);
}

function recipients(doc: Doc, meta: MinutesDocumentMeta, frame: Frame, y: number): number {
  doc
    .font('BI')
    .fontSize(SIZE.recipientsLabel)
    .text('Nơi nhận:', frame.x, y, { width: frame.width });
  doc.font('R').fontSize(SIZE.recipients);
  for (const line of recipientLines(meta)) doc.text(line, frame.x, doc.y, { width: frame.width });
  return doc.y;
}

function closingBlocks(doc: Doc, meta: MinutesDocumentMeta, frame: Frame): void {
  const needed = 20 * (meta.signatures[0]?.authority.length ?? 0) + 140;
  if (doc.y + needed > PAGE.height - PAGE.margins.bottom) doc.addPage();
  const y = doc.y + 6;
  const half = frame.width / 2;
  const leftCol: Frame = { x: frame.x, width: half };
  const rightCol: Frame = { x: frame.x + half, width: half };
  const [first, second] = meta.signatures;
  if (first && second) {
    const bottom = Math.max(
      signatureBlock(doc, first, leftCol, y),
      signatureBlock(doc, second, rightCol, y),
    );
    recipients(doc, meta, frame, bottom + 14);
  } else if (first) {
    const sigBottom = signatureBlock(doc, first, rightCol, y);
    const toBottom = recipients(doc, meta, leftCol, y + 2);
    doc.y = Math.max(sigBottom, toBottom);
  }
}

function pageNumbers(doc: Doc, frame: Frame): void {
  const range = doc.bufferedPageRange();
  // ND30: pages are numbered from the second one, centred in the top margin.
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.font('R').fontSize(SIZE.pageNumber);
    doc.text(String(i + 1), frame.x, PAGE.margins.top / 2 - SIZE.pageNumber / 2, {
      width: frame.width,
      align: 'center',
      lineBreak: false,
    });
  }
}

/**
 * Renders the document as an A4 PDF in the ND30 layout, with Liberation Serif embedded as
 * subsets and text kept NFC so that text extraction returns the same words. Reproducible: the
 * same content and meta give the same bytes (the creation date comes from `meta.createdAt`).
 * Throws MinutesContentError on a bad tree, Error when a font file is missing.
 */
export async function renderMinutesPdf(
  content: MinutesNode,
  meta: MinutesDocumentMeta,
  options: PdfRenderOptions = {},
): Promise<Buffer> {
  const blocks = toLayoutBlocks(content);
  const fonts = loadSerifFonts(options.fontDir ?? DEFAULT_FONT_DIR);
  const created = new Date(meta.createdAt);
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margins: PAGE.margins,
    bufferPages: true,
    pdfVersion: '1.7',
    lang: 'vi-VN',
    displayTitle: true,
    info: {
      Title: `${docTypeName(meta)} ${meta.numberSymbol}: ${meta.title}`,
      Author: meta.issuingBody,
      Creator: 'Diên Hồng',
      Producer: 'Diên Hồng',
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on('error', reject);
  });
  doc.registerFont('R', fonts.regular);
  doc.registerFont('B', fonts.bold);
  doc.registerFont('I', fonts.italic);
  doc.registerFont('BI', fonts.boldItalic);
  const frame: Frame = {
    x: PAGE.margins.left,
    width: PAGE.width - PAGE.margins.left - PAGE.margins.right,
  };
  header(doc, meta, frame);
  for (const b of blocks) block(doc, b, frame);
  closingBlocks(doc, meta, frame);
  pageNumbers(doc, frame);
  doc.end();
  return done;
}
