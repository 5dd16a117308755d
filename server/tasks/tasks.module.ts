import type { Logger } from 'pino';
import type { RouteModule } from '../app';
import type { Mailer } from '../mail/smtp-client';
import { overdueListings } from './overdue-agenda';
import { createTaskMarksService } from './task-marks.service';
import type { PublishedNotice, TaskMarksService } from './task-marks.service';
import { createReminderSettings } from './task-reminder-settings';
import type { ReminderSettings } from './task-reminder-settings';
import { createTaskReminders } from './task-reminders';
import type { TaskReminders } from './task-reminders';
import { createTaskService } from './task.service';
import type { Clock } from './task-facts';
import type { TaskService } from './task.service';
import { taskRoutes } from './tasks.routes';

/** What the tasks need from the composition root. */
export interface TasksOptions {
  logger: Logger;
  mailer: Mailer;
  mailFrom: string;
  /** Where the app is reached (links in reminder e-mails). */
  publicUrl: () => string;
  /** Default: the system clock. Tests pass one they move. */
  clock?: Clock;
  /** Largest accepted attachment (UPLOAD_LIMIT_MB, as meeting documents). */
  uploadLimitBytes: number;
  /** How often the reminder job runs; 0 or unset: not started (tests run a pass themselves). */
  reminderIntervalMs?: number;
}

/** The tasks, started. */
export interface TasksModule {
  modules: RouteModule[];
  service: TaskService;
  marks: TaskMarksService;
  reminders: TaskReminders;
  reminderSettings: ReminderSettings;
  /** What the minutes list under an agenda item: the overdue tasks it was created with. */
  agendaItemListings(meetingId: string): Promise<Map<string, string[]>>;
  /** The hook publishing calls: creates the tasks of a published notice from its marks. */
  createTasksFromPublishedNotice(e: PublishedNotice): Promise<number>;
  close(): void;
}

/**
 * Starts the follow-up of conclusions (issue 15): tasks, their marks in the notice, the
 * reminder job.
 */
export function startTasks(opts: TasksOptions): TasksModule {
  const clock = opts.clock ?? (() => new Date());
  const service = createTaskService({ clock });
  const marks = createTaskMarksService({ clock, logger: opts.logger });
  const reminderSettings = createReminderSettings({ clock, logger: opts.logger });
  const reminders = createTaskReminders({
    clock,
    settings: reminderSettings,
    mailer: opts.mailer,
    mailFrom: opts.mailFrom,
    publicUrl: opts.publicUrl,
    logger: opts.logger,
  });
  const job = opts.reminderIntervalMs ? reminders.start(opts.reminderIntervalMs) : undefined;
  return {
    modules: [taskRoutes(service, marks, reminderSettings, opts.uploadLimitBytes)],
    service,
    marks,
    reminders,
    reminderSettings,
    agendaItemListings: overdueListings,
    createTasksFromPublishedNotice: (e) => marks.createTasksFromPublishedNotice(e),
    close: () => job?.stop(),
  };
}
