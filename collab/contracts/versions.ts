import { z } from 'zod';

/** A label for a named version, e.g. "Dự thảo lần 2": trimmed, NFC, 1-200 characters. */
export const versionLabelSchema = z
  .string()
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(1, 'the label is empty').max(200, 'at most 200 characters'));

/** A saved named version of a co-edited document (without its content). */
export const docVersionSchema = z.object({
  id: z.string(),
  docName: z.string(),
  label: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
  bytes: z.number().int().nonnegative(),
});
/** A saved named version of a co-edited document (without its content). */
export type DocVersion = z.infer<typeof docVersionSchema>;
