import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';

const agendaItemSchema = new Schema(
  {
    /** Stable id, chosen by whoever adds the item (REST or the co-edited document). */
    _id: { type: Schema.Types.ObjectId, required: true },
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    order: { type: Number, required: true },
    title: { type: String, required: true },
    presenterId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    durationMinutes: { type: Number, default: 0 },
    documentIds: { type: [Schema.Types.ObjectId], default: [] },
    notes: { type: String, default: '' },
    /**
     * Taken off the agenda. Kept so that polls, floor entries and minutes that point at the
     * item still resolve; an item put back keeps its id.
     */
    removed: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'agenda_items' },
);
agendaItemSchema.index({ meetingId: 1, order: 1 });

/** A stored agenda item (its status lives on the meeting: currentItemId, doneItemIds). */
export type AgendaItemRecord = InferSchemaType<typeof agendaItemSchema>;
/** A stored agenda item as read with lean(). */
export type AgendaItemLean = AgendaItemRecord & { _id: Types.ObjectId };
/** The materialized agenda: one document per item. */
export const AgendaItemModel = mongoose.model('AgendaItem', agendaItemSchema);
