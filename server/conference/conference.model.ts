import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';

const webhookEventSchema = new Schema(
  {
    /** LiveKit's event id: LiveKit may deliver an event twice; it is recorded once. */
    eventId: { type: String, required: true, unique: true },
    meetingId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    identity: { type: String, default: null },
    /** The LiveKit session (pairs a join with its leave). */
    participantSid: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'conference_webhook_events', versionKey: false },
);
webhookEventSchema.index({ meetingId: 1, participantSid: 1 });

/** A LiveKit webhook event already handled (deduplication and out-of-order leaves). */
export type WebhookEventRecord = InferSchemaType<typeof webhookEventSchema>;
/** Handled LiveKit webhook events. */
export const WebhookEventModel = mongoose.model('ConferenceWebhookEvent', webhookEventSchema);

const phoneMarkSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    by: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'conference_phone_marks', versionKey: false },
);
phoneMarkSchema.index({ meetingId: 1, siteId: 1 }, { unique: true });

/** A site the chair or secretary marked present by phone (its video failed). */
export const PhoneMarkModel = mongoose.model('ConferencePhoneMark', phoneMarkSchema);

const recordingSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true, index: true },
    fileId: { type: Schema.Types.ObjectId, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    bytes: { type: Number, required: true },
    durationMs: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    endedAt: { type: Date, required: true },
    speakers: { type: [String], default: [] },
    startedBy: { type: Schema.Types.ObjectId, default: null },
    /** SHA-256 of the stored file (hex); set for programme video recordings. */
    sha256: { type: String, default: null },
  },
  { collection: 'conference_recordings', versionKey: false },
);

/** A stored recording. */
export type RecordingRecord = InferSchemaType<typeof recordingSchema>;
/** A stored recording as read with lean(). */
export type RecordingLean = RecordingRecord & { _id: Types.ObjectId };
/** Audio and programme video recordings of meetings (files in the GridFS bucket `recording_files`). */
export const RecordingModel = mongoose.model('ConferenceRecording', recordingSchema);

const closureSchema = new Schema(
  {
    /** The meeting id: looked up by `_id` alone (a direct lookup on FerretDB). */
    _id: { type: String, required: true },
    endedAt: { type: Date, required: true },
    endedBy: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'conference_closures', versionKey: false },
);

/**
 * A conference the chair ended while its meeting goes on: no token is issued and the room is
 * not opened again until the chair reopens it (which removes the closure).
 */
export const ConferenceClosureModel = mongoose.model('ConferenceClosure', closureSchema);

const removalSchema = new Schema(
  {
    /** `<meetingId>|<identity>`: the token route checks it by `_id` alone. */
    _id: { type: String, required: true },
    meetingId: { type: Schema.Types.ObjectId, required: true, index: true },
    identity: { type: String, required: true },
    removedAt: { type: Date, required: true },
    removedBy: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'conference_removals', versionKey: false },
);

/** The key of a removal: one per participant identity per meeting. */
export const removalKey = (meetingId: string, identity: string): string =>
  `${meetingId}|${identity}`;

/**
 * A participant the chair removed from the conference: no new token for that identity until the
 * chair lets it back in (which removes the record).
 */
export const ConferenceRemovalModel = mongoose.model('ConferenceRemoval', removalSchema);
