import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType } from 'mongoose';
import { liveEventTypes } from '../contracts/live';

const liveEventSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    type: { type: String, enum: liveEventTypes, required: true },
    at: { type: Date, required: true },
    /** The event data as JSON text (free of FerretDB's key and nesting limits). */
    data: { type: String, required: true },
    /** User ids that may see the event (unset: everyone following the meeting). */
    audience: { type: [String], default: undefined },
  },
  { collection: 'live_events', versionKey: false },
);
// The sequence of a meeting's events: one event per position, so a reconnecting client can
// ask for everything after the last id it saw, and processes cannot fork the sequence.
liveEventSchema.index({ meetingId: 1, seq: 1 }, { unique: true });

/** A stored live event. */
export type LiveEventRecord = InferSchemaType<typeof liveEventSchema>;
/** The per-meeting log of live events, replayed to reconnecting clients. */
export const LiveEventModel = mongoose.model('LiveEvent', liveEventSchema);
