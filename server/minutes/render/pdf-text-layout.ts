import type { TextRun } from './content-blocks';

// Our own line breaking and justification for the PDF: pdfkit's justify mode spreads each
// `continued` segment on its own, which leaves gaps when marks change mid-line. Here a
// paragraph is broken into lines across runs, then each line is drawn in segments of one style
// with the same extra word spacing, so mixed bold/italic text justifies like a word processor.

/** The four faces registered on the document. */
export type Face = 'R' | 'B' | 'I' | 'BI';

/** What the layout needs from pdfkit. */
export interface TextSurface {
  font(face: Face): unknown;
  fontSize(size: number): unknown;
  widthOfString(s: string): number;
  currentLineHeight(includeGap?: boolean): number;
  text(s: string, x: number, y: number, options: Record<string, unknown>): unknown;
  addPage(): unknown;
}

interface Piece {
  text: string;
  face: Face;
  underline: boolean;
  strike: boolean;
  width: number;
}

interface Word {
  pieces: Piece[];
  width: number;
  /** Width of the space after the word (0 at a hard break). */
  space: number;
  hardBreakAfter: boolean;
}

/** How to set one paragraph. */
export interface ParagraphStyle {
  x: number;
  width: number;
  firstLineIndent: number;
  size: number;
  align: 'justify' | 'left' | 'center';
  lineGap: number;
  spaceAfter: number;
  /** Lowest y a line may end at before a new page starts. */
  bottom: number;
  /** y of the first line on a new page. */
  top: number;
}

const faceOf = (r: TextRun): Face => (r.bold ? (r.italic ? 'BI' : 'B') : r.italic ? 'I' : 'R');

function measure(surface: TextSurface, face: Face, size: number, s: string): number {
  surface.font(face);
  surface.fontSize(size);
  return surface.widthOfString(s);
}

function wordsOf(surface: TextSurface, runs: TextRun[], size: number): Word[] {
  const words: Word[] = [];
  let current: Piece[] = [];
  const flush = (space: number, hardBreakAfter: boolean): void => {
    if (current.length > 0 || hardBreakAfter) {
      words.push({
        pieces: current,
        width: current.reduce((s, p) => s + p.width, 0),
        space,
        hardBreakAfter,
      });
    } else if (words.length > 0) {
      const last = words[words.length - 1];
      if (last) last.space += space;
    }
    current = [];
  };
  for (const run of runs) {
    const face = faceOf(run);
    const parts = run.text.split(/(\n| +)/);
    for (const part of parts) {
      if (part === '') continue;
      if (part === '\n') flush(0, true);
      else if (part.trim() === '') flush(measure(surface, face, size, part), false);
      else {
        current.push({
          text: part,
          face,
          underline: run.underline,
          strike: run.strike,
          width: measure(surface, face, size, part),
        });
      }
    }
  }
  flush(0, false);
  const last = words[words.length - 1];
  if (last) last.space = 0;
  return words;
}

interface Line {
  words: Word[];
  natural: number;
  last: boolean;
}

function breakLines(words: Word[], first: number, rest: number): Line[] {
  const lines: Line[] = [];
  let line: Word[] = [];
  let used = 0;
  const close = (last: boolean): void => {
    lines.push({ words: line, natural: used, last });
    line = [];
    used = 0;
  };
  for (const word of words) {
    const avail = lines.length === 0 ? first : rest;
    const before = line.length > 0 ? (line[line.length - 1]?.space ?? 0) : 0;
    if (line.length > 0 && used + before + word.width > avail) close(false);
    used += (line.length > 0 ? (line[line.length - 1]?.space ?? 0) : 0) + word.width;
    line.push(word);
    if (word.hardBreakAfter) close(true);
  }
  if (line.length > 0 || lines.length === 0) close(true);
  return lines;
}

function drawLine(
  surface: TextSurface,
  line: Line,
  x: number,
  y: number,
  size: number,
  extra: number,
): void {
  let cx = x;
  let seg: Piece | null = null;
  let segText = '';
  let segX = x;
  let segSpaces = 0;
  const draw = (): void => {
    if (!seg || segText === '') return;
    surface.font(seg.face);
    surface.fontSize(size);
    surface.text(segText, segX, y, {
      lineBreak: false,
      wordSpacing: segSpaces > 0 ? extra : 0,
      underline: seg.underline,
      strike: seg.strike,
    });
  };
  line.words.forEach((word, wi) => {
    for (const p of word.pieces) {
      const same =
        seg !== null &&
        seg.face === p.face &&
        seg.underline === p.underline &&
        seg.strike === p.strike;
      if (!same) {
        draw();
        seg = p;
        segText = '';
        segX = cx;
        segSpaces = 0;
      }
      segText += p.text;
      cx += p.width;
    }
    if (wi < line.words.length - 1 && word.space > 0) {
      // The space joins the segment when the next word starts in the same style.
      const next = line.words[wi + 1]?.pieces[0];
      if (
        seg !== null &&
        next &&
        next.face === seg.face &&
        next.underline === seg.underline &&
        next.strike === seg.strike
      ) {
        segText += ' ';
        segSpaces += 1;
      }
      cx += word.space + extra;
    }
  });
  draw();
}

/**
 * Lays out and draws one paragraph from `y`, adding pages as needed; returns the y after it
 * (including the space after the paragraph).
 */
export function drawParagraph(
  surface: TextSurface,
  runs: TextRun[],
  y: number,
  style: ParagraphStyle,
): number {
  const words = wordsOf(surface, runs, style.size);
  surface.font('R');
  surface.fontSize(style.size);
  const lineHeight = surface.currentLineHeight(true) + style.lineGap;
  const lines = breakLines(words, style.width - style.firstLineIndent, style.width);
  let cy = y;
  lines.forEach((line, i) => {
    if (cy + lineHeight > style.bottom) {
      surface.addPage();
      cy = style.top;
    }
    const indent = i === 0 ? style.firstLineIndent : 0;
    const avail = style.width - indent;
    const gaps = line.words.length - 1;
    let x = style.x + indent;
    let extra = 0;
    if (style.align === 'justify' && !line.last && gaps > 0)
      extra = Math.max(0, (avail - line.natural) / gaps);
    if (style.align === 'center') x += Math.max(0, (avail - line.natural) / 2);
    drawLine(surface, line, x, cy, style.size, extra);
    cy += lineHeight;
  });
  return cy + style.spaceAfter;
}
