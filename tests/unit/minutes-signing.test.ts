import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMinutesPdf } from '../../server/minutes/render/minutes-pdf.renderer';
import { PdfStructureError, parseValue } from '../../server/minutes/signing/pdf-objects';
import { signPdf } from '../../server/minutes/signing/pdf-signer';
import { verifyPdfSignatures } from '../../server/minutes/signing/pdf-verify';
import type { PdfSigner } from '../../server/minutes/signing/signing-credentials';
import { createSignerResolver } from '../../server/minutes/signing/signing-credentials';
import { buildMinutesTemplate } from '../../server/minutes/templates/minutes.template';
import { buildMeetingFacts } from '../support/minutes-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'dienhong-minutes-sign-'));
const signedAt = new Date('2026-11-23T05:00:00Z');
let signer: PdfSigner;
let other: PdfSigner;
let unsigned: Buffer;

beforeAll(async () => {
  const resolve = createSignerResolver({ dataDir: dir });
  signer = resolve({ code: '26', name: 'Ủy ban nhân dân tỉnh Vĩnh Phúc' });
  other = resolve({ code: '26-VP', name: 'Văn phòng Ủy ban nhân dân tỉnh' });
  const { content, meta } = buildMinutesTemplate(buildMeetingFacts());
  unsigned = await renderMinutesPdf(content, meta);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('PDF object reader', () => {
  it('keeps values as written and recognises references', () => {
    const { value } = parseValue('<</Type /Catalog /Pages 3 0 R /Names (a\\)b) /K [0 0 0 0]>>', 0);
    expect(value.t).toBe('dict');
    if (value.t !== 'dict') return;
    expect(value.entries.get('Pages')).toMatchObject({ t: 'ref', num: 3, gen: 0 });
    expect(value.entries.get('Names')?.raw).toBe('(a\\)b)');
    expect(value.entries.get('K')?.t).toBe('array');
  });
});

describe('signPdf and verifyPdfSignatures', () => {
  it('an unsigned PDF is reported as unsigned', () => {
    const v = verifyPdfSignatures(unsigned);
    expect(v).toMatchObject({
      signed: false,
      digestValid: false,
      signatureValid: false,
      signatures: [],
    });
  });

  it('signs the whole file; the signature, signer and time verify', () => {
    const signed = signPdf(unsigned, { signer, signingTime: signedAt, name: signer.commonName });
    expect(signed.subarray(0, unsigned.length).equals(unsigned)).toBe(true);
    const v = verifyPdfSignatures(signed);
    expect(v).toMatchObject({
      signed: true,
      digestValid: true,
      signatureValid: true,
      signer: { organization: 'Ủy ban nhân dân tỉnh Vĩnh Phúc' },
      signedAt: signedAt.toISOString(),
    });
    expect(v.signatures[0]).toMatchObject({
      status: 'valid',
      coversWholeFile: true,
      subFilter: 'adbe.pkcs7.detached',
    });
  });

  it('is reproducible for the same input, signer and time', () => {
    const a = signPdf(unsigned, { signer, signingTime: signedAt });
    const b = signPdf(unsigned, { signer, signingTime: signedAt });
    expect(a.equals(b)).toBe(true);
  });

  it('reports a digest mismatch when one signed byte changes', () => {
    const signed = signPdf(unsigned, { signer, signingTime: signedAt });
    const tampered = Buffer.from(signed);
    // Byte 10 is in the binary comment on the second line: the file still parses.
    tampered[10] = (tampered[10] ?? 0) ^ 0x01;
    const v = verifyPdfSignatures(tampered);
    expect(v.digestValid).toBe(false);
    expect(v.signatureValid).toBe(true);
    expect(v.signatures[0]?.status).toBe('digest-mismatch');
    expect(v.sha256).not.toBe(verifyPdfSignatures(signed).sha256);
  });

  it('a second signature adds to the form; the first no longer covers the whole file', () => {
    const once = signPdf(unsigned, { signer, signingTime: signedAt });
    const twice = signPdf(once, { signer: other, signingTime: new Date('2026-11-24T01:00:00Z') });
    const v = verifyPdfSignatures(twice);
    expect(v.signatures).toHaveLength(2);
    expect(v.signatures.map((s) => s.status)).toEqual(['valid', 'valid']);
    expect(v.signatures.map((s) => s.coversWholeFile)).toEqual([false, true]);
    expect(v.signer.organization).toBe('Văn phòng Ủy ban nhân dân tỉnh');
  });

  it('a garbled signature value is malformed, not a crash', () => {
    const signed = signPdf(unsigned, { signer, signingTime: signedAt });
    const v0 = verifyPdfSignatures(signed).signatures[0];
    const start = (v0?.byteRange[1] ?? 0) + 1;
    const broken = Buffer.from(signed);
    broken.write('FFFF', start, 'latin1');
    expect(verifyPdfSignatures(broken).signatures[0]?.status).toBe('malformed');
  });

  it('refuses what is not a PDF with a classic cross-reference table', () => {
    expect(() => signPdf(Buffer.from('not a pdf'), { signer, signingTime: signedAt })).toThrow(
      PdfStructureError,
    );
    const xrefStream = Buffer.from(
      '%PDF-1.7\n1 0 obj\n<<>>\nendobj\nstartxref\n9\n%%EOF\n',
      'latin1',
    );
    expect(() => signPdf(xrefStream, { signer, signingTime: signedAt })).toThrow(
      /cross-reference streams/,
    );
  });
});
