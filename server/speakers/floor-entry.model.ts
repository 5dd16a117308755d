import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';
import { floorStatuses } from '../contracts/speakers';

const floorEntrySchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    agendaItemId: { type: Schema.Types.ObjectId, ref: 'AgendaItem', default: null },
    speakerKind: { type: String, enum: ['user', 'site'], required: true },
    speakerId: { type: Schema.Types.ObjectId, required: true },
    speakerName: { type: String, required: true },
    requestedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    status: { type: String, enum: floorStatuses, required: true },
    /** Queue position (smaller first); the chair may reorder. */
    order: { type: Number, required: true },
    requestedAt: { type: Date, required: true },
    grantedAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    /**
     * `<meetingId>:<kind>:<id>` while the request is open, `closed:<entryId>` afterwards: the
     * unique index lets each person or site hold one open request at a time, even when they
     * ask twice at once.
     */
    openKey: { type: String, required: true, unique: true },
    rev: { type: Number, default: 0 },
  },
  { collection: 'floor_entries', versionKey: false },
);
floorEntrySchema.index({ meetingId: 1, status: 1, order: 1 });

/** A stored floor request. */
export type FloorEntryRecord = InferSchemaType<typeof floorEntrySchema>;
/** A stored floor request as read with lean(). */
export type FloorEntryLean = FloorEntryRecord & { _id: Types.ObjectId };
/** Requests for the floor with their requested/granted/ended times. */
export const FloorEntryModel = mongoose.model('FloorEntry', floorEntrySchema);

const floorGrantSchema = new Schema(
  {
    /** `<meetingId>:<slot>`: at most `maxSpeakers` slots, each held by one speaker. */
    _id: { type: String, required: true },
    meetingId: { type: Schema.Types.ObjectId, required: true, index: true },
    entryId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'floor_grants', versionKey: false },
);

/**
 * Who holds the floor: one document per speaking slot, taken by insert, so two grants at
 * once cannot both succeed (FerretDB updates are not atomic; inserts under a unique id are).
 */
export const FloorGrantModel = mongoose.model('FloorGrant', floorGrantSchema);
