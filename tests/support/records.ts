import type { Meeting, MeetingState } from '../../server/contracts/meetings';
import type { Page } from '../../server/contracts/common';
import type { Unit } from '../../server/contracts/units';
import type { User } from '../../server/contracts/users';
import { ApiClient, loginAs } from './stack';
import { must } from './must';

/** Ids of the demo units and accounts, by code and username. */
export interface Directory {
  userId(username: string): string;
  unitId(code: string): string;
}

/** Reads the demo directory through the API. */
export async function directory(client: ApiClient): Promise<Directory> {
  const users = await client.get<Page<User>>('/api/users?pageSize=200');
  const units = await client.get<Page<Unit>>('/api/units?pageSize=200');
  if (users.status !== 200 || units.status !== 200) throw new Error('cannot read the directory');
  const byName = new Map(users.body.items.map((u) => [u.username, u.id]));
  const byCode = new Map(units.body.items.map((u) => [u.code, u.id]));
  return {
    userId: (username) => {
      const id = byName.get(username);
      if (!id) throw new Error(`no user ${username}`);
      return id;
    },
    unitId: (code) => {
      const id = byCode.get(code);
      if (!id) throw new Error(`no unit ${code}`);
      return id;
    },
  };
}

/** Logged-in clients of the demo accounts. */
export interface DemoClients {
  anonymous: ApiClient;
  admin: ApiClient;
  chair: ApiClient;
  secretary: ApiClient;
  d1: ApiClient;
  d2: ApiClient;
  d3: ApiClient;
  opVinhYen: ApiClient;
  opTamHop: ApiClient;
  unitAdmin: ApiClient;
}

/** Logs every demo account in. */
export async function demoClients(url: string): Promise<DemoClients> {
  const [admin, chair, secretary, d1, d2, d3, opVinhYen, opTamHop, unitAdmin] = await Promise.all(
    [
      'admin',
      'chutich',
      'thuky',
      'daibieu1',
      'daibieu2',
      'daibieu3',
      'diemcau.vinhyen',
      'diemcau.tamhop',
      'quantri.vinhyen',
    ].map((u) => loginAs(url, u)),
  );
  return {
    anonymous: new ApiClient(url),
    admin: must(admin),
    chair: must(chair),
    secretary: must(secretary),
    d1: must(d1),
    d2: must(d2),
    d3: must(d3),
    opVinhYen: must(opVinhYen),
    opTamHop: must(opTamHop),
    unitAdmin: must(unitAdmin),
  };
}

let counter = 0;

/** A valid body for `POST /api/meetings` (host: the province; chair chutich, secretary thuky). */
export function meetingInput(
  dir: Directory,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  counter++;
  const start = Date.UTC(2027, 0, 10, 8, 0, 0) + counter * 60_000;
  return {
    title: `Phiên họp kiểm thử số ${counter}`,
    hostUnitId: dir.unitId('26'),
    chairId: dir.userId('chutich'),
    secretaryId: dir.userId('thuky'),
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 2 * 3_600_000).toISOString(),
    visibility: 'internal',
    ...overrides,
  };
}

// minutes_published is reached only by publishing the minutes (approveAndPublish).
const PATH: MeetingState[] = ['scheduled', 'live', 'ended'];

/** Moves a meeting forward along the lifecycle to `state` (as the secretary). */
export async function moveTo(secretary: ApiClient, id: string, state: MeetingState): Promise<void> {
  if (state === 'draft') return;
  if (state === 'cancelled') {
    const res = await secretary.post(`/api/meetings/${id}/transitions`, {
      to: 'cancelled',
      reason: 'kiểm thử',
    });
    if (res.status !== 200) throw new Error(`cancel: ${res.status} ${JSON.stringify(res.body)}`);
    return;
  }
  for (const to of PATH) {
    const res = await secretary.post(`/api/meetings/${id}/transitions`, { to });
    if (res.status !== 200) throw new Error(`→ ${to}: ${res.status} ${JSON.stringify(res.body)}`);
    if (to === state) return;
  }
}

/**
 * Creates a meeting (as the secretary), invites the three demo delegates and moves it to
 * `state`. Returns the meeting.
 */
export async function buildMeeting(
  c: Pick<DemoClients, 'secretary'>,
  dir: Directory,
  opts: { state?: MeetingState; delegates?: string[]; overrides?: Record<string, unknown> } = {},
): Promise<Meeting> {
  const res = await c.secretary.post<Meeting>('/api/meetings', meetingInput(dir, opts.overrides));
  if (res.status !== 201)
    throw new Error(`create meeting: ${res.status} ${JSON.stringify(res.body)}`);
  const delegates = opts.delegates ?? ['daibieu1', 'daibieu2', 'daibieu3'];
  if (delegates.length) {
    const inv = await c.secretary.post(`/api/meetings/${res.body.id}/invitations`, {
      kind: 'person',
      userIds: delegates.map((d) => dir.userId(d)),
    });
    if (inv.status !== 200) throw new Error(`invite: ${inv.status} ${JSON.stringify(inv.body)}`);
  }
  await moveTo(c.secretary, res.body.id, opts.state ?? 'draft');
  return res.body;
}
