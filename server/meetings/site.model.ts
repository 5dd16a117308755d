import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';
import { invitedViaSchema } from '../contracts/meetings';

const siteSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    name: { type: String, required: true },
    level: { type: String, required: true },
    /**
     * Who run the bridge point's room and speak for it (by default the unit's users with the
     * site_operator role, when the site is added).
     */
    operatorIds: { type: [Schema.Types.ObjectId], ref: 'User', default: [], index: true },
    /** Before operatorIds: the one operator of sites stored by earlier versions. */
    operatorId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
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
/** The operators of a stored site (also those stored before operatorIds existed). */
export function operatorsOfSite(site: {
  operatorIds?: Types.ObjectId[] | null;
  operatorId?: Types.ObjectId | null;
}): Types.ObjectId[] {
  if (site.operatorIds && site.operatorIds.length > 0) return site.operatorIds;
  return site.operatorId ? [site.operatorId] : [];
}

/** Bridge points (units joining a meeting by video), each with its operators. */
export const SiteModel = mongoose.model('MeetingSite', siteSchema);
