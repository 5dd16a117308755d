import type { Meeting } from '../../server/contracts/meetings';
import type { Agenda } from '../../server/contracts/agenda';
import type { FloorState } from '../../server/contracts/speakers';
import type { Poll } from '../../server/contracts/votes';
import type {
  MinutesKind,
  MinutesRecord,
  PublishedMinutesVersion,
} from '../../server/contracts/minutes';
import { buildMeeting } from './records';
import type { DemoClients, Directory } from './records';
import type { ApiClient, ApiResponse } from './stack';

/** Throws with the answer when the status is not the expected one. */
export function expectStatus<T>(res: ApiResponse<T>, status: number, what: string): T {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** What {@link runMeeting} did. */
export interface RunMeeting {
  meeting: Meeting;
  itemId: string;
  pollId: string;
  pollQuestion: string;
}

/**
 * A meeting run through the API: an agenda item, live (the drafts are seeded), the chair and
 * two delegates check in, the third is excused, two delegates speak in turn on the item, and
 * a poll on it is opened, voted and closed.
 */
export async function runMeeting(
  c: DemoClients,
  dir: Directory,
  overrides: Record<string, unknown> = {},
): Promise<RunMeeting> {
  const meeting = await buildMeeting(c, dir, { state: 'scheduled', overrides });
  const id = meeting.id;
  const agenda = expectStatus(
    await c.secretary.post<Agenda>(`/api/meetings/${id}/agenda`, {
      title: 'Báo cáo tình hình kinh tế - xã hội tháng 11',
    }),
    201,
    'add agenda item',
  );
  const itemId = agenda.items[0]?.id ?? '';
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'live' }),
    200,
    'live',
  );
  for (const u of [c.chair, c.d1, c.d2]) {
    expectStatus(await u.post(`/api/meetings/${id}/attendance/check-in`), 200, 'check-in');
  }
  expectStatus(
    await c.secretary.post(`/api/meetings/${id}/participants/${dir.userId('daibieu3')}/absence`, {
      reason: 'Đi công tác',
    }),
    200,
    'absence',
  );
  expectStatus(
    await c.chair.put(`/api/meetings/${id}/agenda/current`, { itemId }),
    200,
    'current item',
  );
  for (const speaker of [c.d1, c.d2]) {
    const asked = expectStatus(
      await speaker.post<FloorState>(`/api/meetings/${id}/floor`, {}),
      201,
      'request floor',
    );
    const entry = asked.queue.at(-1);
    if (!entry) throw new Error('no floor entry');
    expectStatus(
      await c.chair.post(`/api/meetings/${id}/floor/${entry.id}/grant`, { endCurrent: true }),
      200,
      'grant',
    );
    expectStatus(await c.chair.post(`/api/meetings/${id}/floor/${entry.id}/end`), 200, 'end');
  }
  const pollQuestion = 'Thông qua báo cáo tình hình kinh tế - xã hội tháng 11?';
  const poll = expectStatus(
    await c.chair.post<Poll>(`/api/meetings/${id}/polls`, {
      question: pollQuestion,
      agendaItemId: itemId,
    }),
    201,
    'create poll',
  );
  expectStatus(await c.chair.post(`/api/meetings/${id}/polls/${poll.id}/open`), 200, 'open poll');
  for (const [u, choice] of [
    [c.d1, 0],
    [c.d2, 1],
  ] as const) {
    expectStatus(
      await u.post(`/api/meetings/${id}/polls/${poll.id}/ballots`, { choice }),
      201,
      'ballot',
    );
  }
  expectStatus(await c.chair.post(`/api/meetings/${id}/polls/${poll.id}/close`), 200, 'close poll');
  return { meeting, itemId, pollId: poll.id, pollQuestion };
}

let nextNumber = 100;

/**
 * Gives a draft a real number and symbol in place of the template's "…" (publishing refuses
 * the placeholder), as the secretary does with the number from the records office.
 */
export async function giveNumber(
  secretary: ApiClient,
  meetingId: string,
  kind: MinutesKind,
): Promise<void> {
  const records = expectStatus(
    await secretary.get<Record<MinutesKind, MinutesRecord>>(`/api/meetings/${meetingId}/minutes`),
    200,
    'minutes',
  );
  const current = records[kind].meta?.numberSymbol ?? '';
  if (!current.includes('…')) return;
  nextNumber += 1;
  expectStatus(
    await secretary.put<MinutesRecord>(`/api/meetings/${meetingId}/minutes/${kind}/meta`, {
      numberSymbol: current.replace('…', String(nextNumber)),
    }),
    200,
    'number and symbol',
  );
}

/** Gives the number, submits, approves and publishes a record (the meeting must be over). */
export async function approveAndPublish(
  c: Pick<DemoClients, 'secretary' | 'chair'>,
  meetingId: string,
  kind: MinutesKind = 'minutes',
  publisher: ApiClient = c.secretary,
): Promise<PublishedMinutesVersion> {
  const base = `/api/meetings/${meetingId}/minutes/${kind}`;
  await giveNumber(c.secretary, meetingId, kind);
  expectStatus(await c.secretary.post<MinutesRecord>(`${base}/submit`), 200, 'submit');
  expectStatus(await c.chair.post<MinutesRecord>(`${base}/approve`), 200, 'approve');
  return expectStatus(
    await publisher.post<PublishedMinutesVersion>(`${base}/publish`),
    201,
    'publish',
  );
}

/** Downloads a URL as bytes, with the response. */
export async function download(
  baseUrl: string,
  path: string,
  token?: string,
): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(baseUrl + path, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}
