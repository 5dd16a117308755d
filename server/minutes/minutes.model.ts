import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';
import { minutesKindSchema, minutesStatuses } from '../contracts/minutes';

const person = new Schema(
  {
    id: { type: Schema.Types.ObjectId, required: true },
    fullName: { type: String, required: true },
  },
  { _id: false },
);

const minutesRecordSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    kind: { type: String, enum: minutesKindSchema.options, required: true },
    status: { type: String, enum: minutesStatuses, required: true, default: 'drafting' },
    /**
     * The ND30 frame (MinutesDocumentMeta) as JSON text: the header, title and signature
     * blocks are not part of the co-edited body. Null until the draft is first created.
     */
    metaJson: { type: String, default: null },
    submittedAt: { type: Date, default: null },
    submittedBy: { type: person, default: null },
    returnComment: { type: String, default: null },
    reviewedAt: { type: Date, default: null },
    reviewedBy: { type: person, default: null },
    /** The published version a correction in progress will supersede. */
    correcting: { type: Schema.Types.ObjectId, default: null },
    /** When the meeting went live and ended (the template's start and end times). */
    liveAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    /** Revision: every write goes through serializedUpdate. */
    rev: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'minutes_records' },
);
// One record per meeting and kind; concurrent first uses cannot duplicate it.
minutesRecordSchema.index({ meetingId: 1, kind: 1 }, { unique: true });

/** A stored minutes record (the approval state of the minutes or the notice of a meeting). */
export type MinutesRecordRow = InferSchemaType<typeof minutesRecordSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
/** Approval state of the minutes and notices. */
export const MinutesRecordModel = mongoose.model('MinutesRecord', minutesRecordSchema);

const publishedFile = new Schema(
  {
    format: { type: String, enum: ['html', 'pdf', 'docx'], required: true },
    fileId: { type: Schema.Types.ObjectId, required: true },
    sha256: { type: String, required: true },
    size: { type: Number, required: true },
  },
  { _id: false },
);

const minutesVersionSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    kind: { type: String, enum: minutesKindSchema.options, required: true },
    version: { type: Number, required: true },
    supersedesId: { type: Schema.Types.ObjectId, default: null },
    /** Set on the old version when a correction is published (the only later write). */
    supersededById: { type: Schema.Types.ObjectId, default: null },
    correctionReason: { type: String, default: null },
    numberSymbol: { type: String, required: true },
    title: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitName: { type: String, required: true },
    /** The host unit and the units above it (search by unit). */
    unitPath: { type: [Schema.Types.ObjectId], default: [] },
    meetingTitle: { type: String, required: true },
    meetingStartsAt: { type: Date, required: true },
    visibility: { type: String, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: person, required: true },
    files: { type: [publishedFile], default: [] },
    signer: {
      commonName: { type: String, required: true },
      organization: { type: String, default: null },
      fingerprint: { type: String, required: true },
    },
    /** The published content and frame, as JSON text (what the files were rendered from). */
    contentJson: { type: String, required: true },
    metaJson: { type: String, required: true },
    /** SHA-256 of every file, for the verify lookup. */
    hashes: { type: [String], default: [], index: true },
    /** Folded title, meeting title, number and unit for accent-insensitive search. */
    searchText: { type: String, default: '' },
  },
  { collection: 'minutes_versions', versionKey: false },
);
// Version numbers are taken by insert: two publishers at once cannot both get version n.
minutesVersionSchema.index({ meetingId: 1, kind: 1, version: 1 }, { unique: true });
minutesVersionSchema.index({ publishedAt: -1 });

/** A stored published version. */
export type MinutesVersionRow = InferSchemaType<typeof minutesVersionSchema> & {
  _id: Types.ObjectId;
};
/** Immutable published versions of minutes and notices (files in GridFS `minutes_files`). */
export const MinutesVersionModel = mongoose.model('MinutesVersion', minutesVersionSchema);
