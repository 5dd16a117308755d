import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType } from 'mongoose';

const auditEntrySchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    actor: {
      type: new Schema(
        {
          kind: { type: String, enum: ['user', 'system'], required: true },
          id: { type: String, default: null },
          name: { type: String, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    action: { type: String, required: true },
    target: {
      type: new Schema(
        { kind: { type: String, required: true }, id: { type: String, required: true } },
        { _id: false },
      ),
      default: null,
    },
    // Summaries are kept as canonical JSON text: hashed exactly as stored, and free of the
    // key and nesting limits FerretDB puts on documents.
    before: { type: String, default: null },
    after: { type: String, default: null },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_entries', versionKey: false },
);
// One entry per position: concurrent appends cannot fork the chain.
auditEntrySchema.index({ meetingId: 1, seq: 1 }, { unique: true });

/** A stored audit entry. */
export type AuditEntryRecord = InferSchemaType<typeof auditEntrySchema>;
/** The append-only audit log, one hash chain per meeting. */
export const AuditEntryModel = mongoose.model('AuditEntry', auditEntrySchema);
