// A minimal reader of PDF objects, enough to append an incremental update to a PDF whose
// cross-reference is a classic table (what pdfkit and most producers write): the trailer, the
// objects by number, and dictionaries whose values are kept as their source text so that
// rewriting a dictionary leaves every value byte-for-byte as it was.

/** Thrown when the bytes are not a PDF this reader can update. */
export class PdfStructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfStructureError';
  }
}

/** A parsed value and the source text it came from. */
export type PdfValue =
  | { t: 'dict'; entries: Map<string, PdfValue>; raw: string }
  | { t: 'array'; items: PdfValue[]; raw: string }
  | { t: 'ref'; num: number; gen: number; raw: string }
  | { t: 'other'; raw: string };

const DELIMS = '()<>[]{}/%';
const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\r\n\f\0'.includes(c);
const isRegular = (c: string | undefined): boolean =>
  c !== undefined && !isSpace(c) && !DELIMS.includes(c);

function skip(s: string, i: number): number {
  let j = i;
  for (;;) {
    while (isSpace(s[j])) j++;
    if (s[j] !== '%') return j;
    while (j < s.length && s[j] !== '\n' && s[j] !== '\r') j++;
  }
}

function literalEnd(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  throw new PdfStructureError('unterminated string');
}

/** Parses the value starting at `i` (after whitespace); returns it and where it ends. */
export function parseValue(s: string, start: number): { value: PdfValue; end: number } {
  const i = skip(s, start);
  const c = s[i];
  if (c === undefined) throw new PdfStructureError('unexpected end of data');
  if (s.startsWith('<<', i)) {
    const entries = new Map<string, PdfValue>();
    let j = skip(s, i + 2);
    while (!s.startsWith('>>', j)) {
      if (s[j] !== '/') throw new PdfStructureError(`dictionary key expected at ${String(j)}`);
      let k = j + 1;
      while (isRegular(s[k])) k++;
      const key = s.slice(j + 1, k);
      const { value, end } = parseValue(s, k);
      entries.set(key, value);
      j = skip(s, end);
    }
    return { value: { t: 'dict', entries, raw: s.slice(i, j + 2) }, end: j + 2 };
  }
  if (c === '[') {
    const items: PdfValue[] = [];
    let j = skip(s, i + 1);
    while (s[j] !== ']') {
      const { value, end } = parseValue(s, j);
      items.push(value);
      j = skip(s, end);
    }
    return { value: { t: 'array', items, raw: s.slice(i, j + 1) }, end: j + 1 };
  }
  if (c === '(') {
    const end = literalEnd(s, i);
    return { value: { t: 'other', raw: s.slice(i, end) }, end };
  }
  if (c === '<') {
    const end = s.indexOf('>', i) + 1;
    if (end === 0) throw new PdfStructureError('unterminated hex string');
    return { value: { t: 'other', raw: s.slice(i, end) }, end };
  }
  let j = c === '/' ? i + 1 : i;
  while (isRegular(s[j])) j++;
  if (j === i) throw new PdfStructureError(`unexpected "${c}" at ${String(i)}`);
  const ref = /^\s+(\d+)\s+R(?![^\s()<>[\]{}/%])/.exec(s.slice(j, j + 24));
  if (/^\d+$/.test(s.slice(i, j)) && ref?.[1] !== undefined) {
    const end = j + ref[0].length;
    return {
      value: { t: 'ref', num: Number(s.slice(i, j)), gen: Number(ref[1]), raw: s.slice(i, end) },
      end,
    };
  }
  return { value: { t: 'other', raw: s.slice(i, j) }, end: j };
}

/** Writes a dictionary back from its entries (values keep their source text). */
export function serializeDict(entries: Map<string, PdfValue>): string {
  return `<<${[...entries].map(([k, v]) => `/${k} ${v.raw}`).join(' ')}>>`;
}

/** The classic cross-reference of a PDF: object offsets and the trailer. */
export interface PdfXref {
  offsets: Map<number, number>;
  trailer: Map<string, PdfValue>;
  startxref: number;
}

/**
 * Reads the cross-reference table(s) of `pdf` (latin1 text), following /Prev. Throws
 * PdfStructureError for a cross-reference stream or a damaged table.
 */
export function readXref(pdf: string): PdfXref {
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(pdf.slice(-64));
  if (!m?.[1]) throw new PdfStructureError('no startxref at the end of the file');
  const startxref = Number(m[1]);
  const offsets = new Map<number, number>();
  let trailer: Map<string, PdfValue> | null = null;
  let at: number | null = startxref;
  const seen = new Set<number>();
  while (at !== null) {
    if (seen.has(at)) throw new PdfStructureError('cross-reference loop');
    seen.add(at);
    if (!pdf.startsWith('xref', at)) {
      throw new PdfStructureError(
        'cross-reference streams are not supported (classic xref table expected)',
      );
    }
    let i = skip(pdf, at + 4);
    for (;;) {
      const head = /^(\d+)\s+(\d+)\s*[\r\n]+/.exec(pdf.slice(i, i + 40));
      if (!head?.[1] || !head[2]) break;
      const first = Number(head[1]);
      const count = Number(head[2]);
      i += head[0].length;
      for (let k = 0; k < count; k++) {
        const entry = pdf.slice(i, i + 20);
        const e = /^(\d{10}) (\d{5}) ([nf])/.exec(entry);
        if (!e?.[1]) throw new PdfStructureError(`bad cross-reference entry at ${String(i)}`);
        if (e[3] === 'n' && !offsets.has(first + k)) offsets.set(first + k, Number(e[1]));
        i += 20;
      }
      i = skip(pdf, i);
    }
    if (!pdf.startsWith('trailer', i))
      throw new PdfStructureError('no trailer after the cross-reference');
    const parsed = parseValue(pdf, i + 7).value;
    if (parsed.t !== 'dict') throw new PdfStructureError('trailer is not a dictionary');
    trailer ??= parsed.entries;
    const prev = parsed.entries.get('Prev');
    at = prev ? Number(prev.raw) : null;
  }
  if (!trailer) throw new PdfStructureError('no trailer');
  return { offsets, trailer, startxref };
}

/** Reads object `num` as a dictionary. Throws PdfStructureError if absent or not a dict. */
export function readDictObject(pdf: string, xref: PdfXref, num: number): Map<string, PdfValue> {
  const offset = xref.offsets.get(num);
  if (offset === undefined)
    throw new PdfStructureError(`object ${String(num)} is not in the cross-reference`);
  const head = /^(\d+)\s+(\d+)\s+obj/.exec(pdf.slice(offset, offset + 32));
  if (head?.[1] !== String(num))
    throw new PdfStructureError(`object ${String(num)} is not at its offset`);
  const { value } = parseValue(pdf, offset + head[0].length);
  if (value.t !== 'dict') throw new PdfStructureError(`object ${String(num)} is not a dictionary`);
  return value.entries;
}

/** The object number a value refers to. Throws PdfStructureError when it is not a reference. */
export function refNum(v: PdfValue | undefined, what: string): number {
  if (v?.t !== 'ref') throw new PdfStructureError(`${what} is not an indirect reference`);
  return v.num;
}
