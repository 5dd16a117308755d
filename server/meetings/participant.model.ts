import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType } from 'mongoose';
import { invitedViaSchema, meetingRoles } from '../contracts/meetings';

const participantSchema = new Schema(
  {
    /** `<meetingId>:<userId>`: access checks find a participation directly by id. */
    _id: { type: String, required: true },
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true, index: true },
    role: { type: String, enum: meetingRoles, required: true },
    /** Votes and counts towards the quorum. */
    voting: { type: Boolean, required: true },
    invitedVia: { type: String, enum: invitedViaSchema.options, required: true },
    siteId: { type: Schema.Types.ObjectId, ref: 'MeetingSite', default: null },
    /** This person attends in the place of `substituteFor` (người dự thay). */
    substituteFor: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true, collection: 'meeting_participants' },
);
// One participation per person per meeting; concurrent invitations cannot duplicate it.
participantSchema.index({ meetingId: 1, userId: 1 }, { unique: true });

/** A stored participation. */
export type ParticipantRecord = InferSchemaType<typeof participantSchema>;
/** A stored participation as read with lean(). */
export type ParticipantLean = ParticipantRecord & { _id: string; createdAt: Date };

/** The id of a participation. */
export function participantKey(meetingId: string, userId: string): string {
  return `${meetingId}:${userId}`;
}
/** People taking part in meetings, with their meeting role. */
export const ParticipantModel = mongoose.model('MeetingParticipant', participantSchema);
