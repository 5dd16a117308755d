import { z } from 'zod';
import { isoDateTimeSchema, objectIdSchema, textSchema } from './common';

/** Which record: the biên bản (minutes) or the thông báo kết luận (notice of conclusions). */
export const minutesKindSchema = z.enum(['minutes', 'notice']);
/** Which record: minutes or notice. */
export type MinutesKind = z.infer<typeof minutesKindSchema>;

/**
 * Node types of the minutes content: the Tiptap StarterKit schema (the editor's and the collab
 * server's), nothing else, so that a draft edited in the browser always renders on the server.
 */
export const MINUTES_NODE_TYPES = [
  'doc',
  'paragraph',
  'heading',
  'text',
  'bulletList',
  'orderedList',
  'listItem',
  'blockquote',
  'hardBreak',
  'horizontalRule',
  'codeBlock',
] as const;

/** Marks the renderers honour (the StarterKit set; link and code render as plain text). */
export const MINUTES_MARK_TYPES = [
  'bold',
  'italic',
  'underline',
  'strike',
  'code',
  'link',
] as const;

/** A mark on a text node. */
export interface MinutesMark {
  type: (typeof MINUTES_MARK_TYPES)[number];
  attrs?: Record<string, unknown>;
}

/** A ProseMirror node of the minutes content (the shape Tiptap's `getJSON()` returns). */
export interface MinutesNode {
  type: (typeof MINUTES_NODE_TYPES)[number];
  attrs?: Record<string, unknown>;
  content?: MinutesNode[];
  text?: string;
  marks?: MinutesMark[];
}

const markSchema = z.object({
  type: z.enum(MINUTES_MARK_TYPES),
  attrs: z.record(z.string(), z.unknown()).optional(),
});

/** One ProseMirror node, recursively; text is stored NFC. */
export const minutesNodeSchema: z.ZodType<MinutesNode> = z.lazy(() =>
  z.object({
    type: z.enum(MINUTES_NODE_TYPES),
    attrs: z.record(z.string(), z.unknown()).optional(),
    content: z.array(minutesNodeSchema).max(20_000).optional(),
    text: z
      .string()
      .max(100_000)
      .overwrite((s) => s.normalize('NFC'))
      .optional(),
    marks: z.array(markSchema).max(10).optional(),
  }),
);

/** The whole content of a minutes or notice draft: a ProseMirror `doc` node. */
export const minutesContentSchema = minutesNodeSchema.refine((n) => n.type === 'doc', {
  message: 'the content must be a ProseMirror document (type "doc")',
});

/**
 * A signature block under the content (ND30): the authority line(s) above the title
 * ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the signer's title ("THƯ KÝ", "CHỦ TỌA",
 * "PHÓ CHỦ TỊCH") and full name.
 */
export const signatureBlockSchema = z.object({
  authority: z.array(textSchema(1, 120)).max(3).default([]),
  title: textSchema(1, 120),
  name: textSchema(1, 120),
});
/** A signature block. */
export type SignatureBlock = z.input<typeof signatureBlockSchema>;

/**
 * What surrounds the content in the ND30 layout and is not edited as rich text: header
 * (issuing body, number and symbol, place and date), title, signature blocks and recipients.
 */
export const minutesDocumentMetaSchema = z.object({
  kind: minutesKindSchema,
  /** Cơ quan, tổ chức chủ quản (upper line of the issuing body), upper-case, may be empty. */
  parentBody: textSchema(0, 200).default(''),
  /** Tên cơ quan, tổ chức ban hành văn bản. */
  issuingBody: textSchema(1, 200),
  /** Số, ký hiệu, e.g. "12/BB-UBND" (rendered "Số: 12/BB-UBND"). */
  numberSymbol: textSchema(1, 60),
  /** Địa danh, e.g. "Vĩnh Phúc". */
  placeName: textSchema(1, 80),
  /** Date of issue, calendar date in Vietnam. */
  issuedOn: z.iso.date(),
  /**
   * Print the place-and-date line. Unset: as the ND30 form has it (the notice of conclusions
   * has one; the minutes form has none: its times are in the body).
   */
  showPlaceDate: z.boolean().optional(),
  /** Trích yếu nội dung (under "BIÊN BẢN" / "THÔNG BÁO"). */
  title: textSchema(1, 400),
  /** One (right) or two (left, right) signature blocks. */
  signatures: z.array(signatureBlockSchema).min(1).max(2),
  /** Nơi nhận, one line each, without the leading "- " and trailing ";". */
  recipients: z.array(textSchema(1, 200)).max(40).default([]),
  /** The "Lưu:" line, e.g. "VT, TH". */
  archive: textSchema(0, 120).default('VT'),
  /** Fixed creation date written into the PDF and DOCX so that renders are reproducible. */
  createdAt: isoDateTimeSchema,
});
/** Document metadata as accepted (defaults may be omitted). */
export type MinutesDocumentMetaInput = z.input<typeof minutesDocumentMetaSchema>;
/** Document metadata with defaults applied. */
export type MinutesDocumentMeta = z.output<typeof minutesDocumentMetaSchema>;

