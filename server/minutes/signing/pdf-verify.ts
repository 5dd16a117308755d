import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { PdfSignatureCheck, PdfVerification } from '../../contracts/minutes';
import { OID, fromDer } from './cms';

// Independent verification of the signatures embedded in a PDF: each /ByteRange found, its
// digest recomputed, the CMS parsed and its signature checked with the embedded certificate.
// Trust in the certificate (chain to a root) is not judged here, as it is not by pdfsig's
// "Signature is Valid" line either.

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  [OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SIGNATURE_ALGORITHMS = new Set([
  OID.rsaEncryption,
  '1.2.840.113549.1.1.5',
  '1.2.840.113549.1.1.11',
  '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13',
  '1.2.840.10045.2.1',
  OID.ecdsaWithSha256,
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
]);

class Malformed extends Error {}

const children = (a: Asn1 | undefined): Asn1[] => {
  if (!a || !Array.isArray(a.value)) throw new Malformed('unexpected CMS structure');
  return a.value;
};
const bytes = (a: Asn1 | undefined): Buffer => {
  if (!a || typeof a.value !== 'string') throw new Malformed('unexpected CMS structure');
  return Buffer.from(a.value, 'binary');
};
const oidOf = (a: Asn1 | undefined): string =>
  asn1.derToOid(forge.util.createBuffer(bytes(a).toString('binary')));
const der = (a: Asn1): Buffer => Buffer.from(asn1.toDer(a).getBytes(), 'binary');

function subjectField(subject: string, key: string): string | null {
  const line = subject.split('\n').find((l) => l.startsWith(`${key}=`));
  return line ? line.slice(key.length + 1) : null;
}

/** Length of the DER element at the start of `b` (the /Contents is padded with zeros). */
function derLength(b: Buffer): number {
  if (b.length < 2) throw new Malformed('empty signature');
  const first = b[1] ?? 0;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw new Malformed('bad DER length');
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[2 + i] ?? 0);
  return 2 + n + len;
}

interface Parsed {
  digestAlg: string;
  signedAttrs: Asn1 | null;
  sigAlg: string;
  signature: Buffer;
  cert: X509Certificate;
}

function parseCms(cmsDer: Buffer): Parsed {
  const root = fromDer(cmsDer);
  const [type, wrapped] = children(root);
  if (oidOf(type) !== OID.signedData) throw new Malformed('not a CMS SignedData');
  const sd = children(children(wrapped)[0]);
  const signerInfos = children(sd[sd.length - 1]);
  const certSet = sd.find(
    (a) => a.tagClass === asn1.Class.CONTEXT_SPECIFIC && a.type === asn1.Type.NONE,
  );
  const certs = certSet ? children(certSet) : [];
  const si = children(signerInfos[0]);
  const sid = si[1];
  const hasAttrs = si[3]?.tagClass === asn1.Class.CONTEXT_SPECIFIC;
  const at = hasAttrs ? 4 : 3;
  const serial =
    sid?.tagClass === asn1.Class.UNIVERSAL
      ? bytes(children(sid)[1])
          .toString('hex')
          .replace(/^(00)+/, '')
      : null;
  const candidates = certs.map((c) => new X509Certificate(der(c)));
  const cert =
    candidates.find(
      (c) => serial !== null && c.serialNumber.toLowerCase().replace(/^(00)+/, '') === serial,
    ) ?? candidates[0];
  if (!cert) throw new Malformed('the signature carries no certificate');
  return {
    digestAlg: oidOf(children(si[2])[0]),
    signedAttrs: hasAttrs ? (si[3] ?? null) : null,
    sigAlg: oidOf(children(si[at])[0]),
    signature: bytes(si[at + 1]),
    cert,
  };
}

function attr(attrs: Asn1 | null, type: string): Asn1 | undefined {
  if (!attrs) return undefined;
  const found = children(attrs).find((a) => oidOf(children(a)[0]) === type);
  return found ? children(children(found)[1])[0] : undefined;
}

function dictAround(pdf: string, from: number): string {
  const start = pdf.lastIndexOf(' obj', from);
  const end = pdf.indexOf('endobj', from);
  return pdf.slice(start < 0 ? 0 : start, end < 0 ? pdf.length : end);
}

