import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { publishRender } from '../../server/minutes/publish-render';
import type { PublishedRender } from '../../server/minutes/publish-render';
import { verifyPdfSignatures } from '../../server/minutes/signing/pdf-verify';
import { createSignerResolver } from '../../server/minutes/signing/signing-credentials';
import { buildMinutesTemplate } from '../../server/minutes/templates/minutes.template';
import { ATTENDEE_NAMES, buildMeetingFacts } from '../support/minutes-fixtures';
import { pdfsig, pdftotext } from '../support/poppler';

const dir = join(inject('stack').tmpDir, `minutes-signing-${String(process.pid)}`);
const signedAt = new Date('2026-11-23T05:00:00Z');
const { content, meta } = buildMinutesTemplate(buildMeetingFacts());
let published: PublishedRender;
const signedFile = join(dir, 'signed.pdf');
const tamperedFile = join(dir, 'tampered.pdf');

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  const signer = createSignerResolver({ dataDir: join(dir, 'data') })({
    code: '26',
    name: 'Ủy ban nhân dân tỉnh Vĩnh Phúc',
  });
  published = await publishRender(content, meta, { signer, signedAt });
  writeFileSync(signedFile, published.pdf.bytes);
  // One byte changed inside the signed range: in the page content, far from the signature.
  const tampered = Buffer.from(published.pdf.bytes);
  const range = verifyPdfSignatures(published.pdf.bytes).signatures[0]?.byteRange ?? [0, 0, 0, 0];
  const at = Math.floor((range[1] ?? 0) / 2);
  tampered[at] = (tampered[at] ?? 0) ^ 0x20;
  writeFileSync(tamperedFile, tampered);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('publishRender and the signature', () => {
  it('yields the three files with their SHA-256', () => {
    for (const f of [published.html, published.pdf, published.docx]) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(f.bytes.length).toBeGreaterThan(1000);
    }
    expect(verifyPdfSignatures(published.pdf.bytes).sha256).toBe(published.pdf.sha256);
    expect(pdftotext(signedFile)).toContain(ATTENDEE_NAMES.chair);
  });

  it('pdfsig accepts the signature; our verifier agrees', () => {
    const out = pdfsig(signedFile);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Total document signed');
    expect(out).toContain('adbe.pkcs7.detached');
    expect(out).toContain(
      'Signer Certificate Common Name: Ủy ban nhân dân tỉnh Vĩnh Phúc (chứng thư thử nghiệm)',
    );
    // A self-signed demo certificate is not trusted by anyone: expected.
    expect(out).toMatch(
      /Certificate Validation: (Certificate issuer is unknown|Certificate is Untrusted)/,
    );
    const v = verifyPdfSignatures(published.pdf.bytes);
    expect(v).toMatchObject({
      signed: true,
      digestValid: true,
      signatureValid: true,
      signedAt: signedAt.toISOString(),
    });
    expect(v.signatures[0]?.status).toBe('valid');
  });

  it('pdfsig reports a digest mismatch after one byte changes; so does our verifier', () => {
    expect(pdfsig(tamperedFile)).toContain('Signature Validation: Digest Mismatch.');
    const v = verifyPdfSignatures(execFileSync('cat', [tamperedFile]));
    expect(v.digestValid).toBe(false);
    expect(v.signatures[0]?.status).toBe('digest-mismatch');
  });

  it('is reproducible with a fixed signing time', async () => {
    const signer = createSignerResolver({ dataDir: join(dir, 'data') })({ code: '26', name: 'x' });
    const again = await publishRender(content, meta, { signer, signedAt });
    expect(again.pdf.sha256).toBe(published.pdf.sha256);
    expect(again.docx.sha256).toBe(published.docx.sha256);
    expect(again.html.sha256).toBe(published.html.sha256);
  });
});
