import type { AuthUser } from '../auth/auth-user';
import type { MinutesKind } from '../contracts/minutes';
import type { MinutesService } from '../minutes/minutes.service';

/** What publishing the demo minutes needs: the real workflow of the minutes service. */
export type DemoMinutesPublisher = Pick<
  MinutesService,
  'get' | 'updateMeta' | 'submit' | 'approve' | 'publish'
>;

/** Demo numbers given by the records office (văn thư), one per kind. */
const DEMO_NUMBERS: Record<MinutesKind, string> = { minutes: '86', notice: '87' };

/**
 * Publishes the minutes and the notice of conclusions of an ended demo meeting through the
 * real workflow: the secretary gives the number, submits, the chair approves, the secretary
 * publishes (signed PDF, HTML, DOCX). Publishing the minutes moves the meeting to
 * minutes_published, as it does for everyone.
 * @throws whatever the workflow throws (a seed that cannot publish fails loudly).
 */
export async function publishDemoMinutes(
  minutes: DemoMinutesPublisher,
  meetingId: string,
  people: { chair: AuthUser; secretary: AuthUser },
): Promise<void> {
  const { chair, secretary } = people;
  for (const kind of ['notice', 'minutes'] as const) {
    const record = (await minutes.get(secretary, meetingId))[kind];
    const current = record.meta?.numberSymbol ?? '';
    await minutes.updateMeta(secretary, meetingId, kind, {
      numberSymbol: current.replace('…', DEMO_NUMBERS[kind]),
    });
    await minutes.submit(secretary, meetingId, kind);
    await minutes.approve(chair, meetingId, kind);
    await minutes.publish(secretary, meetingId, kind);
  }
}