function checkOne(pdf: Buffer, text: string, range: number[], at: number): PdfSignatureCheck {
  const [a = 0, b = 0, c = 0, d = 0] = range;
  const dict = dictAround(text, at);
  const subFilter = /\/SubFilter\s*\/([^\s/<>[\]()]+)/.exec(dict)?.[1] ?? null;
  const base: PdfSignatureCheck = {
    status: 'malformed',
    digestValid: false,
    signatureValid: false,
    coversWholeFile: a === 0 && c + d === pdf.length,
    signer: { commonName: null, organization: null },
    signedAt: null,
    subFilter,
    byteRange: [a, b, c, d],
    problem: null,
  };
  try {
    if (
      a !== 0 ||
      b <= 0 ||
      c <= b ||
      c + d > pdf.length ||
      pdf[b] !== 0x3c ||
      pdf[c - 1] !== 0x3e
    ) {
      throw new Malformed('the ByteRange does not frame the signature value');
    }
    const hex = text.slice(b + 1, c - 1).replace(/\s+/g, '');
    const contents = Buffer.from(hex, 'hex');
    const p = parseCms(contents.subarray(0, derLength(contents)));
    const hashName = HASHES[p.digestAlg];
    if (!hashName || !SIGNATURE_ALGORITHMS.has(p.sigAlg)) {
      return {
        ...base,
        status: 'unsupported',
        problem: `algorithm ${p.digestAlg} / ${p.sigAlg} not supported`,
      };
    }
    const digest = createHash(hashName)
      .update(pdf.subarray(a, a + b))
      .update(pdf.subarray(c, c + d))
      .digest();
    const signer = {
      commonName: subjectField(p.cert.subject, 'CN'),
      organization: subjectField(p.cert.subject, 'O'),
    };
    let digestValid: boolean;
    let signatureValid: boolean;
    if (p.signedAttrs) {
      const md = attr(p.signedAttrs, OID.messageDigest);
      digestValid = md !== undefined && bytes(md).equals(digest);
      const signedDer = der(
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, children(p.signedAttrs)),
      );
      signatureValid = cryptoVerify(hashName, signedDer, p.cert.publicKey, p.signature);
    } else {
      signatureValid = cryptoVerify(
        hashName,
        Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]),
        p.cert.publicKey,
        p.signature,
      );
      digestValid = signatureValid;
    }
    const time = attr(p.signedAttrs, OID.signingTime);
    let signedAt: string | null = null;
    if (time && typeof time.value === 'string') {
      signedAt = (
        time.type === asn1.Type.UTCTIME
          ? asn1.utcTimeToDate(time.value)
          : asn1.generalizedTimeToDate(time.value)
      ).toISOString();
    }
    const status = !signatureValid
      ? 'invalid-signature'
      : !digestValid
        ? 'digest-mismatch'
        : 'valid';
    const problem = !signatureValid
      ? 'the signature does not match the signer certificate'
      : !digestValid
        ? 'the signed bytes were changed after signing'
        : null;
    return { ...base, status, digestValid, signatureValid, signer, signedAt, problem };
  } catch (err) {
    return {
      ...base,
      status: 'malformed',
      problem: err instanceof Error ? err.message : String(err),
    };
  }
}

/**
 * Finds and checks every signature of a PDF. Never throws for bad input: an unreadable
 * signature is reported as "malformed". The summary fields describe the last signature.
 */
export function verifyPdfSignatures(pdf: Buffer): PdfVerification {
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const text = pdf.toString('latin1');
  const re = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  const signatures: PdfSignatureCheck[] = [];
  for (const m of text.matchAll(re)) {
    signatures.push(
      checkOne(pdf, text, [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])], m.index),
    );
  }
  const last = signatures[signatures.length - 1];
  return {
    sha256,
    signed: signatures.length > 0,
    digestValid: last?.digestValid ?? false,
    signatureValid: last?.signatureValid ?? false,
    signer: last?.signer ?? { commonName: null, organization: null },
    signedAt: last?.signedAt ?? null,
    signatures,
  };
}
