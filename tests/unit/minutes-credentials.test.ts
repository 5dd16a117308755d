import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SigningCredentialsError,
  createDemoPkcs12,
  createSignerResolver,
  ensureDemoCertificate,
  loadPkcs12,
} from '../../server/minutes/signing/signing-credentials';

const dir = mkdtempSync(join(tmpdir(), 'dienhong-minutes-cred-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const unit = { code: '26', name: 'Ủy ban nhân dân tỉnh Vĩnh Phúc' };

describe('demo certificates', () => {
  it('are generated once, then reused, readable only by the owner', () => {
    const first = ensureDemoCertificate(dir, unit);
    expect(first.created).toBe(true);
    const bytes = readFileSync(first.p12);
    const second = ensureDemoCertificate(dir, unit);
    expect(second.created).toBe(false);
    expect(readFileSync(second.p12).equals(bytes)).toBe(true);
    expect(statSync(first.p12).mode & 0o777).toBe(0o600);
    expect(statSync(first.passphrase).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'signing', '26')).mode & 0o777).toBe(0o700);
    expect(first.p12).toBe(join(dir, 'signing', '26', 'certificate.p12'));
  });

  it('name the unit in the certificate, in Vietnamese', () => {
    const signer = createSignerResolver({ dataDir: dir })(unit);
    expect(signer.organization).toBe('Ủy ban nhân dân tỉnh Vĩnh Phúc');
    expect(signer.commonName).toBe('Ủy ban nhân dân tỉnh Vĩnh Phúc (chứng thư thử nghiệm)');
    expect(signer.privateKey.asymmetricKeyType).toBe('rsa');
  });

  it('refuse a unit code that could leave the signing directory', () => {
    expect(() => ensureDemoCertificate(dir, { code: '../x', name: 'x' })).toThrow(
      SigningCredentialsError,
    );
  });
});

describe('configured certificates', () => {
  const p12Path = join(dir, 'own.p12');
  const passFile = join(dir, 'own.pass');
  writeFileSync(p12Path, createDemoPkcs12('Sở Tài chính tỉnh Vĩnh Phúc', 'mật khẩu'), {
    mode: 0o600,
  });
  writeFileSync(passFile, 'mật khẩu\n', { mode: 0o600 });

  it('a unit with its own PKCS#12 signs with it (passphrase from a file)', () => {
    const resolve = createSignerResolver({
      dataDir: dir,
      units: { '26-STC': { p12Path, passphraseFile: passFile } },
    });
    const signer = resolve({ code: '26-STC', name: 'Sở Tài chính' });
    expect(signer.organization).toBe('Sở Tài chính tỉnh Vĩnh Phúc');
    expect(resolve({ code: '26-STC', name: 'Sở Tài chính' })).toBe(signer);
  });

  it('a wrong passphrase is a clear error', () => {
    expect(() => loadPkcs12(readFileSync(p12Path), 'sai')).toThrow(/wrong passphrase/);
  });

  it('without demo certificates, a unit with no certificate cannot sign', () => {
    const resolve = createSignerResolver({ dataDir: dir, allowDemoCertificates: false });
    expect(() => resolve({ code: '26-SYT', name: 'Sở Y tế' })).toThrow(/no signing certificate/);
  });
});
