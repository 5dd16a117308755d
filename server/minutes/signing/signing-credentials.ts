import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import type { CmsSigner } from './cms';

/** A unit's own certificate: a PKCS#12 file and its passphrase (inline or in a file). */
export interface UnitCertificateConfig {
  p12Path: string;
  passphrase?: string;
  passphraseFile?: string;
}

/**
 * Where signing credentials come from. Units listed in `units` (by unit code) sign with their
 * own PKCS#12; every other unit gets a self-signed demo certificate generated on first use in
 * `dataDir/signing/<unitCode>/` (never committed; files mode 0600).
 */
export interface SigningConfig {
  dataDir: string;
  units?: Record<string, UnitCertificateConfig>;
  /** false: refuse to sign for a unit without its own certificate (production). */
  allowDemoCertificates?: boolean;
}

/** A loaded signer: key, certificate chain and the names verifiers will show. */
export interface PdfSigner extends CmsSigner {
  commonName: string;
  organization: string | null;
  /** SHA-256 fingerprint of the certificate, hex. */
  fingerprint: string;
}

/** Thrown when a unit's certificate cannot be loaded or created. */
export class SigningCredentialsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SigningCredentialsError';
  }
}

const BAG = {
  shroudedKey: '1.2.840.113549.1.12.10.1.2',
  key: '1.2.840.113549.1.12.10.1.1',
  cert: '1.2.840.113549.1.12.10.1.3',
} as const;

function subjectField(subject: string, key: string): string | null {
  for (const line of subject.split('\n')) {
    if (line.startsWith(`${key}=`)) return line.slice(key.length + 1);
  }
  return null;
}

/**
 * Opens a PKCS#12 (RSA key; node-forge reads no other key type) and returns the signer: the
 * key's certificate, plus the other certificates as chain. Throws SigningCredentialsError on a
 * wrong passphrase, no key, or no matching certificate.
 */
export function loadPkcs12(p12: Buffer, passphrase: string): PdfSigner {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(p12.toString('binary')),
      false,
      passphrase,
    );
  } catch (err) {
    throw new SigningCredentialsError(
      'cannot open the PKCS#12 file: wrong passphrase or not PKCS#12',
      { cause: err },
    );
  }
  const bags = (type: string): forge.pkcs12.Bag[] => parsed.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bags(BAG.shroudedKey), ...bags(BAG.key)];
  const forgeKey = keyBags.find((b) => b.key)?.key;
  if (!forgeKey) throw new SigningCredentialsError('the PKCS#12 file holds no RSA private key');
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(forgeKey));
  const certs = bags(BAG.cert)
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => c !== undefined)
    .map((c) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary'));
  const own = certs.find((der) => new X509Certificate(der).checkPrivateKey(privateKey));
  if (!own)
    throw new SigningCredentialsError('no certificate in the PKCS#12 file matches its private key');
  const x509 = new X509Certificate(own);
  return {
    privateKey,
    certificate: own,
    chain: certs.filter((c) => c !== own),
    commonName: subjectField(x509.subject, 'CN') ?? x509.subject,
    organization: subjectField(x509.subject, 'O'),
    fingerprint: x509.fingerprint256.replaceAll(':', '').toLowerCase(),
  };
}

/**
 * Creates a self-signed signing certificate (RSA 2048, SHA-256, 10 years, digitalSignature +
 * nonRepudiation) for `organization` and returns it as PKCS#12 protected by `passphrase`.
 */
export function createDemoPkcs12(
  organization: string,
  passphrase: string,
  now = new Date(),
): Buffer {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600_000);
  const name = [
    {
      shortName: 'CN',
      value: `${organization} (chứng thư thử nghiệm)`.normalize('NFC'),
      valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
    },
    {
      shortName: 'O',
      value: organization.normalize('NFC'),
      valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
    },
    { shortName: 'C', value: 'VN' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], passphrase, {
    algorithm: 'aes256',
    friendlyName: organization,
  });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

const UNIT_CODE = /^[A-Za-z0-9_-]{1,64}$/;

/** Paths of a unit's demo certificate. */
export function demoCertificatePaths(
  dataDir: string,
  unitCode: string,
): { dir: string; p12: string; passphrase: string } {
  if (!UNIT_CODE.test(unitCode))
    throw new SigningCredentialsError(`unit code "${unitCode}" cannot name a certificate`);
  const dir = join(dataDir, 'signing', unitCode);
  return { dir, p12: join(dir, 'certificate.p12'), passphrase: join(dir, 'passphrase') };
}

/**
 * Returns the unit's demo certificate files, generating them on first use (directory 0700,
 * files 0600). Safe against a concurrent first use: the files are written in a temporary
 * directory renamed into place, and the loser of the race keeps the winner's files.
 */
export function ensureDemoCertificate(
  dataDir: string,
  unit: { code: string; name: string },
): { p12: string; passphrase: string; created: boolean } {
  const paths = demoCertificatePaths(dataDir, unit.code);
  if (existsSync(paths.p12) && existsSync(paths.passphrase)) return { ...paths, created: false };
  const parent = join(dataDir, 'signing');
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const tmp = join(parent, `.tmp-${unit.code}-${randomBytes(6).toString('hex')}`);
  mkdirSync(tmp, { mode: 0o700 });
  const passphrase = randomBytes(32).toString('base64url');
  writeFileSync(join(tmp, 'passphrase'), `${passphrase}\n`, { mode: 0o600 });
  writeFileSync(join(tmp, 'certificate.p12'), createDemoPkcs12(unit.name, passphrase), {
    mode: 0o600,
  });
  chmodSync(tmp, 0o700);
  try {
    renameSync(tmp, paths.dir);
    return { ...paths, created: true };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(paths.p12) && existsSync(paths.passphrase)) return { ...paths, created: false };
    throw new SigningCredentialsError(`cannot create the demo certificate in ${paths.dir}`, {
      cause: err,
    });
  }
}

function readPassphrase(config: UnitCertificateConfig): string {
  if (config.passphrase !== undefined) return config.passphrase;
  if (config.passphraseFile !== undefined)
    return readFileSync(config.passphraseFile, 'utf8').replace(/\r?\n$/, '');
  return '';
}

/**
 * Creates the function that gives the signer of a unit, loading each certificate once. Throws
 * SigningCredentialsError when a configured file cannot be read or opened, or when demo
 * certificates are disabled and the unit has none.
 */
export function createSignerResolver(
  config: SigningConfig,
): (unit: { code: string; name: string }) => PdfSigner {
  const cache = new Map<string, PdfSigner>();
  return (unit) => {
    const hit = cache.get(unit.code);
    if (hit) return hit;
    const own = config.units?.[unit.code];
    let signer: PdfSigner;
    if (own) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(own.p12Path);
      } catch (err) {
        throw new SigningCredentialsError(
          `cannot read the certificate of unit ${unit.code} at ${own.p12Path}`,
          { cause: err },
        );
      }
      signer = loadPkcs12(bytes, readPassphrase(own));
    } else if (config.allowDemoCertificates === false) {
      throw new SigningCredentialsError(`unit ${unit.code} has no signing certificate configured`);
    } else {
      const files = ensureDemoCertificate(config.dataDir, unit);
      signer = loadPkcs12(
        readFileSync(files.p12),
        readPassphrase({ p12Path: files.p12, passphraseFile: files.passphrase }),
      );
    }
    cache.set(unit.code, signer);
    return signer;
  };
}
