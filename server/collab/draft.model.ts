import mongoose, { Schema } from 'mongoose';

/** A draft resolution of a meeting; its text lives in the co-edited document `meeting/<id>/draft/<_id>`. */
const draftSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true, index: true },
    title: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'meeting_drafts', timestamps: { createdAt: true, updatedAt: false } },
);

export const DraftModel = mongoose.model('MeetingDraft', draftSchema);
