import { createHash } from 'node:crypto';
import type {
  MinutesDocumentMeta,
  MinutesDocumentMetaInput,
  MinutesNode,
} from '../contracts/minutes';
import { minutesDocumentMetaSchema } from '../contracts/minutes';
import { renderMinutesDocx } from './render/minutes-docx.renderer';
import { renderMinutesHtml } from './render/minutes-html.renderer';
import { renderMinutesPdf } from './render/minutes-pdf.renderer';
import { signPdf } from './signing/pdf-signer';
import type { PdfSigner } from './signing/signing-credentials';

/** One rendered file of a published version. */
export interface RenderedFile {
  bytes: Buffer;
  sha256: string;
}

/** The files of an immutable published version and how long each took. */
export interface PublishedRender {
  html: RenderedFile;
  pdf: RenderedFile;
  docx: RenderedFile;
  /** Milliseconds per step (for logs and the benchmark). */
  timings: { html: number; pdf: number; sign: number; docx: number; total: number };
}

/** How the signature is described; `signedAt` defaults to now. */
export interface PublishSignature {
  signer: PdfSigner;
  signedAt?: Date;
  reason?: string;
  location?: string;
  fontDir?: string;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Renders a version's HTML, PDF (signed) and DOCX from the same content and metadata and
 * hashes each. HTML and DOCX are reproducible from the input; the PDF too when `signedAt` is
 * fixed. Throws ZodError on invalid meta, MinutesContentError on a bad tree, PdfStructureError
 * or SignatureTooLargeError when signing fails, Error when fonts are missing.
 */
export async function publishRender(
  content: MinutesNode,
  metaInput: MinutesDocumentMetaInput | MinutesDocumentMeta,
  signature: PublishSignature,
): Promise<PublishedRender> {
  const meta = minutesDocumentMetaSchema.parse(metaInput);
  const t0 = performance.now();
  const html = Buffer.from(renderMinutesHtml(content, meta), 'utf8');
  const t1 = performance.now();
  const unsigned = await renderMinutesPdf(content, meta, { fontDir: signature.fontDir });
  const t2 = performance.now();
  const pdf = signPdf(unsigned, {
    signer: signature.signer,
    signingTime: signature.signedAt ?? new Date(),
    name: signature.signer.commonName,
    reason:
      meta.kind === 'minutes'
        ? `Ban hành biên bản ${meta.numberSymbol}`
        : `Ban hành thông báo ${meta.numberSymbol}`,
    location: signature.location ?? meta.placeName,
  });
  const t3 = performance.now();
  const docx = await renderMinutesDocx(content, meta);
  const t4 = performance.now();
  return {
    html: { bytes: html, sha256: sha256(html) },
    pdf: { bytes: pdf, sha256: sha256(pdf) },
    docx: { bytes: docx, sha256: sha256(docx) },
    timings: { html: t1 - t0, pdf: t2 - t1, sign: t3 - t2, docx: t4 - t3, total: t4 - t0 },
  };
}

/**
 * Renders a one-page document in every format once, so that the first real publish does not
 * pay for font parsing and JIT warm-up (several seconds on a cold process). Call it in the
 * background at startup; it rejects only when fonts are missing.
 */
export async function warmUpMinutesRendering(fontDir?: string): Promise<void> {
  const content: MinutesNode = {
    type: 'doc',
    content: [
      {
        type: 'paragraph',
        content: [{ type: 'text', text: 'Khởi động', marks: [{ type: 'bold' }] }],
      },
    ],
  };
  const meta = minutesDocumentMetaSchema.parse({
    kind: 'minutes',
    issuingBody: 'KHỞI ĐỘNG',
    numberSymbol: '0/BB',
    placeName: 'Hà Nội',
    issuedOn: '2026-01-01',
    title: 'Khởi động',
    signatures: [{ title: 'THƯ KÝ', name: 'A' }],
    createdAt: '2026-01-01T00:00:00+07:00',
  });
  renderMinutesHtml(content, meta);
  await renderMinutesPdf(content, meta, { fontDir });
  await renderMinutesDocx(content, meta);
}
