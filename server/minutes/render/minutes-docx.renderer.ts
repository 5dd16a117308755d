import type { IParagraphOptions, IRunOptions, ParagraphChild } from 'docx';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { MinutesDocumentMeta, MinutesNode } from '../../contracts/minutes';
import type { LayoutBlock, TextRun as Run } from './content-blocks';
import { toLayoutBlocks } from './content-blocks';
import { escapeHtml } from './minutes-html.renderer';
import {
  BODY,
  HEADER_LEFT_FRACTION,
  MOTTO,
  NATIONAL_TITLE,
  PAGE,
  SIZE,
  docTypeName,
  placeDateLine,
  recipientLines,
} from './nd30-layout';
import { fixZipTimestamps } from './zip-timestamps';

const FONT = 'Times New Roman';
/** A run from typed options (an untyped literal resolves against `string` and its legacy methods). */
const textRun = (options: IRunOptions): TextRun => new TextRun(options);
const twips = (pt: number): number => Math.round(pt * 20);
const half = (pt: number): number => pt * 2;
const CONTENT_WIDTH = twips(PAGE.width - PAGE.margins.left - PAGE.margins.right);

interface Style {
  bold?: boolean;
  italics?: boolean;
  size: number;
}

function line(text: string, style: Style, opts: Partial<IParagraphOptions> = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    ...opts,
    children: [
      textRun({
        text,
        bold: style.bold,
        italics: style.italics,
        size: half(style.size),
        font: FONT,
      }),
    ],
  });
}

/** A centred horizontal rule about `widthPt` long, drawn as the bottom border of an empty line. */
function shortRule(columnTwips: number, widthPt: number): Paragraph {
  const side = Math.max(0, Math.round((columnTwips - twips(widthPt)) / 2));
  return new Paragraph({
    indent: { left: side, right: side },
    spacing: { before: 0, after: 60, line: 120 },
    border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } },
    children: [textRun({ text: '', size: 4 })],
  });
}

// Approximate advance of bold Times New Roman: about half the type size per character.
const approxWidth = (s: string, size: number): number => s.length * size * 0.5;

function cell(children: Paragraph[], width: number): TableCell {
  return new TableCell({
    children,
    width: { size: width, type: WidthType.DXA },
    borders: TableBorders.NONE,
  });
}

function header(meta: MinutesDocumentMeta): (Paragraph | Table)[] {
  const leftW = Math.round(CONTENT_WIDTH * HEADER_LEFT_FRACTION);
  const rightW = CONTENT_WIDTH - leftW;
  const left = [
    ...(meta.parentBody ? [line(meta.parentBody, { size: SIZE.parentBody })] : []),
    line(meta.issuingBody, { bold: true, size: SIZE.issuingBody }),
    shortRule(leftW, Math.min(approxWidth(meta.issuingBody, SIZE.issuingBody), leftW / 20) * 0.4),
    line(`Số: ${meta.numberSymbol}`, { size: SIZE.numberSymbol }),
  ];
  const placeDate = placeDateLine(meta);
  const right = [
    line(NATIONAL_TITLE, { bold: true, size: SIZE.nationalTitle }),
    line(MOTTO, { bold: true, size: SIZE.motto }),
    shortRule(rightW, approxWidth(MOTTO, SIZE.motto)),
    ...(placeDate ? [line(placeDate, { italics: true, size: SIZE.placeDate })] : []),
  ];
  return [
    new Table({
      width: { size: CONTENT_WIDTH, type: WidthType.DXA },
      columnWidths: [leftW, rightW],
      borders: TableBorders.NONE,
      rows: [new TableRow({ children: [cell(left, leftW), cell(right, rightW)] })],
    }),
    line(docTypeName(meta), { bold: true, size: SIZE.docType }, { spacing: { before: 360 } }),
    line(meta.title, { bold: true, size: SIZE.title }),
    shortRule(CONTENT_WIDTH, Math.min(approxWidth(meta.title, SIZE.title), CONTENT_WIDTH / 20) / 3),
  ];
}

function runs(list: Run[], forceBold = false): ParagraphChild[] {
  return list.map((r) =>
    r.text === '\n'
      ? textRun({ break: 1 })
      : textRun({
          text: r.text,
          bold: forceBold || r.bold,
          italics: r.italic,
          underline: r.underline ? {} : undefined,
          strike: r.strike,
          font: FONT,
          size: half(SIZE.body),
        }),
  );
}

