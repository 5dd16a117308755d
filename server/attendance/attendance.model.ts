import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType } from 'mongoose';
import { attendanceStatuses } from '../contracts/attendance';

const subjectKinds = ['user', 'site'] as const;

const attendanceMarkSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    subjectKind: { type: String, enum: subjectKinds, required: true },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: attendanceStatuses, required: true },
    reason: { type: String, default: null },
    /** Who marked it (the person themself, the secretary, a site operator). */
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    at: { type: Date, required: true },
  },
  { collection: 'attendance_marks', versionKey: false },
);
attendanceMarkSchema.index({ meetingId: 1, at: 1 });

/** A roll-call mark. Marks are only ever inserted: the latest per subject is its status. */
export type AttendanceMarkRecord = InferSchemaType<typeof attendanceMarkSchema>;
/** Roll-call marks, append-only (no lost updates between concurrent markers). */
export const AttendanceMarkModel = mongoose.model('AttendanceMark', attendanceMarkSchema);

const remoteIntervalSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', required: true },
    subjectKind: { type: String, enum: subjectKinds, required: true },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    /** The participant identity the media server reported. */
    identity: { type: String, required: true },
    joinedAt: { type: Date, required: true },
    leftAt: { type: Date, default: null },
  },
  { collection: 'attendance_intervals', versionKey: false },
);
remoteIntervalSchema.index({ meetingId: 1, identity: 1, joinedAt: 1 });

/** A stored period of video connection. */
export type RemoteIntervalRecord = InferSchemaType<typeof remoteIntervalSchema>;
/** Periods during which a person or site was connected by video (from LiveKit webhooks). */
export const RemoteIntervalModel = mongoose.model('RemoteInterval', remoteIntervalSchema);
