import mongoose, { Schema } from 'mongoose';

const sessionSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    /** SHA-256 of the current refresh secret. */
    tokenHash: { type: String, required: true },
    /** SHA-256 of the previous secret, accepted until `previousValidUntil` (tabs refreshing at once). */
    previousHash: { type: String, default: null },
    previousValidUntil: { type: Date, default: null },
    /**
     * Older secrets (SHA-256, newest last, a few only) with the end of their grace: presenting
     * one after that is a replay, read as theft, and ends the session.
     */
    retired: {
      type: [{ _id: false, hash: { type: String, required: true }, validUntil: Date }],
      default: [],
    },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    /** Why the session ended early: `logout`, `refresh_replay`, ... (null while open). */
    revokedReason: { type: String, default: null },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
  },
  { timestamps: true, collection: 'sessions' },
);

/** Login sessions: one per login, carrying the rotating refresh token. */
export const SessionModel = mongoose.model('Session', sessionSchema);
