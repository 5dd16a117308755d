import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';
import { documentTypeNames } from '../contracts/documents';

const meetingDocumentSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true, index: true },
    title: { type: String, required: true },
    agendaItemId: { type: Schema.Types.ObjectId, ref: 'AgendaItem', default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Withdrawn from the meeting; versions stay in the record. */
    withdrawnAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'meeting_documents' },
);

/** A stored meeting document (its file versions are in document_versions). */
export type MeetingDocumentRecord = InferSchemaType<typeof meetingDocumentSchema>;
/** A stored meeting document as read with lean(). */
export type MeetingDocumentLean = MeetingDocumentRecord & { _id: Types.ObjectId; createdAt: Date };
/** Documents of meetings. */
export const MeetingDocumentModel = mongoose.model('MeetingDocument', meetingDocumentSchema);

const documentVersionSchema = new Schema(
  {
    documentId: { type: Schema.Types.ObjectId, ref: 'MeetingDocument', required: true },
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    version: { type: Number, required: true },
    /** The file in the GridFS bucket `document_files`. */
    fileId: { type: Schema.Types.ObjectId, required: true },
    filename: { type: String, required: true },
    /** Recognised from the content, never from the name or the client's header. */
    type: { type: String, enum: documentTypeNames, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    uploadedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    uploadedAt: { type: Date, required: true },
  },
  { collection: 'document_versions', versionKey: false },
);
// Version numbers are taken by insert: two concurrent uploads never share a number.
documentVersionSchema.index({ documentId: 1, version: 1 }, { unique: true });
documentVersionSchema.index({ meetingId: 1 });

/** A stored file version. */
export type DocumentVersionRecord = InferSchemaType<typeof documentVersionSchema>;
/** Every uploaded version of every document; old versions stay. */
export const DocumentVersionModel = mongoose.model('DocumentVersion', documentVersionSchema);

const documentNoteSchema = new Schema(
  {
    documentId: { type: Schema.Types.ObjectId, ref: 'MeetingDocument', required: true },
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    text: { type: String, default: '' },
  },
  { timestamps: true, collection: 'document_notes' },
);
documentNoteSchema.index({ documentId: 1, userId: 1 }, { unique: true });

/** Private notes: one per user per document, readable only by their author. */
export const DocumentNoteModel = mongoose.model('DocumentNote', documentNoteSchema);
