import mongoose, { Schema } from 'mongoose';

// Kept apart from users so that no query of users can ever return a hash (FerretDB also
// rejects findOneAnd* with projections, which rules out `select: false`).
const credentialSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, unique: true },
    hash: { type: String, required: true },
  },
  { timestamps: true, collection: 'credentials' },
);

/** Password hashes, one per user. */
export const CredentialModel = mongoose.model('Credential', credentialSchema);