function body(b: LayoutBlock): Paragraph {
  const spacing = { after: twips(BODY.spaceAfter), line: 276 };
  if (b.kind === 'rule') {
    return new Paragraph({
      border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } },
      spacing,
    });
  }
  if (b.kind === 'heading') {
    return new Paragraph({
      children: runs(b.runs, true),
      indent: { firstLine: twips(BODY.firstLineIndent) },
      spacing,
      keepNext: true,
      outlineLevel: Math.min(8, b.level - 1),
    });
  }
  const nested = twips(
    Math.max(0, b.depth - 1) * BODY.listIndent + (b.quote ? BODY.listIndent : 0),
  );
  const continuation = b.label === undefined && b.depth > 0;
  const label = b.label
    ? [textRun({ text: `${b.label} `, font: FONT, size: half(SIZE.body) })]
    : [];
  return new Paragraph({
    alignment: b.preformatted ? AlignmentType.LEFT : AlignmentType.JUSTIFIED,
    indent: continuation
      ? { left: nested, firstLine: twips(BODY.firstLineIndent) }
      : { firstLine: twips(BODY.firstLineIndent) + nested },
    spacing,
    children: [...label, ...runs(b.runs)],
  });
}

function signature(s: MinutesDocumentMeta['signatures'][number] | undefined): Paragraph[] {
  if (!s) return [new Paragraph({})];
  return [
    ...[...s.authority, s.title].map((l) => line(l, { bold: true, size: SIZE.signer })),
    line(s.name, { bold: true, size: SIZE.signer }, { spacing: { before: twips(72) } }),
  ];
}

function recipients(meta: MinutesDocumentMeta): Paragraph[] {
  return [
    new Paragraph({
      children: [
        textRun({
          text: 'Nơi nhận:',
          bold: true,
          italics: true,
          font: FONT,
          size: half(SIZE.recipientsLabel),
        }),
      ],
    }),
    ...recipientLines(meta).map(
      (l) =>
        new Paragraph({
          children: [textRun({ text: l, font: FONT, size: half(SIZE.recipients) })],
        }),
    ),
  ];
}

function closing(meta: MinutesDocumentMeta): (Paragraph | Table)[] {
  const colW = Math.round(CONTENT_WIDTH / 2);
  const [first, second] = meta.signatures;
  const two = first !== undefined && second !== undefined;
  const row = two
    ? [cell(signature(first), colW), cell(signature(second), colW)]
    : [cell(recipients(meta), colW), cell(signature(first), colW)];
  const table = new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths: [colW, CONTENT_WIDTH - colW],
    borders: TableBorders.NONE,
    rows: [new TableRow({ children: row, cantSplit: true })],
  });
  return two ? [table, ...recipients(meta)] : [table];
}

function coreXml(meta: MinutesDocumentMeta): string {
  const when = new Date(meta.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${escapeHtml(`${docTypeName(meta)} ${meta.numberSymbol}: ${meta.title}`)}</dc:title><dc:creator>${escapeHtml(meta.issuingBody)}</dc:creator><dc:language>vi-VN</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`;
}

/**
 * Renders the document as DOCX (Word) in the ND30 layout, set in Times New Roman, A4, page
 * numbers from page two. Reproducible: dates inside and zip timestamps come from
 * `meta.createdAt`. Throws MinutesContentError on a bad tree.
 */
export async function renderMinutesDocx(
  content: MinutesNode,
  meta: MinutesDocumentMeta,
): Promise<Buffer> {
  const blocks = toLayoutBlocks(content);
  const document = new Document({
    creator: meta.issuingBody,
    title: `${docTypeName(meta)} ${meta.numberSymbol}`,
    styles: { default: { document: { run: { font: FONT, size: half(SIZE.body) } } } },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: twips(PAGE.width), height: twips(PAGE.height) },
            margin: {
              top: twips(PAGE.margins.top),
              bottom: twips(PAGE.margins.bottom),
              left: twips(PAGE.margins.left),
              right: twips(PAGE.margins.right),
              header: twips(PAGE.margins.top / 3),
            },
          },
        },
        headers: {
          first: new Header({ children: [] }),
          default: new Header({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  textRun({
                    children: [PageNumber.CURRENT],
                    font: FONT,
                    size: half(SIZE.pageNumber),
                  }),
                ],
              }),
            ],
          }),
        },
        children: [...header(meta), ...blocks.map(body), ...closing(meta)],
      },
    ],
  });
  const packed = await Packer.toBuffer(document, false, [
    { path: 'docProps/core.xml', data: coreXml(meta) },
  ]);
  return fixZipTimestamps(packed, meta.createdAt);
}
