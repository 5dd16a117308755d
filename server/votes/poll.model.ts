import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';
import { pollElectorates, pollStatuses } from '../contracts/votes';

const pollSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true, index: true },
    agendaItemId: { type: Schema.Types.ObjectId, ref: 'AgendaItem', default: null },
    question: { type: String, required: true },
    options: { type: [String], required: true },
    secret: { type: Boolean, required: true },
    allowChange: { type: Boolean, required: true },
    electorate: { type: String, enum: pollElectorates, required: true },
    /** For the `listed` electorate. */
    voterIds: { type: [Schema.Types.ObjectId], default: [] },
    quorum: {
      numerator: { type: Number, required: true },
      denominator: { type: Number, required: true },
      inclusive: { type: Boolean, required: true },
    },
    status: { type: String, enum: pollStatuses, required: true, default: 'draft' },
    /** Who may vote, fixed when the poll opens. */
    eligibleIds: { type: [Schema.Types.ObjectId], default: [] },
    /** Voting seats of the meeting when the poll opened: the quorum's base. */
    quorumBase: { type: Number, default: 0 },
    openedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    /** Counts fixed at close: `{ ballots, eligible, counts[], quorumRequired, quorumMet }`. */
    results: { type: Schema.Types.Mixed, default: null },
    /** Secret polls: who voted, sorted by id, written at close (see ballot.service.ts). */
    votedIds: { type: [Schema.Types.ObjectId], default: [] },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    rev: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'polls', minimize: false },
);

/** A stored poll. */
export type PollRecord = InferSchemaType<typeof pollSchema>;
/** A stored poll as read with lean(). */
export type PollLean = PollRecord & { _id: Types.ObjectId; createdAt: Date };
/** Polls (biểu quyết). Written only through serializedUpdate once created. */
export const PollModel = mongoose.model('Poll', pollSchema);

const ballotSchema = new Schema(
  {
    /**
     * Secret polls: random, not an ObjectId (which would carry the time of the cast). Named
     * polls: the key.
     */
    _id: { type: String, required: true },
    /**
     * Named polls: `<pollId>:<voterId>`, so the unique index allows one ballot per voter per
     * poll. Secret polls: the random id again (one-per-voter is kept in poll_voters).
     */
    key: { type: String, required: true, unique: true },
    pollId: { type: Schema.Types.ObjectId, required: true },
    /** Named polls only; never set in a secret poll. */
    voterId: { type: Schema.Types.ObjectId, default: null },
    choice: { type: Number, required: true },
    /** Named polls only; a secret ballot carries no time. */
    castAt: { type: Date, default: null },
  },
  { collection: 'ballots', versionKey: false },
);
ballotSchema.index({ pollId: 1, choice: 1 });

/** A stored ballot. */
export type BallotRecord = InferSchemaType<typeof ballotSchema>;
/** Ballots, one document each, counted (never tallied with $inc). */
export const BallotModel = mongoose.model('Ballot', ballotSchema);

const pollVoterSchema = new Schema(
  {
    pollId: { type: Schema.Types.ObjectId, required: true },
    voterId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'poll_voters', versionKey: false },
);
// One ballot per voter per secret poll, without linking the voter to the ballot.
pollVoterSchema.index({ pollId: 1, voterId: 1 }, { unique: true });

/** Who has voted in an open secret poll (no choice here; no voter on the ballot). */
export const PollVoterModel = mongoose.model('PollVoter', pollVoterSchema);
