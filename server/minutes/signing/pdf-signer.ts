import { createHash } from 'node:crypto';
import type { CmsSigner } from './cms';
import { buildDetachedCms } from './cms';
import type { PdfValue } from './pdf-objects';
import {
  PdfStructureError,
  parseValue,
  readDictObject,
  readXref,
  refNum,
  serializeDict,
} from './pdf-objects';

// PAdES-style signing by incremental update: the original bytes stay as they are; appended are
// a signature dictionary with a fixed-size /Contents placeholder and /ByteRange, an invisible
// signature widget on the first page, the AcroForm, the updated catalog and page, a
// cross-reference section and a trailer pointing back (/Prev). The ByteRange then covers the
// whole file except the /Contents hex string, which receives the CMS signature.

/** Who signs and how the signature is described in the PDF. */
export interface PdfSignOptions {
  signer: CmsSigner;
  /** Written as the CMS signing-time and the /M entry. */
  signingTime: Date;
  /** Name of the signer shown by viewers (/Name). */
  name?: string;
  reason?: string;
  location?: string;
  /** Bytes reserved for the CMS signature (default 16384). */
  reservedBytes?: number;
}

/** Thrown when the signature does not fit the reserved space. */
export class SignatureTooLargeError extends Error {
  constructor(size: number, reserved: number) {
    super(
      `the CMS signature takes ${String(size)} bytes but only ${String(reserved)} were reserved`,
    );
    this.name = 'SignatureTooLargeError';
  }
}

const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';

/** A PDF text string: UTF-16BE with a byte-order mark, hex-encoded (safe for any text). */
function textString(s: string): string {
  const utf16 = Buffer.from(`\uFEFF${s.normalize('NFC')}`, 'utf16le').swap16();
  return `<${utf16.toString('hex').toUpperCase()}>`;
}

/** "D:20261123114500+07'00'" in Vietnam time. */
function pdfDate(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3600_000).toISOString();
  return `(D:${v.slice(0, 4)}${v.slice(5, 7)}${v.slice(8, 10)}${v.slice(11, 13)}${v.slice(14, 16)}${v.slice(17, 19)}+07'00')`;
}

function firstKid(node: Map<string, PdfValue>): number {
  const kids = node.get('Kids');
  return refNum(kids?.t === 'array' ? kids.items[0] : undefined, 'first page');
}

const raw = (text: string): PdfValue => ({ t: 'other', raw: text });
const ref = (num: number): PdfValue => ({ t: 'ref', num, gen: 0, raw: `${String(num)} 0 R` });

function appendToArray(
  value: PdfValue | undefined,
  pdf: string,
  xref: ReturnType<typeof readXref>,
  item: number,
): PdfValue {
  if (value === undefined) return raw(`[${String(item)} 0 R]`);
  let arr = value;
  if (value.t === 'ref') {
    const offset = xref.offsets.get(value.num);
    if (offset === undefined) throw new PdfStructureError('referenced array is missing');
    const at = pdf.indexOf('obj', offset) + 3;
    arr = parseValue(pdf, at).value;
  }
  if (arr.t !== 'array') throw new PdfStructureError('expected an array');
  return raw(`${arr.raw.slice(0, -1)} ${String(item)} 0 R]`);
}

/**
 * Signs `pdf` (classic cross-reference table, e.g. from pdfkit) and returns the signed file.
 * Deterministic for a given input, signer and signing time (RSA PKCS#1 v1.5). Throws
 * PdfStructureError when the PDF cannot be updated, SignatureTooLargeError when the reserved
 * space is too small.
 */
