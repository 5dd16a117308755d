import { z } from 'zod';
import {
  isoDateTimeSchema,
  objectIdSchema,
  pageSchema,
  paginationQuerySchema,
  textSchema,
} from './common';
import { meetingVisibilities } from './meetings';

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
 * ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the signer's title ("THƯ KÝ", "CHỦ TRÌ",
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
  /** The host unit's name, as it issued the document. */
  unitName: z.string(),
  meetingTitle: z.string(),
  meetingStartsAt: isoDateTimeSchema,
  visibility: z.enum(meetingVisibilities),
  /** A later version corrects this one. */
  superseded: z.boolean(),
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

/** Where the minutes (or the notice) of a meeting stand in the approval flow. */
export const minutesStatuses = ['drafting', 'submitted', 'approved', 'published'] as const;
/** One of {@link minutesStatuses}. */
export type MinutesStatus = (typeof minutesStatuses)[number];

/** Statuses in which the text is read-only for everyone (awaiting approval, approved, published). */
export function isMinutesLocked(status: MinutesStatus): boolean {
  return status !== 'drafting';
}

/** What the caller may do with one record now (for the browser's buttons). */
export const minutesAbilitiesSchema = z.object({
  edit: z.boolean(),
  /** Give the number and symbol (and the date of issue): while drafting, and once approved. */
  number: z.boolean(),
  submit: z.boolean(),
  review: z.boolean(),
  publish: z.boolean(),
  correct: z.boolean(),
});
/** What the caller may do now. */
export type MinutesAbilities = z.infer<typeof minutesAbilitiesSchema>;

/** The minutes or the notice of one meeting: status, frame, versions. */
export const minutesRecordSchema = z.object({
  meetingId: objectIdSchema,
  kind: minutesKindSchema,
  /** The co-edited document (`meeting/<id>/minutes` or `/notice`). */
  docName: z.string(),
  status: z.enum(minutesStatuses),
  meta: minutesDocumentMetaSchema.nullable(),
  submittedAt: isoDateTimeSchema.nullable(),
  submittedBy: z.object({ id: objectIdSchema, fullName: z.string() }).nullable(),
  /** The chair's comment when the text was returned (cleared on the next submit). */
  returnComment: z.string().nullable(),
  reviewedAt: isoDateTimeSchema.nullable(),
  reviewedBy: z.object({ id: objectIdSchema, fullName: z.string() }).nullable(),
  /** Set while a correction of this published version is prepared. */
  correcting: objectIdSchema.nullable(),
  versions: z.array(publishedMinutesVersionSchema),
  can: minutesAbilitiesSchema,
});
/** A minutes record. */
export type MinutesRecord = z.infer<typeof minutesRecordSchema>;

/** Answer of `GET /api/meetings/:id/minutes`. */
export const meetingMinutesSchema = z.object({
  minutes: minutesRecordSchema,
  notice: minutesRecordSchema,
});
/** Both records of a meeting. */
export type MeetingMinutes = z.infer<typeof meetingMinutesSchema>;

/** Path parameters of the per-record routes. */
export const minutesParamsSchema = z.object({ id: objectIdSchema, kind: minutesKindSchema });

/** Body of `POST /api/meetings/:id/minutes/:kind/template`: replace a non-empty text only when confirmed. */
export const recreateTemplateSchema = z.object({ confirm: z.boolean().default(false) });

/**
 * Body of `POST .../rebuild`: by default every fact section is rebuilt; with `keepEdited`,
 * sections someone edited stay (e.g. after the secretary changed, to sign with the new name).
 */
export const rebuildMinutesSchema = z.object({ keepEdited: z.boolean().default(false) });

/** Body of `POST .../return`: why the chair sends the text back. */
export const returnMinutesSchema = z.object({ comment: textSchema(1, 2000) });

/** Body of `POST .../correct`: why a published version is corrected. */
export const correctMinutesSchema = z.object({ reason: textSchema(1, 2000) });

/** Body of `PUT .../meta`: the frame around the text (kind and createdAt are kept). */
export const updateMinutesMetaSchema = minutesDocumentMetaSchema
  .omit({ kind: true, createdAt: true })
  // Without their defaults: a field left out keeps its value (a default would overwrite it).
  .extend({
    parentBody: textSchema(0, 200),
    recipients: z.array(textSchema(1, 200)).max(40),
    archive: textSchema(0, 120),
  })
  .partial();
/** Body of `PUT .../meta`. */
export type UpdateMinutesMetaInput = z.infer<typeof updateMinutesMetaSchema>;

/** Which live fact to insert. */
export const minutesSnippetRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('attendance') }),
  z.object({ type: z.literal('speakers'), agendaItemId: objectIdSchema.nullable() }),
  z.object({ type: z.literal('poll'), pollId: objectIdSchema }),
]);
/** Which live fact to insert. */
export type MinutesSnippetRequest = z.infer<typeof minutesSnippetRequestSchema>;

/** A fragment to insert at the cursor (block nodes of the StarterKit schema). */
export const minutesSnippetSchema = z.object({
  content: z.array(minutesNodeSchema),
});

/** Answer of `GET .../content`: the text now. */
export const minutesContentAnswerSchema = z.object({
  content: minutesNodeSchema,
  text: z.string(),
});

/** Query of `GET /api/minutes/published` (public search). */
export const publishedListQuerySchema = paginationQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  /** Hosted by this unit or a unit below it. */
  unitId: objectIdSchema.optional(),
  /** Meetings from this date (YYYY-MM-DD, Vietnam time). */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  kind: minutesKindSchema.optional(),
  meetingId: objectIdSchema.optional(),
});
/** Query of the public search. */
export type PublishedListQuery = z.infer<typeof publishedListQuerySchema>;

/** A page of published versions. */
export const publishedPageSchema = pageSchema(publishedMinutesVersionSchema);

/** Body of `POST /api/minutes/verify` as JSON (a file is sent as multipart instead). */
export const verifyByHashSchema = z.object({ sha256: sha256HexSchema });
