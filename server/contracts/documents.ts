import { z } from 'zod';
import { isoDateTimeSchema, objectIdSchema, textSchema } from './common';

/**
 * The file types a meeting document may have, recognised by content (not by name), with the
 * content type served on download and the usual extension.
 */
export const documentTypes = {
  pdf: { contentType: 'application/pdf', extension: 'pdf' },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: 'docx',
  },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
  },
  pptx: {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extension: 'pptx',
  },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', extension: 'odt' },
  png: { contentType: 'image/png', extension: 'png' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
} as const;
/** A recognised document type. */
export type DocumentType = keyof typeof documentTypes;
/** The recognised document types. */
export const documentTypeNames = Object.keys(documentTypes) as DocumentType[];

/** One stored version of a document. */
export const documentVersionSchema = z.object({
  version: z.number().int().min(1),
  filename: z.string(),
  type: z.enum(documentTypeNames as [DocumentType, ...DocumentType[]]),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  uploadedBy: objectIdSchema,
  uploadedAt: isoDateTimeSchema,
});
/** One stored version of a document. */
export type DocumentVersion = z.infer<typeof documentVersionSchema>;

/** A meeting document with its versions (newest last). */
export const meetingDocumentSchema = z.object({
  id: objectIdSchema,
  meetingId: objectIdSchema,
  title: z.string(),
  agendaItemId: objectIdSchema.nullable(),
  currentVersion: z.number().int(),
  versions: z.array(documentVersionSchema),
  createdBy: objectIdSchema,
  createdAt: isoDateTimeSchema,
});
/** A meeting document. */
export type MeetingDocument = z.infer<typeof meetingDocumentSchema>;

/**
 * Form fields of `POST /api/meetings/:id/documents` (multipart/form-data; the fields come
 * before the `file` part).
 */
export const uploadDocumentFieldsSchema = z.object({
  title: textSchema(1, 300).optional(),
  agendaItemId: objectIdSchema.optional(),
});
/** Form fields of a new document. */
export type UploadDocumentFields = z.infer<typeof uploadDocumentFieldsSchema>;

/** Body of `PATCH /api/meetings/:id/documents/:documentId`. */
export const updateDocumentSchema = z
  .object({
    title: textSchema(1, 300),
    agendaItemId: objectIdSchema.nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
/** Body of `PATCH /api/meetings/:id/documents/:documentId`. */
export type UpdateDocumentInput = z.infer<typeof updateDocumentSchema>;

/** Query of `GET .../documents/:documentId/content`. */
export const downloadQuerySchema = z.object({
  /** Default: the current version. */
  version: z.coerce.number().int().min(1).max(100_000).optional(),
  /** `inline` to show in the browser (PDF and images), default `attachment`. */
  disposition: z.enum(['inline', 'attachment']).default('attachment'),
});

/** A private note on a document, readable only by its author. */
export const documentNoteSchema = z.object({
  documentId: objectIdSchema,
  text: z.string(),
  updatedAt: isoDateTimeSchema.nullable(),
});
/** A private note. */
export type DocumentNote = z.infer<typeof documentNoteSchema>;

/** Body of `PUT .../documents/:documentId/notes/mine`. */
export const putDocumentNoteSchema = z.object({ text: textSchema(0, 100_000) });
