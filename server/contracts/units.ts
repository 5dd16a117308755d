import { z } from 'zod';
import {
  isoDateTimeSchema,
  objectIdSchema,
  pageSchema,
  paginationQuerySchema,
  queryBooleanSchema,
  textSchema,
} from './common';

/**
 * Levels of the administrative tree. Until June 2025: province → district → commune, with
 * departments under the province; since July 2025 communes sit directly under the province.
 */
export const unitLevels = ['province', 'department', 'district', 'commune'] as const;
/** One of {@link unitLevels}. */
export type UnitLevel = (typeof unitLevels)[number];

/** Which levels may be the parent of a unit of each level (null: a root). */
export const allowedParentLevels: Record<UnitLevel, readonly (UnitLevel | null)[]> = {
  province: [null],
  department: ['province', 'district'],
  district: ['province'],
  commune: ['district', 'province'],
};

/** A unit as the API returns it. */
export const unitSchema = z.object({
  id: objectIdSchema,
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  level: z.enum(unitLevels),
  parentId: objectIdSchema.nullable(),
  ancestorIds: z.array(objectIdSchema),
  validFrom: isoDateTimeSchema.nullable(),
  validTo: isoDateTimeSchema.nullable(),
  replacedById: objectIdSchema.nullable(),
  active: z.boolean(),
  isSample: z.boolean(),
  order: z.number().int(),
});
/** A unit as the API returns it. */
export type Unit = z.infer<typeof unitSchema>;

const unitCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');

/** Body of `POST /api/units`. */
export const createUnitSchema = z.object({
  code: unitCodeSchema,
  name: textSchema(2, 200),
  shortName: textSchema(1, 80).optional(),
  level: z.enum(unitLevels),
  parentId: objectIdSchema.nullable().default(null),
  validFrom: isoDateTimeSchema.optional(),
  order: z.number().int().min(0).max(100_000).optional(),
});
/** Body of `POST /api/units`. */
export type CreateUnitInput = z.infer<typeof createUnitSchema>;

/** Body of `PATCH /api/units/:id`: rename, recode, move, reorder. */
export const updateUnitSchema = z
  .object({
    code: unitCodeSchema,
    name: textSchema(2, 200),
    shortName: textSchema(1, 80).nullable(),
    parentId: objectIdSchema.nullable(),
    order: z.number().int().min(0).max(100_000),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
/** Body of `PATCH /api/units/:id`. */
export type UpdateUnitInput = z.infer<typeof updateUnitSchema>;

/** Body of `POST /api/units/:id/deactivate`: a unit ends (dissolved, merged into another). */
export const deactivateUnitSchema = z.object({
  validTo: isoDateTimeSchema.optional(),
  replacedById: objectIdSchema.optional(),
});
/** Body of `POST /api/units/:id/deactivate`. */
export type DeactivateUnitInput = z.infer<typeof deactivateUnitSchema>;

/** Query of `GET /api/units`. */
export const listUnitsQuerySchema = paginationQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  level: z.enum(unitLevels).optional(),
  parentId: objectIdSchema.optional(),
  /** Units anywhere below this one. */
  under: objectIdSchema.optional(),
  includeInactive: queryBooleanSchema.optional(),
});
/** Query of `GET /api/units`. */
export type ListUnitsQuery = z.infer<typeof listUnitsQuerySchema>;

/** A page of units. */
export const unitPageSchema = pageSchema(unitSchema);

/** One node of `GET /api/units/tree`. */
export interface UnitTreeNode extends Unit {
  children: UnitTreeNode[];
}
export const unitTreeNodeSchema: z.ZodType<UnitTreeNode> = unitSchema.extend({
  get children() {
    return z.array(unitTreeNodeSchema);
  },
});

/** Query of `GET /api/units/tree`. */
export const unitTreeQuerySchema = z.object({
  includeInactive: queryBooleanSchema.optional(),
});
