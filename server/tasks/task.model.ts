import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, Types } from 'mongoose';

const actor = new Schema(
  { id: { type: String, default: null }, name: { type: String, required: true } },
  { _id: false },
);

// FerretDB v1 has no nested arrays: the details of a history line are JSON text.
const historyEntry = new Schema(
  {
    at: { type: Date, required: true },
    actor: { type: actor, required: true },
    action: { type: String, required: true },
    comment: { type: String, default: null },
    detailsJson: { type: String, default: null },
  },
  { _id: false },
);

const attachment = new Schema(
  {
    fileId: { type: Schema.Types.ObjectId, required: true },
    filename: { type: String, required: true },
    type: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    uploadedAt: { type: Date, required: true },
    uploadedBy: { type: actor, required: true },
  },
  { _id: false },
);

const taskSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true, index: true },
    meetingTitle: { type: String, required: true },
    hostUnitId: { type: Schema.Types.ObjectId, required: true, index: true },
    hostUnitPath: { type: [Schema.Types.ObjectId], default: [] },
    visibility: { type: String, required: true },
    noticeVersionId: { type: Schema.Types.ObjectId, required: true },
    noticeVersion: { type: Number, required: true },
    /** The mark the task was created from (a correction of the notice updates the same task). */
    markId: { type: String, required: true },
    paragraphIndex: { type: Number, required: true },
    paragraphText: { type: String, default: '' },
    title: { type: String, required: true },
    leadUnitId: { type: Schema.Types.ObjectId, required: true, index: true },
    coordinatingUnitIds: { type: [Schema.Types.ObjectId], default: [] },
    /** The involved units and every unit above them: "a unit sees the tasks below it". */
    visibleToUnitIds: { type: [Schema.Types.ObjectId], default: [], index: true },
    /** `YYYY-MM-DD`, a day in Asia/Ho_Chi_Minh. */
    deadline: { type: String, required: true },
    /** open → awaiting (completion proposed) → done; a return goes back to open. */
    phase: { type: String, enum: ['open', 'awaiting', 'done'], default: 'open' },
    proposedOn: { type: String, default: null },
    completedOn: { type: String, default: null },
    extensionDeadline: { type: String, default: null },
    extensionReason: { type: String, default: null },
    extensionRequestedAt: { type: Date, default: null },
    lastReport: { type: String, default: null },
    /** Reminders already sent, as `<kind>:<deadline>` (a new deadline reminds again). */
    remindersSent: { type: [String], default: [] },
    history: { type: [historyEntry], default: [] },
    /** Files the lead unit attached to its reports (GridFS, checked like meeting documents). */
    attachments: { type: [attachment], default: [] },
    rev: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'tasks' },
);
// One task per mark of a meeting's notice: publishing twice cannot duplicate it.
taskSchema.index({ meetingId: 1, markId: 1 }, { unique: true });

/** A stored task. */
export type TaskRow = InferSchemaType<typeof taskSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
/** Tasks assigned by published notices of conclusions. */
export const TaskModel = mongoose.model('Task', taskSchema);

const markSchema = new Schema(
  {
    id: { type: String, required: true },
    title: { type: String, required: true },
    leadUnitId: { type: String, required: true },
    coordinatingUnitIds: { type: [String], default: [] },
    deadline: { type: String, required: true },
    paragraphIndex: { type: Number, required: true },
    paragraphText: { type: String, default: '' },
  },
  { _id: false },
);

const taskMarksSchema = new Schema(
  {
    /** The meeting id: one list of marks per meeting's notice. */
    _id: { type: Schema.Types.ObjectId, required: true },
    marks: { type: [markSchema], default: [] },
  },
  { timestamps: true, collection: 'task_marks' },
);

/** A stored list of marks. */
export type TaskMarksRow = InferSchemaType<typeof taskMarksSchema> & { _id: Types.ObjectId };
/** The conclusions of a notice draft marked as tasks (kept beside the minutes draft). */
export const TaskMarksModel = mongoose.model('TaskMarks', taskMarksSchema);

const notificationSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    taskId: { type: Schema.Types.ObjectId, default: null },
    text: { type: String, required: true },
    readAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'notifications' },
);

/** A stored notification. */
export type NotificationRow = InferSchemaType<typeof notificationSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
};
/** In-app notifications (task reminders). */
export const NotificationModel = mongoose.model('Notification', notificationSchema);

const overdueItemSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true },
    /** The agenda item "add overdue tasks" created. */
    itemId: { type: String, required: true },
    taskIds: { type: [Schema.Types.ObjectId], default: [] },
    /** One line per task as the item listed it (title, lead unit, deadline, meeting). */
    lines: { type: [String], default: [] },
  },
  { timestamps: true, collection: 'overdue_agenda_items' },
);
overdueItemSchema.index({ meetingId: 1, itemId: 1 }, { unique: true });

/** The overdue tasks a meeting's agenda item lists (the minutes write them under the item). */
export const OverdueAgendaItemModel = mongoose.model('OverdueAgendaItem', overdueItemSchema);