export function signPdf(pdf: Buffer, options: PdfSignOptions): Buffer {
  const text = pdf.toString('latin1');
  const xref = readXref(text);
  const size = Number(xref.trailer.get('Size')?.raw);
  if (!Number.isInteger(size) || size < 1)
    throw new PdfStructureError('trailer without a valid /Size');
  const rootNum = refNum(xref.trailer.get('Root'), 'trailer /Root');
  const catalog = readDictObject(text, xref, rootNum);
  const pages = readDictObject(text, xref, refNum(catalog.get('Pages'), 'catalog /Pages'));
  let pageNum = firstKid(pages);
  for (let depth = 0; depth < 32; depth++) {
    const node = readDictObject(text, xref, pageNum);
    if (node.get('Type')?.raw !== '/Pages') break;
    pageNum = firstKid(node);
  }
  const page = readDictObject(text, xref, pageNum);

  const sigNum = size;
  const widgetNum = size + 1;
  let next = size + 2;
  const objects = new Map<number, string>();
  const reserved = options.reservedBytes ?? 16384;
  const sigDict = [
    '<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached',
    `/ByteRange ${BYTE_RANGE_PLACEHOLDER}`,
    `/Contents <${'0'.repeat(reserved * 2)}>`,
    `/M ${pdfDate(options.signingTime)}`,
    options.name ? `/Name ${textString(options.name)}` : '',
    options.reason ? `/Reason ${textString(options.reason)}` : '',
    options.location ? `/Location ${textString(options.location)}` : '',
    '>>',
  ].filter((l) => l !== '');
  objects.set(sigNum, sigDict.join('\n'));
  objects.set(
    widgetNum,
    `<</Type /Annot /Subtype /Widget /FT /Sig /T ${textString(`Signature${String(sigNum)}`)} /F 132 /Rect [0 0 0 0] /V ${String(sigNum)} 0 R /P ${String(pageNum)} 0 R>>`,
  );

  const acro = catalog.get('AcroForm');
  if (acro?.t === 'ref') {
    const form = readDictObject(text, xref, acro.num);
    form.set('Fields', appendToArray(form.get('Fields'), text, xref, widgetNum));
    form.set('SigFlags', raw('3'));
    objects.set(acro.num, serializeDict(form));
  } else if (acro?.t === 'dict') {
    acro.entries.set('Fields', appendToArray(acro.entries.get('Fields'), text, xref, widgetNum));
    acro.entries.set('SigFlags', raw('3'));
    catalog.set('AcroForm', raw(serializeDict(acro.entries)));
  } else {
    const formNum = next++;
    objects.set(formNum, `<</Fields [${String(widgetNum)} 0 R] /SigFlags 3>>`);
    catalog.set('AcroForm', ref(formNum));
  }
  objects.set(rootNum, serializeDict(catalog));
  page.set('Annots', appendToArray(page.get('Annots'), text, xref, widgetNum));
  objects.set(pageNum, serializeDict(page));

  // The incremental update, with its own cross-reference section.
  let body = pdf[pdf.length - 1] === 0x0a ? '' : '\n';
  const offsets = new Map<number, number>();
  for (const [num, dict] of [...objects].sort((a, b) => a[0] - b[0])) {
    offsets.set(num, pdf.length + Buffer.byteLength(body, 'latin1'));
    body += `${String(num)} 0 obj\n${dict}\nendobj\n`;
  }
  const xrefAt = pdf.length + Buffer.byteLength(body, 'latin1');
  body += 'xref\n';
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === (nums[j] ?? 0) + 1) j++;
    body += `${String(nums[i])} ${String(j - i + 1)}\n`;
    for (let k = i; k <= j; k++)
      body += `${String(offsets.get(nums[k] ?? 0)).padStart(10, '0')} 00000 n \n`;
    i = j + 1;
  }
  const trailer = new Map(xref.trailer);
  trailer.set('Size', raw(String(Math.max(next, size))));
  trailer.set('Prev', raw(String(xref.startxref)));
  body += `trailer\n${serializeDict(trailer)}\nstartxref\n${String(xrefAt)}\n%%EOF\n`;

  const out = Buffer.concat([pdf, Buffer.from(body, 'latin1')]);
  const sigOffset = offsets.get(sigNum) ?? 0;
  const placeholderAt =
    out.indexOf(`/ByteRange ${BYTE_RANGE_PLACEHOLDER}`, sigOffset, 'latin1') + '/ByteRange '.length;
  const contentsStart = out.indexOf('/Contents <', sigOffset, 'latin1') + '/Contents '.length;
  const contentsEnd = contentsStart + reserved * 2 + 2;
  const range = [0, contentsStart, contentsEnd, out.length - contentsEnd];
  const rangeText = `[${range.join(' ')}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  if (rangeText.length !== BYTE_RANGE_PLACEHOLDER.length)
    throw new PdfStructureError('file too large to sign');
  out.write(rangeText, placeholderAt, 'latin1');

  const digest = createHash('sha256')
    .update(out.subarray(0, contentsStart))
    .update(out.subarray(contentsEnd))
    .digest();
  const cms = buildDetachedCms(digest, options.signer, options.signingTime);
  if (cms.length > reserved) throw new SignatureTooLargeError(cms.length, reserved);
  out.write(cms.toString('hex').toUpperCase(), contentsStart + 1, 'latin1');
  return out;
}
