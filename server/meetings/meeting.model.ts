import mongoose, { Schema } from 'mongoose';
import type { HydratedDocument, InferSchemaType, Types } from 'mongoose';
import { meetingKinds, meetingStates, meetingVisibilities } from '../contracts/meetings';

const meetingSchema = new Schema(
  {
    title: { type: String, required: true },
    kind: { type: String, enum: meetingKinds, required: true },
    hostUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true, index: true },
    /**
     * The host unit's name when the meeting was scheduled (or moved): the record keeps the
     * name under which it met, and lists need no lookup (FerretDB scans for `$in` on _id).
     */
    hostUnitName: { type: String, default: null },
    /** The host unit and every unit above it, root first: who administers the host. */
    hostUnitPath: { type: [Schema.Types.ObjectId], default: [], index: true },
    chairId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    secretaryId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    place: { type: String, default: '' },
    startsAt: { type: Date, required: true, index: true },
    endsAt: { type: Date, required: true },
    visibility: { type: String, enum: meetingVisibilities, required: true, index: true },
    description: { type: String, default: '' },
    state: { type: String, enum: meetingStates, required: true, default: 'draft', index: true },
    quorum: {
      numerator: { type: Number, required: true },
      denominator: { type: Number, required: true },
      inclusive: { type: Boolean, required: true },
    },
    floor: { maxSpeakers: { type: Number, required: true, default: 1 } },
    /** The agenda item under discussion (its status is `current`). */
    currentItemId: { type: Schema.Types.ObjectId, default: null },
    /** Agenda items already dealt with (status `done`). */
    doneItemIds: { type: [Schema.Types.ObjectId], default: [] },
    cancelReason: { type: String, default: null },
    /**
     * Everyone taking part: participants and site operators. Derived from meeting_participants
     * and meeting_sites (participant.service.ts keeps it), so that "my meetings" and access
     * checks read the meeting instead of scanning those collections (FerretDB cannot use
     * their indexes; MongoDB indexes this array).
     */
    memberIds: { type: [Schema.Types.ObjectId], default: [], index: true },
    /** Which user operates which site (derived like memberIds). */
    siteOperators: {
      type: [
        new Schema(
          {
            siteId: { type: Schema.Types.ObjectId, required: true },
            operatorId: { type: Schema.Types.ObjectId, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Folded title for accent-insensitive search. */
    searchText: { type: String, default: '' },
    /** Revision: every write goes through serializedUpdate (see write-serialization.ts). */
    rev: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'meetings' },
);

/** A stored meeting. */
export type MeetingRecord = InferSchemaType<typeof meetingSchema>;
/** A stored meeting as read with lean(). */
export type MeetingLean = MeetingRecord & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
/** A loaded meeting document. */
export type MeetingDocument = HydratedDocument<MeetingRecord>;
/** The meetings collection. */
export const MeetingModel = mongoose.model('Meeting', meetingSchema);
