import mongoose, { Schema, Types } from 'mongoose';
import type { Logger } from 'pino';
import type { AuthUser } from '../auth/auth-user';
import { hasRole } from '../auth/auth-user';
import { DEFAULT_TASK_REMINDERS, taskReminderSettingsInputSchema } from '../contracts/tasks';
import type { TaskReminderSettings, TaskReminderSettingsInput } from '../contracts/tasks';
import { forbidden } from '../errors';
import { unitService } from '../units/unit.service';

// FerretDB v1 has no nested arrays: the before/after of a history line are JSON text.
const changeEntry = new Schema(
  {
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    actorName: { type: String, required: true },
    beforeJson: { type: String, required: true },
    afterJson: { type: String, required: true },
  },
  { _id: false },
);

const settingsSchema = new Schema(
  {
    /** The unit's id: one document per unit that changed the defaults. */
    _id: { type: Schema.Types.ObjectId, required: true },
    daysBefore: { type: [Number], default: [] },
    overdue: { type: Boolean, required: true },
    email: { type: Boolean, required: true },
    updatedById: { type: String, required: true },
    updatedByName: { type: String, required: true },
    /** Every change, who made it and what it was before (the audit of these settings). */
    history: { type: [changeEntry], default: [] },
  },
  { timestamps: true, collection: 'task_reminder_settings' },
);

/** Per-unit reminder settings (a unit without a document uses the defaults). */
export const TaskReminderSettingsModel = mongoose.model('TaskReminderSettings', settingsSchema);

/** The part of the settings the reminder job reads. */
export interface ReminderRule {
  daysBefore: readonly number[];
  overdue: boolean;
  email: boolean;
}

/** The rule of a unit when it has changed nothing. */
export const DEFAULT_RULE: ReminderRule = {
  daysBefore: [...DEFAULT_TASK_REMINDERS.daysBefore],
  overdue: DEFAULT_TASK_REMINDERS.overdue,
  email: DEFAULT_TASK_REMINDERS.email,
};

/**
 * Who changes a unit's reminders: the administrators of that unit, and system administrators.
 * Everyone may read them (they say nothing confidential).
 */
export function canConfigureReminders(user: AuthUser, unitId: string): boolean {
  return hasRole(user, 'system_admin') || (hasRole(user, 'unit_admin') && user.unitId === unitId);
}

const sorted = (days: readonly number[]): number[] => [...days].sort((a, b) => b - a);

/**
 * A unit's reminder settings: read by the reminder job, changed by the unit's administrators
 * (validated, each change kept in the settings' history and logged).
 */
export function createReminderSettings(deps: { logger: Logger; clock: () => Date }) {
  async function present(unitId: string): Promise<TaskReminderSettings> {
    const row = await TaskReminderSettingsModel.findById(new Types.ObjectId(unitId)).lean();
    if (!row) {
      return {
        unitId,
        ...DEFAULT_RULE,
        daysBefore: [...DEFAULT_RULE.daysBefore],
        isDefault: true,
        updatedAt: null,
        updatedBy: null,
      };
    }
    return {
      unitId,
      daysBefore: sorted(row.daysBefore),
      overdue: row.overdue,
      email: row.email,
      isDefault: false,
      updatedAt: row.updatedAt.toISOString(),
      updatedBy: row.updatedByName,
    };
  }

  return {
    /** Authorization of a change, before its body is read. @throws 403, 404. */
    async authorize(user: AuthUser, unitId: string): Promise<void> {
      await unitService.load(unitId);
      if (!canConfigureReminders(user, unitId)) {
        throw forbidden("Only this unit's administrators change its reminders.");
      }
    },

    /** The settings of a unit (the defaults when it changed nothing). @throws 404. */
    async get(unitId: string): Promise<TaskReminderSettings> {
      await unitService.load(unitId);
      return present(unitId);
    },

    /** Replaces a unit's settings. @throws 400, 403, 404. */
    async put(
      user: AuthUser,
      unitId: string,
      input: TaskReminderSettingsInput,
    ): Promise<TaskReminderSettings> {
      await this.authorize(user, unitId);
      const body = taskReminderSettingsInputSchema.parse(input);
      const before = await present(unitId);
      const after = {
        daysBefore: sorted(body.daysBefore),
        overdue: body.overdue,
        email: body.email,
      };
      await TaskReminderSettingsModel.updateOne(
        { _id: new Types.ObjectId(unitId) },
        {
          $set: { ...after, updatedById: user.id, updatedByName: user.fullName },
          $push: {
            history: {
              at: deps.clock(),
              actorId: user.id,
              actorName: user.fullName,
              beforeJson: JSON.stringify({
                daysBefore: before.daysBefore,
                overdue: before.overdue,
                email: before.email,
              }),
              afterJson: JSON.stringify(after),
            },
          },
        },
        { upsert: true },
      );
      deps.logger.info(
        { unitId, actor: user.id, before, after },
        'task reminder settings of a unit changed',
      );
      return present(unitId);
    },

    /** The rules of the given units (the defaults for those without settings). */
    async rulesOf(unitIds: readonly Types.ObjectId[]): Promise<Map<string, ReminderRule>> {
      const rows = unitIds.length
        ? await TaskReminderSettingsModel.find(
            { _id: { $in: unitIds } },
            { daysBefore: 1, overdue: 1, email: 1 },
          ).lean()
        : [];
      const rules = new Map<string, ReminderRule>(
        rows.map((r) => [
          r._id.toHexString(),
          { daysBefore: r.daysBefore, overdue: r.overdue, email: r.email },
        ]),
      );
      for (const id of unitIds) {
        if (!rules.has(id.toHexString())) rules.set(id.toHexString(), DEFAULT_RULE);
      }
      return rules;
    },
  };
}

/** The per-unit reminder settings. */
export type ReminderSettings = ReturnType<typeof createReminderSettings>;
