import { z } from 'zod';
import { objectIdSchema, textSchema } from './common';

/** Live status of an agenda item; the chair moves it by setting the current item. */
export const agendaItemStatuses = ['pending', 'current', 'done'] as const;
/** One of {@link agendaItemStatuses}. */
export type AgendaItemStatus = (typeof agendaItemStatuses)[number];

/** An agenda item as the API returns it (the materialized record). */
export const agendaItemSchema = z.object({
  /** Stable id, the same in the co-edited agenda document. */
  id: objectIdSchema,
  meetingId: objectIdSchema,
  order: z.number().int(),
  title: z.string(),
  presenterId: objectIdSchema.nullable(),
  presenterName: z.string().nullable(),
  durationMinutes: z.number().int(),
  documentIds: z.array(objectIdSchema),
  notes: z.string(),
  status: z.enum(agendaItemStatuses),
});
/** An agenda item. */
export type AgendaItem = z.infer<typeof agendaItemSchema>;

/** The agenda of a meeting, in order. */
export const agendaSchema = z.object({
  meetingId: objectIdSchema,
  currentItemId: objectIdSchema.nullable(),
  items: z.array(agendaItemSchema),
});
/** The agenda of a meeting. */
export type Agenda = z.infer<typeof agendaSchema>;

const itemFields = {
  title: textSchema(1, 500),
  presenterId: objectIdSchema.nullable(),
  durationMinutes: z.number().int().min(0).max(1440),
  documentIds: z.array(objectIdSchema).max(100),
  notes: textSchema(0, 5000),
};

/** Body of `POST /api/meetings/:id/agenda`: a new item, at the end or at `position` (0-based). */
export const createAgendaItemSchema = z.object({
  title: itemFields.title,
  presenterId: itemFields.presenterId.default(null),
  durationMinutes: itemFields.durationMinutes.default(15),
  documentIds: itemFields.documentIds.default([]),
  notes: itemFields.notes.default(''),
  position: z.number().int().min(0).max(1000).optional(),
});
/** Body of `POST /api/meetings/:id/agenda`. */
export type CreateAgendaItemInput = z.infer<typeof createAgendaItemSchema>;

/** Body of `PATCH /api/meetings/:id/agenda/:itemId`. */
export const updateAgendaItemSchema = z
  .object(itemFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
/** Body of `PATCH /api/meetings/:id/agenda/:itemId`. */
export type UpdateAgendaItemInput = z.infer<typeof updateAgendaItemSchema>;

/** Body of `PUT /api/meetings/:id/agenda/order`: every item id, in the new order. */
export const reorderAgendaSchema = z.object({
  itemIds: z
    .array(objectIdSchema)
    .max(1000)
    .refine((ids) => new Set(ids).size === ids.length, 'an item appears twice'),
});
/** Body of `PUT /api/meetings/:id/agenda/order`. */
export type ReorderAgendaInput = z.infer<typeof reorderAgendaSchema>;

/** Body of `PUT /api/meetings/:id/agenda/current`: the item under discussion (null: none). */
export const setCurrentItemSchema = z.object({ itemId: objectIdSchema.nullable() });
/** Body of `PUT /api/meetings/:id/agenda/current`. */
export type SetCurrentItemInput = z.infer<typeof setCurrentItemSchema>;
