import { z } from 'zod';

/** A MongoDB ObjectId as 24 lowercase hex characters. */
export const objectIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/, 'must be a 24-character hexadecimal id')
  .meta({ description: 'Object id (24 hex characters)' });

/**
 * Human text: trimmed and stored in Unicode NFC so that Vietnamese words compare, search and
 * render the same whichever keyboard produced them.
 */
export function textSchema(min: number, max: number) {
  return z
    .string()
    .trim()
    .overwrite((s) => s.normalize('NFC'))
    .min(min)
    .max(max);
}

/** Query parameters shared by every paginated list. */
export const paginationQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

/** The envelope of a paginated list. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

/** A paginated list of T. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** `true`/`false` as they arrive in a query string. */
export const queryBooleanSchema = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** An ISO 8601 date-time string with its offset, as every date in the API is written. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
