import { createHash, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';

// CMS SignedData (RFC 5652) for a detached PDF signature, written as ASN.1 with node-forge;
// hashing and the private-key operation use Node's crypto (fast, and RSA or EC alike).

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

/** Object identifiers used here and by the verifier. */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

const bin = (b: Buffer): string => b.toString('binary');
const oid = (o: string): forge.asn1.Asn1 =>
  asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const seq = (v: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(U, T.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(U, T.SET, true, v);
const octets = (b: Buffer): forge.asn1.Asn1 => asn1.create(U, T.OCTETSTRING, false, bin(b));
const der = (a: forge.asn1.Asn1): Buffer => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
const algorithm = (o: string, nullParams: boolean): forge.asn1.Asn1 =>
  seq(nullParams ? [oid(o), asn1.create(U, T.NULL, false, '')] : [oid(o)]);

/** Parses DER bytes with forge (bit strings left as they are so re-encoding is exact). */
export function fromDer(bytes: Buffer): forge.asn1.Asn1 {
  // forge accepts an options object here; its type declarations only know the boolean form.
  const parse = asn1.fromDer as unknown as (
    input: forge.util.ByteBuffer,
    options: { strict: boolean; decodeBitStrings: boolean },
  ) => forge.asn1.Asn1;
  return parse(forge.util.createBuffer(bin(bytes)), { strict: true, decodeBitStrings: false });
}

function attribute(type: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return seq([oid(type), set([value])]);
}

/** Issuer and serial number of a DER certificate (the CMS signer identifier). */
function issuerAndSerial(certDer: Buffer): forge.asn1.Asn1 {
  const cert = fromDer(certDer);
  const tbs = (cert.value as forge.asn1.Asn1[])[0];
  const fields = tbs?.value as forge.asn1.Asn1[] | undefined;
  if (!fields) throw new Error('certificate without tbsCertificate');
  const off = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const serial = fields[off];
  const issuer = fields[off + 2];
  if (!serial || !issuer) throw new Error('certificate without serial number or issuer');
  return seq([issuer, serial]);
}

/** What a CMS signature needs from the signer. */
export interface CmsSigner {
  privateKey: KeyObject;
  /** The signer's certificate, DER. */
  certificate: Buffer;
  /** Intermediate certificates to embed, DER. */
  chain: Buffer[];
}

/**
 * Builds a detached CMS SignedData over a content digest (SHA-256) with the signed attributes
 * content-type, signing-time, message-digest and signingCertificateV2 (ESS, as CAdES asks).
 * Returns DER. Throws on a key type other than RSA or EC.
 */
export function buildDetachedCms(
  contentDigest: Buffer,
  signer: CmsSigner,
  signingTime: Date,
): Buffer {
  const keyType = signer.privateKey.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') {
    throw new Error(`signing keys of type ${keyType ?? 'unknown'} are not supported (RSA or EC)`);
  }
  const certHash = createHash('sha256').update(signer.certificate).digest();
  const attrs = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.signingTime, asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(signingTime))),
    attribute(OID.messageDigest, octets(contentDigest)),
    attribute(OID.signingCertificateV2, seq([seq([seq([octets(certHash)])])])),
  ];
  // DER orders the members of a SET OF by their encodings.
  const sorted = attrs
    .map((a) => ({ a, d: der(a) }))
    .sort((x, y) => Buffer.compare(x.d, y.d))
    .map((x) => x.a);
  const signedAttrsDer = der(set(sorted));
  const signature = cryptoSign('sha256', signedAttrsDer, signer.privateKey);
  const signerInfo = seq([
    asn1.create(U, T.INTEGER, false, '\x01'),
    issuerAndSerial(signer.certificate),
    algorithm(OID.sha256, true),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, T.NONE, true, sorted),
    keyType === 'rsa' ? algorithm(OID.rsaEncryption, true) : algorithm(OID.ecdsaWithSha256, false),
    octets(signature),
  ]);
  const certificates = [signer.certificate, ...signer.chain].map(fromDer);
  const signedData = seq([
    asn1.create(U, T.INTEGER, false, '\x01'),
    set([algorithm(OID.sha256, true)]),
    seq([oid(OID.data)]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, T.NONE, true, certificates),
    set([signerInfo]),
  ]);
  return der(
    seq([
      oid(OID.signedData),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, T.NONE, true, [signedData]),
    ]),
  );
}
