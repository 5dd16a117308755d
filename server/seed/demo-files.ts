import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import PDFDocument from 'pdfkit';

// Demo documents made on the fly, so the seed ships no binary files. Be Vietnam Pro comes as
// Fontsource subsets: Vietnamese-specific letters live in the "vietnamese" file, the rest in
// "latin", so text is written in runs switching between the two (the ranges are Fontsource's).

const VIETNAMESE_RANGES: [number, number][] = [
  [0x0102, 0x0103],
  [0x0110, 0x0111],
  [0x0128, 0x0129],
  [0x0168, 0x0169],
  [0x01a0, 0x01a1],
  [0x01af, 0x01b0],
  [0x0300, 0x0301],
  [0x0303, 0x0304],
  [0x0308, 0x0309],
  [0x0323, 0x0323],
  [0x0329, 0x0329],
  [0x1ea0, 0x1ef9],
  [0x20ab, 0x20ab],
];

function fontFiles(): { latin: string; vietnamese: string } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@fontsource/be-vietnam-pro/package.json')), 'files');
  return {
    latin: join(dir, 'be-vietnam-pro-latin-400-normal.woff'),
    vietnamese: join(dir, 'be-vietnam-pro-vietnamese-400-normal.woff'),
  };
}

function runsOf(text: string): { vietnamese: boolean; text: string }[] {
  const runs: { vietnamese: boolean; text: string }[] = [];
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0;
    const vietnamese = VIETNAMESE_RANGES.some(([a, b]) => cp >= a && cp <= b);
    const last = runs.at(-1);
    if (last?.vietnamese === vietnamese) last.text += ch;
    else runs.push({ vietnamese, text: ch });
  }
  return runs;
}

/** A one-page PDF with a title and paragraphs (Vietnamese text). */
export async function demoPdf(title: string, paragraphs: string[]): Promise<Buffer> {
  const fonts = fontFiles();
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.registerFont('latin', fonts.latin);
  doc.registerFont('vietnamese', fonts.vietnamese);
  const write = (text: string, size: number): void => {
    const runs = runsOf(text);
    doc.fontSize(size);
    runs.forEach((run, i) => {
      doc.font(run.vietnamese ? 'vietnamese' : 'latin');
      doc.text(run.text, { continued: i < runs.length - 1 });
    });
    doc.moveDown(0.8);
  };
  write(title, 16);
  for (const p of paragraphs) write(p, 11);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** A DOCX with a heading and paragraphs. */
export function demoDocx(title: string, paragraphs: string[]): Promise<Buffer> {
  const doc = new Document({
    title,
    creator: 'Diên Hồng (dữ liệu mẫu)',
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(title)] }),
          ...paragraphs.map((p) => new Paragraph({ children: [new TextRun(p)] })),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