/** SHA-256 as 64 lowercase hex characters. */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');

/** One file of a published version. */
export const publishedFileSchema = z.object({
  format: z.enum(['html', 'pdf', 'docx']),
  sha256: sha256HexSchema,
  size: z.number().int().nonnegative(),
  url: z.string(),
});

/** The metadata of an immutable published version, as listed to the browser. */
export const publishedMinutesVersionSchema = z.object({
  id: objectIdSchema,
  meetingId: objectIdSchema,
  kind: minutesKindSchema,
  version: z.number().int().min(1),
  /** The version this one corrects, if any. */
  supersedesId: objectIdSchema.nullable(),
  numberSymbol: z.string(),
  title: z.string(),
  unitId: objectIdSchema,
  publishedAt: isoDateTimeSchema,
  publishedBy: z.object({ id: objectIdSchema, fullName: z.string() }),
  files: z.array(publishedFileSchema),
  signer: z.object({ commonName: z.string(), organization: z.string().nullable() }),
});
/** A published version. */
export type PublishedMinutesVersion = z.infer<typeof publishedMinutesVersionSchema>;

/** Outcome of checking one signature, in the words pdfsig uses. */
export const signatureStatusSchema = z.enum([
  'valid',
  'digest-mismatch',
  'invalid-signature',
  'unsupported',
  'malformed',
]);

/** The check of one embedded signature. */
export const pdfSignatureCheckSchema = z.object({
  status: signatureStatusSchema,
  /** The messageDigest signed attribute equals the digest of the ByteRange. */
  digestValid: z.boolean(),
  /** The CMS signature over the signed attributes verifies with the signer's public key. */
  signatureValid: z.boolean(),
  /** The ByteRange covers the whole file except the signature value. */
  coversWholeFile: z.boolean(),
  signer: z.object({ commonName: z.string().nullable(), organization: z.string().nullable() }),
  signedAt: isoDateTimeSchema.nullable(),
  subFilter: z.string().nullable(),
  byteRange: z.array(z.number().int()).length(4),
  problem: z.string().nullable(),
});
/** The check of one signature. */
export type PdfSignatureCheck = z.infer<typeof pdfSignatureCheckSchema>;

/** What the verification library reports for a PDF. */
export const pdfVerificationSchema = z.object({
  sha256: sha256HexSchema,
  signed: z.boolean(),
  /** Summary of the last signature (the one covering the most); false when unsigned. */
  digestValid: z.boolean(),
  signatureValid: z.boolean(),
  signer: z.object({ commonName: z.string().nullable(), organization: z.string().nullable() }),
  signedAt: isoDateTimeSchema.nullable(),
  signatures: z.array(pdfSignatureCheckSchema),
});
/** Verification of a PDF's signatures. */
export type PdfVerification = z.infer<typeof pdfVerificationSchema>;

/** Answer of `POST /api/minutes/verify`: the signature check plus the published version found. */
export const minutesVerifyResultSchema = z.object({
  sha256: sha256HexSchema,
  /** The file is byte-for-byte one of the published files. */
  published: z.boolean(),
  version: publishedMinutesVersionSchema.nullable(),
  /** Null when only a hash was sent. */
  verification: pdfVerificationSchema.nullable(),
});
/** Answer of the verify endpoint. */
export type MinutesVerifyResult = z.infer<typeof minutesVerifyResultSchema>;
