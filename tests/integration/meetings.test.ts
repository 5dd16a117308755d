import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinutesVerifyResult, PublishedMinutesVersion } from '../../server/contracts/minutes';
import type { Agenda } from '../../server/contracts/agenda';
import type { Page } from '../../server/contracts/common';
import type { MeetingDocument } from '../../server/contracts/documents';
import type {
  Meeting,
  MeetingAccessInfo,
  Participant,
  Site,
} from '../../server/contracts/meetings';
import { meetingStates } from '../../server/contracts/meetings';
import { buildMeeting, demoClients, directory, meetingInput } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';
import { must } from '../support/must';

let app: TestApp;
let c: DemoClients;
let dir: Directory;

beforeAll(async () => {
  app = await startTestApp({ SEED_DEMO_MEETINGS: 'true' });
  c = await demoClients(app.url);
  dir = await directory(c.admin);
});
afterAll(async () => {
  await app.stop();
});

type ErrorBody = {
  error: {
    code: string;
    message: string;
    details?: { issues?: { path: string }[] } & Record<string, unknown>;
  };
};
const paths = (body: unknown) =>
  ((body as ErrorBody).error.details?.issues ?? []).map((i) => i.path);

describe('POST /api/meetings', () => {
  it('creates a draft meeting; the chair and the secretary take part with their roles', async () => {
    const res = await c.secretary.post<Meeting>(
      '/api/meetings',
      meetingInput(dir, { title: '  Phiên họp  thường kỳ '.normalize('NFD') }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'draft',
      kind: 'regular',
      visibility: 'internal',
      hostUnitId: dir.unitId('26'),
      hostUnitName: 'Ủy ban nhân dân tỉnh Vĩnh Phúc',
      quorum: { numerator: 1, denominator: 2, inclusive: false },
      floor: { maxSpeakers: 1 },
      currentItemId: null,
    });
    expect(res.body.title).toBe('Phiên họp  thường kỳ'.normalize('NFC'));
    const parts = await c.secretary.get<Participant[]>(`/api/meetings/${res.body.id}/participants`);
    expect(parts.body.map((p) => [p.fullName, p.role, p.voting]).sort()).toEqual(
      [
        ['Lê Minh Quân', 'chair', true],
        ['Phạm Thu Hà', 'secretary', false],
      ].sort(),
    );
  });

  it('answers 400 with the field path for bad input, and creates nothing', async () => {
    const before = (await c.admin.get<Page<Meeting>>('/api/meetings?pageSize=1')).body.total;
    const missing = await c.secretary.post('/api/meetings', {
      ...meetingInput(dir),
      title: undefined,
    });
    expect(missing.status).toBe(400);
    expect(paths(missing.body)).toContain('body.title');
    const backwards = await c.secretary.post(
      '/api/meetings',
      meetingInput(dir, { endsAt: '2020-01-01T00:00:00Z' }),
    );
    expect(backwards.status).toBe(400);
    expect(paths(backwards.body)).toContain('body.endsAt');
    const badKind = await c.secretary.post(
      '/api/meetings',
      meetingInput(dir, { kind: 'party', visibility: 'secret' }),
    );
    expect(paths(badKind.body)).toEqual(expect.arrayContaining(['body.kind', 'body.visibility']));
    const badChair = await c.secretary.post(
      '/api/meetings',
      meetingInput(dir, { chairId: 'f'.repeat(24) }),
    );
    expect(badChair.status).toBe(400);
    expect(paths(badChair.body)).toContain('body.chairId');
    const operator = await c.secretary.post(
      '/api/meetings',
      meetingInput(dir, { title: { $gt: '' } }),
    );
    expect(operator.status).toBe(400);
    const malformed = await c.secretary.request('POST', '/api/meetings', '{"title":', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect((malformed.body as ErrorBody).error.code).toBe('malformed_json');
    expect((await c.admin.get<Page<Meeting>>('/api/meetings?pageSize=1')).body.total).toBe(before);
  });

  it('answers 401 without a token, 404 for an unknown host unit, 403 outside the creator’s units', async () => {
    expect((await c.anonymous.post('/api/meetings', meetingInput(dir))).status).toBe(401);
    expect(
      (await c.secretary.post('/api/meetings', meetingInput(dir, { hostUnitId: 'a'.repeat(24) })))
        .status,
    ).toBe(404);
    const foreign = await c.d1.post(
      '/api/meetings',
      meetingInput(dir, { hostUnitId: dir.unitId('243') }),
    );
    expect(foreign.status).toBe(403);
    const own = await c.unitAdmin.post(
      '/api/meetings',
      meetingInput(dir, { hostUnitId: dir.unitId('243') }),
    );
    expect(own.status).toBe(201);
  });
});

describe('GET /api/meetings/:id and visibility', () => {
  it('shows an internal meeting to the host unit and below, 403 to others', async () => {
    const created = await c.d1.post<Meeting>(
      '/api/meetings',
      meetingInput(dir, {
        hostUnitId: dir.unitId('26-STC'),
        chairId: dir.userId('daibieu1'),
        secretaryId: null,
      }),
    );
    expect(created.status).toBe(201);
    const m = created.body;
    expect((await c.d1.get<Meeting>(`/api/meetings/${m.id}`)).status).toBe(200);
    expect((await c.admin.get<Meeting>(`/api/meetings/${m.id}`)).status).toBe(200);
    const other = await c.d2.get(`/api/meetings/${m.id}`);
    expect(other.status).toBe(403);
    expect((other.body as ErrorBody).error.code).toBe('forbidden');
  });

  it('hides a confidential meeting from those not invited: 404, not 403', async () => {
    const m = await buildMeeting(c, dir, {
      delegates: ['daibieu1'],
      overrides: { visibility: 'confidential' },
    });
    expect((await c.d1.get(`/api/meetings/${m.id}`)).status).toBe(200);
    const hidden = await c.d2.get(`/api/meetings/${m.id}`);
    expect(hidden.status).toBe(404);
    expect((await c.d2.get(`/api/meetings/${m.id}/participants`)).status).toBe(404);
    expect((await c.d2.get(`/api/meetings/${m.id}/agenda`)).status).toBe(404);
    const list = await c.d2.get<Page<Meeting>>('/api/meetings?pageSize=200');
    expect(list.body.items.map((i) => i.id)).not.toContain(m.id);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    const bad = await c.d1.get('/api/meetings/not-an-id');
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(['params.id']);
    expect((await c.d1.get(`/api/meetings/${'0'.repeat(24)}`)).status).toBe(404);
  });

  it('tells the caller their role and rights', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1'] });
    const mine = await c.d1.get<MeetingAccessInfo>(`/api/meetings/${m.id}/access`);
    expect(mine.body).toMatchObject({
      role: 'delegate',
      voting: true,
      canView: true,
      canManage: false,
      canChair: false,
    });
    const chair = await c.chair.get<MeetingAccessInfo>(`/api/meetings/${m.id}/access`);
    expect(chair.body).toMatchObject({ role: 'chair', canManage: true, canChair: true });
  });
});

