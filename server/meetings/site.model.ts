import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';
import { invitedViaSchema } from '../contracts/meetings';

const siteSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    name: { type: String, required: true },
    level: { type: String, required: true },
    /** Who runs the bridge point's room and speaks for it. */
    operatorId: { type: Schema.Types.ObjectId, ref: 'User', default: null, index: true },
    invitedVia: { type: String, enum: invitedViaSchema.options, required: true },
  },
  { timestamps: true, collection: 'meeting_sites' },
);
// A unit joins a meeting as at most one bridge point.
siteSchema.index({ meetingId: 1, unitId: 1 }, { unique: true });

/** A stored bridge point. */
export type SiteRecord = InferSchemaType<typeof siteSchema>;
/** A stored bridge point as read with lean(). */
export type SiteLean = SiteRecord & { _id: Types.ObjectId; createdAt: Date };
/** Bridge points (units joining a meeting by video), each with an operator. */
export const SiteModel = mongoose.model('MeetingSite', siteSchema);
