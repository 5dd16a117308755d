import { z } from 'zod';
import { docVersionSchema, versionLabelSchema } from '../../collab/contracts/versions';
import { objectIdSchema, textSchema } from './common';

/** A draft resolution (dự thảo nghị quyết): its text is the Yjs document `meeting/<id>/draft/<draftId>`. */
export const draftSchema = z.object({
  id: objectIdSchema,
  meetingId: objectIdSchema,
  title: z.string(),
  docName: z.string(),
  createdBy: objectIdSchema.nullable(),
  createdAt: z.iso.datetime(),
});
/** A draft resolution. */
export type Draft = z.infer<typeof draftSchema>;

/** Body of `POST /api/meetings/:id/drafts` and `PATCH /api/meetings/:id/drafts/:draftId`. */
export const draftInputSchema = z.object({ title: textSchema(1, 300) });
/** Body of the draft routes. */
export type DraftInput = z.infer<typeof draftInputSchema>;

/** Kinds of co-edited documents that keep named versions. */
export const versionedKinds = ['draft', 'minutes', 'notice'] as const;

/** Query naming the document of the versions routes: `?doc=meeting/<id>/draft/<draftId>`. */
export const versionDocQuerySchema = z.object({
  doc: z.string().min(1).max(300).meta({ description: 'Document name, e.g. meeting/<id>/minutes' }),
});

/** Body of `POST /api/collab/versions`. */
export const saveVersionSchema = z.object({
  doc: z.string().min(1).max(300),
  label: versionLabelSchema,
});
/** Body of `POST /api/collab/versions`. */
export type SaveVersionInput = z.input<typeof saveVersionSchema>;

/** The versions of a document, newest first. */
export const versionListSchema = z.object({ items: z.array(docVersionSchema) });

/** A version with its content (ProseMirror JSON and plain text). */
export const versionContentSchema = z.object({
  version: docVersionSchema,
  prosemirror: z.record(z.string(), z.unknown()),
  text: z.string(),
});

/** Answer of a restore: the backup taken of the content before it. */
export const restoreResultSchema = z.object({ backup: docVersionSchema });

export { docVersionSchema };
export type { DocVersion } from '../../collab/contracts/versions';