describe('GET /api/meetings', () => {
  it('filters by status, unit, subtree, dates and "mine", searches titles without accents, paginates', async () => {
    const tag = `Kiểm thử danh sách ${Date.now()}`;
    const a = await buildMeeting(c, dir, {
      state: 'scheduled',
      delegates: ['daibieu1'],
      overrides: {
        title: `${tag} Đầu tư công`,
        startsAt: '2030-03-01T08:00:00+07:00',
        endsAt: '2030-03-01T10:00:00+07:00',
      },
    });
    const b = await buildMeeting(c, dir, {
      delegates: [],
      overrides: {
        title: `${tag} Giáo dục`,
        hostUnitId: dir.unitId('26-VP'),
        startsAt: '2030-04-01T08:00:00+07:00',
        endsAt: '2030-04-01T10:00:00+07:00',
      },
    });
    const q = encodeURIComponent(tag);
    const all = await c.admin.get<Page<Meeting>>(`/api/meetings?q=${q}`);
    expect(all.body.total).toBe(2);
    const folded = await c.admin.get<Page<Meeting>>(
      `/api/meetings?q=${encodeURIComponent('dau tu cong')}`,
    );
    expect(folded.body.items.map((m) => m.id)).toContain(a.id);
    const byStatus = await c.admin.get<Page<Meeting>>(`/api/meetings?q=${q}&status=scheduled`);
    expect(byStatus.body.items.map((m) => m.id)).toEqual([a.id]);
    const byUnit = await c.admin.get<Page<Meeting>>(
      `/api/meetings?q=${q}&unitId=${dir.unitId('26-VP')}`,
    );
    expect(byUnit.body.items.map((m) => m.id)).toEqual([b.id]);
    const under = await c.admin.get<Page<Meeting>>(
      `/api/meetings?q=${q}&under=${dir.unitId('26')}`,
    );
    expect(under.body.total).toBe(2);
    const range = await c.admin.get<Page<Meeting>>(
      `/api/meetings?q=${q}&from=2030-03-31T00:00:00Z&to=2030-04-30T00:00:00Z`,
    );
    expect(range.body.items.map((m) => m.id)).toEqual([b.id]);
    const mine = await c.d1.get<Page<Meeting>>(`/api/meetings?q=${q}&mine=true`);
    expect(mine.body.items.map((m) => m.id)).toEqual([a.id]);
    const page2 = await c.admin.get<Page<Meeting>>(`/api/meetings?q=${q}&pageSize=1&page=2`);
    expect(page2.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(page2.body.items.map((m) => m.id)).toEqual([a.id]);
  });

  it('answers 400 for bad filters and never passes an object into a query', async () => {
    const bad = await c.admin.get('/api/meetings?status=bogus&pageSize=0&from=yesterday');
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(
      expect.arrayContaining(['query.status', 'query.pageSize', 'query.from']),
    );
    const repeated = await c.admin.get('/api/meetings?q=a&q=b');
    expect(repeated.status).toBe(400);
    expect(paths(repeated.body)).toEqual(['query.q']);
    // Brackets are not parsed into objects: `q[$ne]` is an unknown parameter, ignored.
    const all = await c.admin.get<Page<Meeting>>('/api/meetings?pageSize=1');
    const injected = await c.admin.get<Page<Meeting>>(
      '/api/meetings?pageSize=1&q[$ne]=x&unitId[$gt]=',
    );
    expect(injected.status).toBe(200);
    expect(injected.body.total).toBe(all.body.total);
  });
});

describe('PATCH /api/meetings/:id', () => {
  it('lets the chair, the secretary or the host admin change details; others get 403', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1'] });
    const res = await c.secretary.patch<Meeting>(`/api/meetings/${m.id}`, {
      place: 'Phòng họp số 5',
      quorum: { numerator: 2, denominator: 3, inclusive: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      place: 'Phòng họp số 5',
      quorum: { numerator: 2, denominator: 3, inclusive: true },
    });
    expect((await c.d1.patch(`/api/meetings/${m.id}`, { place: 'x' })).status).toBe(403);
    const empty = await c.secretary.patch(`/api/meetings/${m.id}`, {});
    expect(empty.status).toBe(400);
    const badQuorum = await c.secretary.patch(`/api/meetings/${m.id}`, {
      quorum: { numerator: 3, denominator: 2, inclusive: false },
    });
    expect(paths(badQuorum.body)).toContain('body.quorum.numerator');
  });

  it('moves the chair role when the chair changes', async () => {
    const m = await buildMeeting(c, dir, { delegates: ['daibieu1'] });
    const res = await c.secretary.patch<Meeting>(`/api/meetings/${m.id}`, {
      chairId: dir.userId('daibieu1'),
    });
    expect(res.body.chairId).toBe(dir.userId('daibieu1'));
    const parts = (await c.secretary.get<Participant[]>(`/api/meetings/${m.id}/participants`)).body;
    expect(parts.find((p) => p.userId === dir.userId('daibieu1'))?.role).toBe('chair');
    expect(parts.find((p) => p.userId === dir.userId('chutich'))?.role).toBe('delegate');
  });

  it('refuses changes once the meeting has ended (409)', async () => {
    const m = await buildMeeting(c, dir, { state: 'ended', delegates: [] });
    const res = await c.secretary.patch(`/api/meetings/${m.id}`, { place: 'x' });
    expect(res.status).toBe(409);
  });
});

describe('the demo seed', () => {
  it('has meetings in every state, with agenda, documents, participants and sites', async () => {
    const res = await c.admin.get<Page<Meeting>>('/api/meetings?pageSize=200');
    const seeded = res.body.items.filter(
      (m) =>
        m.description &&
        m.hostUnitName === 'Ủy ban nhân dân tỉnh Vĩnh Phúc' &&
        !m.title.startsWith('Phiên họp kiểm thử'),
    );
    for (const state of meetingStates) expect(seeded.map((m) => m.state)).toContain(state);
    const live = must(seeded.find((m) => m.state === 'live'));
    const [agenda, docs, sites, parts] = await Promise.all([
      c.chair.get<Agenda>(`/api/meetings/${live.id}/agenda`),
      c.chair.get<MeetingDocument[]>(`/api/meetings/${live.id}/documents`),
      c.chair.get<Site[]>(`/api/meetings/${live.id}/sites`),
      c.chair.get<Participant[]>(`/api/meetings/${live.id}/participants`),
    ]);
    expect(agenda.body.items.length).toBeGreaterThanOrEqual(2);
    expect(agenda.body.currentItemId).toBe(agenda.body.items[0]?.id);
    expect(docs.body.map((d) => d.versions[0]?.type).sort()).toEqual(['docx', 'pdf']);
    expect(sites.body.every((s) => s.operatorId)).toBe(true);
    expect(sites.body.length).toBeGreaterThanOrEqual(2);
    expect(parts.body.filter((p) => p.role === 'delegate').length).toBe(3);
    const scheduled = must(
      seeded.find((m) => m.state === 'scheduled' && m.visibility === 'public'),
    );
    const bridged = await c.chair.get<Site[]>(`/api/meetings/${scheduled.id}/sites`);
    expect(bridged.body.length).toBeGreaterThan(5);
    const confidential = must(seeded.find((m) => m.visibility === 'confidential'));
    expect((await c.d1.get(`/api/meetings/${confidential.id}`)).status).toBe(404);
  });

  it('shows signed minutes and a notice of conclusions to anyone on /records from the first start', async () => {
    const list = expectPage(
      await c.anonymous.get<Page<PublishedMinutesVersion>>('/api/minutes/published?pageSize=50'),
    );
    expect(list.items.map((v) => v.kind).sort()).toEqual(['minutes', 'notice']);
    const meeting = must(list.items[0]).meetingId;
    const state = await c.chair.get<Meeting>(`/api/meetings/${meeting}`);
    expect(state.body.state).toBe('minutes_published');
    for (const v of list.items) {
      expect(v.numberSymbol).not.toContain('…');
      expect(v.visibility).toBe('public');
    }
  });

  it('verifies the seeded PDF as published and signed', async () => {
    const list = expectPage(
      await c.anonymous.get<Page<PublishedMinutesVersion>>(
        '/api/minutes/published?kind=minutes&pageSize=50',
      ),
    );
    const pdf = must(must(list.items[0]).files.find((f) => f.format === 'pdf'));
    const file = await fetch(app.url + pdf.url);
    expect(file.status).toBe(200);
    const form = new FormData();
    form.append(
      'file',
      new Blob([await file.arrayBuffer()], { type: 'application/pdf' }),
      'bien-ban.pdf',
    );
    const res = await fetch(`${app.url}/api/minutes/verify`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const verdict = (await res.json()) as MinutesVerifyResult;
    expect(verdict).toMatchObject({
      published: true,
      verification: { signed: true, digestValid: true },
    });
    expect(verdict.version?.id).toBe(must(list.items[0]).id);
  });
});

function expectPage<T>(res: { status: number; body: Page<T> }): Page<T> {
  expect(res.status).toBe(200);
  return res.body;
}
