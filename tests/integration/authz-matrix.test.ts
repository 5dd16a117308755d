import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting, MeetingVisibility } from '../../server/contracts/meetings';
import type { User } from '../../server/contracts/users';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { must } from '../support/must';
import { demoClients, directory, meetingInput, moveTo } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { loginAs, startTestApp } from '../support/stack';
import type { TestApp, ApiClient } from '../support/stack';
import { AUTHZ_MATRIX, MATRIX_ROLES, MATRIX_VISIBILITIES, parseRow } from './authz-matrix.table';
import type { MatrixRole } from './authz-matrix.table';

// Issue 12: every route of GET /api/openapi.json × every kind of caller × every visibility of
// meeting answers the status kept in authz-matrix.table.ts (read its header). Bodies are
// invalid on purpose ([] where JSON is expected), and ids of sub-resources do not exist: a
// caller with the right gets 400/404/409/415 from validation or state, one without it gets
// 401/403/404 first, so the table shows that authorization comes before validation and state.

/** An id that names nothing (agenda items, polls, documents, versions, ...). */
const NOWHERE = '0000000000000000000000aa';
const CONCURRENCY = 8;

interface Operation {
  key: string;
  method: string;
  path: string;
  hasBody: boolean;
  meetingScoped: boolean;
}

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let callers: Record<MatrixRole, ApiClient>;
let operations: Operation[];
const meetings = {} as Record<MeetingVisibility, Meeting>;
let targetUserId: string;
let unitId: string;

/** A meeting hosted by the province, scheduled, with a delegate and a site with its operator. */
async function fixtureMeeting(visibility: MeetingVisibility, siteUnitId: string): Promise<Meeting> {
  const res = await c.secretary.post<Meeting>('/api/meetings', meetingInput(dir, { visibility }));
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.id;
  const invites = [
    { kind: 'person', userIds: [dir.userId('daibieu1')] },
    { kind: 'unit', unitId: siteUnitId, as: 'site', operatorId: dir.userId('diemcau.tamhop') },
  ];
  for (const invite of invites) {
    const r = await c.secretary.post(`/api/meetings/${id}/invitations`, invite);
    if (r.status !== 200) throw new Error(`invite: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await moveTo(c.secretary, id, 'scheduled');
  return res.body;
}

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  const created = async (username: string, unit: string, roles: string[]) => {
    const res = await c.admin.post<User>('/api/users', {
      username,
      fullName: `Tài khoản ${username}`,
      unitId: dir.unitId(unit),
      roles,
      password: DEMO_PASSWORD,
    });
    if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await created('quantri.tinh', '26', ['unit_admin', 'member']);
  targetUserId = (await created('matrix.target', '26-SNV', ['member'])).id;
  unitId = dir.unitId('26-SNV');
  const operator = await c.admin.get<User>(`/api/users/${dir.userId('diemcau.tamhop')}`);
  for (const v of MATRIX_VISIBILITIES) meetings[v] = await fixtureMeeting(v, operator.body.unitId);
  callers = {
    anonymous: c.anonymous,
    outsider: c.d2,
    delegate: c.d1,
    siteOperator: c.opTamHop,
    secretary: c.secretary,
    chair: c.chair,
    otherUnitAdmin: c.unitAdmin,
    hostUnitAdmin: must(await loginAs(app.url, 'quantri.tinh')),
    systemAdmin: c.admin,
  };
  const doc = await c.anonymous.get<{
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
  }>('/api/openapi.json');
  operations = Object.entries(doc.body.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      hasBody: op.requestBody !== undefined,
      meetingScoped: path.startsWith('/api/meetings/{id}'),
    })),
  );
}, 120_000);
afterAll(async () => {
  await app.stop();
});

/** The concrete URL of an operation for one meeting (or none). */
function urlOf(op: Operation, meeting: Meeting | null): string {
  return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'id') {
      if (meeting) return meeting.id;
      return op.path.startsWith('/api/users/') ? targetUserId : unitId;
    }
    if (name === 'kind') return 'minutes';
    if (name === 'format') return 'pdf';
    return NOWHERE;
  });
}

async function statusOf(op: Operation, caller: ApiClient, meeting: Meeting | null) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  if (op.hasBody) headers['content-type'] = 'application/json';
  const res = await fetch(app.url + urlOf(op, meeting), {
    method: op.method,
    headers,
    ...(op.hasBody ? { body: '[]' } : {}),
    signal: AbortSignal.timeout(20_000),
  });
  // Live streams stay open: the status is all that is needed.
  await res.body?.cancel();
  return res.status;
}

/** Runs `jobs` with at most `limit` at a time. */
async function pool(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job) await job();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe('authorization matrix', () => {
  it('has exactly one row per route of the OpenAPI document', () => {
    const routes = operations.map((o) => o.key).sort();
    const rows = Object.keys(AUTHZ_MATRIX).sort();
    expect({
      routesWithoutRow: routes.filter((r) => !rows.includes(r)),
      rowsWithoutRoute: rows.filter((r) => !routes.includes(r)),
    }).toEqual({ routesWithoutRow: [], rowsWithoutRoute: [] });
  });

  it('answers every caller of every route with the status of the table', async () => {
    const actual = new Map<string, Map<MatrixRole, number[]>>();
    const record = (key: string, role: MatrixRole, at: number, status: number) => {
      const row = actual.get(key) ?? new Map<MatrixRole, number[]>();
      actual.set(key, row);
      const cell = row.get(role) ?? [];
      row.set(role, cell);
      cell[at] = status;
    };
    const jobsOf = (op: Operation) =>
      MATRIX_ROLES.flatMap((role) =>
        (op.meetingScoped ? MATRIX_VISIBILITIES.map((v) => meetings[v]) : [null]).map(
          (meeting, at) => async () => {
            record(op.key, role, at, await statusOf(op, callers[role], meeting));
          },
        ),
      );
    // Reads and requests whose (invalid) body stops them run side by side; requests without a
    // body may act, so they run one after the other in a fixed order.
    const acting = (op: Operation) => op.method !== 'GET' && !op.hasBody;
    await pool(operations.filter((op) => !acting(op)).flatMap(jobsOf), CONCURRENCY);
    for (const job of operations.filter(acting).flatMap(jobsOf)) await job();

    const differences: string[] = [];
    const lines: string[] = [];
    for (const op of operations) {
      const row = must(actual.get(op.key));
      const cells = MATRIX_ROLES.map((role) => {
        const s = must(row.get(role));
        return s.every((x) => x === s[0]) ? String(s[0]) : s.join('/');
      });
      const got = cells.join(' ');
      lines.push(`  '${op.key}': '${got}',`);
      const want = AUTHZ_MATRIX[op.key];
      if (want === undefined) continue;
      const expected = parseRow(want);
      MATRIX_ROLES.forEach((role, i) => {
        const s = must(row.get(role));
        const e = must(expected[i]);
        const ok = s.every((x, at) => x === (e.length === 1 ? e[0] : e[at]));
        if (!ok)
          differences.push(
            `${op.key} as ${role}: expected ${want.split(/\s+/)[i] ?? '?'}, got ${s.join('/')}`,
          );
      });
    }
    // To review a change of the API: AUTHZ_MATRIX_OUT=/tmp/rows.txt writes what was observed.
    const out = process.env.AUTHZ_MATRIX_OUT;
    if (out) writeFileSync(out, `${lines.join('\n')}\n`);
    expect(differences).toEqual([]);
  }, 300_000);
});
