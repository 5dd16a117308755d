import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { AuditEntry, AuditVerification } from '../../server/contracts/audit';
import type { Page } from '../../server/contracts/common';
import type { DocVersion } from '../../server/contracts/collab';
import type { Meeting } from '../../server/contracts/meetings';
import type {
  MeetingMinutes,
  MinutesNode,
  MinutesRecord,
  PublishedMinutesVersion,
} from '../../server/contracts/minutes';
import type { LiveEvent } from '../../server/contracts/live';
import { connectClient } from '../support/collab';
import type { TestClient } from '../support/collab';
import { approveAndPublish, expectStatus, runMeeting } from '../support/minutes';
import { demoClients, directory } from '../support/records';
import { SseClient } from '../support/sse-client';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp, waitFor } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
const clients: TestClient[] = [];
const sseClients: SseClient[] = [];

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
}, 120_000);
afterAll(async () => {
  for (const client of clients) client.destroy();
  await Promise.allSettled(sseClients.map((s) => s.close()));
  await app.stop();
});

type Content = { content: MinutesNode; text: string };
const base = (id: string, kind = 'minutes') => `/api/meetings/${id}/minutes/${kind}`;
const textOf = async (client: ApiClient, id: string, kind = 'minutes') =>
  expectStatus(await client.get<Content>(`${base(id, kind)}/content`), 200, 'content').text;
const accessTo = async (client: ApiClient, docName: string) =>
  expectStatus(
    await client.post<{ access: string }>('/api/collab/authorize', { docName }),
    200,
    'authorize',
  ).access;

/** A stock y-websocket client on the app's collab endpoint, as `client`. */
function collabClient(client: ApiClient, docName: string): TestClient {
  const t = connectClient(`${app.url.replace('http', 'ws')}/collab`, docName, client.token ?? null);
  clients.push(t);
  return t;
}

/** Appends a paragraph to the Tiptap fragment of a document. */
function typeParagraph(doc: Y.Doc, text: string): void {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [p]);
}

describe('minutes drafts', () => {
  it('seeds both drafts when the meeting goes live, and the live facts land as editable text', async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    const seeded = await textOf(c.secretary, id);
    expect(seeded).toContain('Thời gian bắt đầu');
    expect(seeded).toContain('Lê Minh Quân'); // the chair
    expect(seeded).toContain('Phạm Thu Hà'); // the secretary
    expect(await textOf(c.secretary, id, 'notice')).toContain('kết luận như sau');
    const state = expectStatus(
      await c.secretary.get<MeetingMinutes>(`/api/meetings/${id}/minutes`),
      200,
      'minutes',
    );
    expect(state.minutes).toMatchObject({ status: 'drafting', docName: `meeting/${id}/minutes` });
    expect(state.minutes.meta).toMatchObject({ kind: 'minutes', title: run.meeting.title });
    expect(state.notice.meta?.numberSymbol).toMatch(/\/TB-UBND$/);
    expect(state.minutes.can).toMatchObject({ edit: true, submit: true, review: false });

    // The inserts as fragments for the editor: attendance, the two speakers in order, the poll.
    const attendance = expectStatus(
      await c.secretary.get<{ content: MinutesNode[] }>(
        `/api/meetings/${id}/minutes/snippets/attendance`,
      ),
      200,
      'attendance snippet',
    );
    const flat = JSON.stringify(attendance.content);
    expect(flat).toContain('Nguyễn Văn An');
    expect(flat).toContain('Hoàng Đức Cường');
    expect(flat).toContain('Đi công tác');
    const speakers = JSON.stringify(
      expectStatus(
        await c.secretary.get<{ content: MinutesNode[] }>(
          `/api/meetings/${id}/minutes/snippets/speakers?agendaItemId=${run.itemId}`,
        ),
        200,
        'speakers snippet',
      ).content,
    );
    expect(speakers.indexOf('Nguyễn Văn An')).toBeGreaterThan(-1);
    expect(speakers.indexOf('Trần Thị Bình')).toBeGreaterThan(speakers.indexOf('Nguyễn Văn An'));
    const poll = expectStatus(
      await c.secretary.get<{ content: MinutesNode[] }>(
        `/api/meetings/${id}/minutes/snippets/polls/${run.pollId}`,
      ),
      200,
      'poll snippet',
    );
    expect(JSON.stringify(poll.content)).toContain(run.pollQuestion);
    // Nodes of the StarterKit schema only: the insert is ordinary text.
    const types = new Set(JSON.stringify(poll.content).match(/"type":"[a-zA-Z]+"/g));
    for (const t of types) {
      expect([
        '"type":"paragraph"',
        '"type":"text"',
        '"type":"bold"',
        '"type":"bulletList"',
        '"type":"listItem"',
        '"type":"italic"',
        '"type":"orderedList"',
      ]).toContain(t);
    }

    // Server-side appends (what the editor's buttons insert at the cursor).
    for (const snippet of [
      { type: 'attendance' },
      { type: 'speakers', agendaItemId: run.itemId },
      { type: 'poll', pollId: run.pollId },
    ]) {
      expectStatus(await c.secretary.post(`${base(id)}/append`, snippet), 200, 'append');
    }
    const draft = await textOf(c.chair, id);
    for (const words of [
      'Nguyễn Văn An',
      'Trần Thị Bình',
      'Hoàng Đức Cường',
      'Đi công tác',
      run.pollQuestion,
      'Tán thành',
    ]) {
      expect(draft).toContain(words);
    }
    // Readers may not write; unknown polls are 404.
    expect((await c.d1.post(`${base(id)}/append`, { type: 'attendance' })).status).toBe(403);
    expect(
      (await c.secretary.get(`/api/meetings/${id}/minutes/snippets/polls/${'a'.repeat(24)}`))
        .status,
    ).toBe(404);
  });

  it('recreates the draft from the template only when confirmed, keeping the old text as a version', async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    expectStatus(
      await c.secretary.post(`${base(id)}/append`, { type: 'attendance' }),
      200,
      'append',
    );
    const before = await textOf(c.secretary, id);
    const refused = await c.secretary.post<{ error: { code: string; details: unknown } }>(
      `${base(id)}/template`,
      {},
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual({ requiresConfirmation: true });
    expect(await textOf(c.secretary, id)).toBe(before);
    expect((await c.d1.post(`${base(id)}/template`, { confirm: true })).status).toBe(403);

    expectStatus(
      await c.secretary.post<MinutesRecord>(`${base(id)}/template`, { confirm: true }),
      200,
      'recreate',
    );
    // The template now holds what happened since the meeting went live: speakers and the poll.
    const after = await textOf(c.secretary, id);
    expect(after).toContain('Trần Thị Bình');
    expect(after).toContain(run.pollQuestion);
    // Who attended is not a fact before the end: nobody is listed absent while live.
    expect(after).toContain('Thành phần tham dự được lập từ hồ sơ cuộc họp');
    expect(after).not.toContain('Vắng mặt');
    const versions = expectStatus(
      await c.secretary.get<{ items: DocVersion[] }>(
        `/api/collab/versions?doc=${encodeURIComponent(`meeting/${id}/minutes`)}`,
      ),
      200,
      'versions',
    );
    expect(versions.items.map((v) => v.label)).toContain('Trước khi tạo lại từ mẫu');
  });
});

describe('approval', () => {
  it('secretary submits, chair returns or approves, only they act, each step audited and locked', async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    const docName = `meeting/${id}/minutes`;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      // The secretary co-edits through the stock client while drafting.
      const writer = collabClient(c.secretary, docName);
      await writer.synced();
      typeParagraph(writer.doc, 'Ý kiến bổ sung của thư ký.');
      await waitFor(
        async () => (await textOf(c.chair, id)).includes('Ý kiến bổ sung của thư ký.'),
        'the edit is stored',
      );

      // Only the secretary submits.
      for (const who of [c.chair, c.d1]) {
        expect((await who.post(`${base(id)}/submit`)).status).toBe(403);
      }
      expect((await c.secretary.post(`${base(id)}/approve`)).status).toBe(403);
      expect((await c.chair.post(`${base(id)}/approve`)).status).toBe(409); // not submitted
      const submitted = expectStatus(
        await c.secretary.post<MinutesRecord>(`${base(id)}/submit`),
        200,
        'submit',
      );
      expect(submitted.status).toBe('submitted');
      expect(submitted.submittedBy?.fullName).toBe('Phạm Thu Hà');
      expect(await accessTo(c.secretary, docName)).toBe('read');
      expect(await accessTo(c.chair, docName)).toBe('read');
      expect((await c.secretary.post(`${base(id)}/append`, { type: 'attendance' })).status).toBe(
        409,
      );
      expect((await c.secretary.put(`${base(id)}/meta`, { title: 'Khác' })).status).toBe(409);

      // The open connection is now read-only: its edits are refused and not stored.
      const stored = await textOf(c.chair, id);
      typeParagraph(writer.doc, 'Sửa sau khi trình.');
      await waitFor(
        () => warn.mock.calls.some((call) => String(call[0]).includes('Permission denied')),
        'the server refuses the edit',
      );
      expect(await textOf(c.chair, id)).toBe(stored);

      // Only the chair reviews; a return needs a comment.
      for (const who of [c.secretary, c.d1]) {
        expect((await who.post(`${base(id)}/return`, { comment: 'x' })).status).toBe(403);
      }
      expect((await c.chair.post(`${base(id)}/return`, {})).status).toBe(400);
      const returned = expectStatus(
        await c.chair.post<MinutesRecord>(`${base(id)}/return`, {
          comment: 'Bổ sung ý kiến của Sở Tài chính.',
        }),
        200,
        'return',
      );
      expect(returned).toMatchObject({
        status: 'drafting',
        returnComment: 'Bổ sung ý kiến của Sở Tài chính.',
      });
      expect(await accessTo(c.secretary, docName)).toBe('write');
      expect(await accessTo(c.d1, docName)).toBe('read');

      expectStatus(await c.secretary.post(`${base(id)}/submit`), 200, 'resubmit');
      const approved = expectStatus(
        await c.chair.post<MinutesRecord>(`${base(id)}/approve`),
        200,
        'approve',
      );
      expect(approved.status).toBe('approved');
      expect(approved.reviewedBy?.fullName).toBe('Lê Minh Quân');
      expect(await accessTo(c.secretary, docName)).toBe('read');

      // Publishing needs the meeting to be over, and the secretary or the chair.
      expect((await c.secretary.post(`${base(id)}/publish`)).status).toBe(409);
      expectStatus(
        await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
        200,
        'end',
      );
      expect((await c.d1.post(`${base(id)}/publish`)).status).toBe(403);
      // Not with the template's "…/BB-UBND": the number is given once approved.
      const unnumbered = await c.chair.post<{ error: { code: string; message: string } }>(
        `${base(id)}/publish`,
      );
      expect(unnumbered.status).toBe(409);
      expect(unnumbered.body.error.code).toBe('number_symbol_required');
      expect(unnumbered.body.error.message).toContain('…/BB-UBND');
      expect((await c.secretary.put(`${base(id)}/meta`, { title: 'Khác' })).status).toBe(409);
      const numbered = expectStatus(
        await c.secretary.put<MinutesRecord>(`${base(id)}/meta`, { numberSymbol: '15/BB-UBND' }),
        200,
        'number',
      );
      expect(numbered.meta?.numberSymbol).toBe('15/BB-UBND');
      expect(numbered.meta?.recipients).toEqual(['Các thành phần dự họp']);
      const version = expectStatus(
        await c.chair.post<PublishedMinutesVersion>(`${base(id)}/publish`),
        201,
        'publish',
      );
      expect(version).toMatchObject({ version: 1, supersedesId: null, kind: 'minutes' });
      expect(version.publishedBy.fullName).toBe('Lê Minh Quân');
      const meeting = expectStatus(
        await c.secretary.get<Meeting>(`/api/meetings/${id}`),
        200,
        'meeting',
      );
      expect(meeting.state).toBe('minutes_published');
      expect((await c.chair.post(`${base(id)}/publish`)).status).toBe(409); // already published

      const audit = expectStatus(
        await c.secretary.get<Page<AuditEntry>>(`/api/meetings/${id}/audit?pageSize=200`),
        200,
        'audit',
      );
      const steps = audit.items
        .filter((e) => e.action.startsWith('minutes.'))
        .map((e) => [e.action, e.actor.name]);
      expect(steps).toEqual(
        expect.arrayContaining([
          ['minutes.submitted', 'Phạm Thu Hà'],
          ['minutes.returned', 'Lê Minh Quân'],
          ['minutes.approved', 'Lê Minh Quân'],
          ['minutes.published', 'Lê Minh Quân'],
        ]),
      );
      const published = audit.items.find((e) => e.action === 'minutes.published');
      expect(JSON.stringify(published?.after)).toContain(version.files[1]?.sha256 ?? 'no pdf');
      const chain = expectStatus(
        await c.secretary.get<AuditVerification>(`/api/meetings/${id}/audit/verify`),
        200,
        'verify chain',
      );
      expect(chain.ok).toBe(true);
    } finally {
      warn.mockRestore();
    }
  }, 120_000);

  it('a published version cannot be edited through the collab server or the API; a correction is a new version', async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    const docName = `meeting/${id}/minutes`;
    expectStatus(
      await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
      200,
      'end',
    );
    const v1 = await approveAndPublish(c, id);
    const publishedText = await textOf(c.secretary, id);
    expect(await accessTo(c.secretary, docName)).toBe('read');

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const forger = collabClient(c.secretary, docName);
      await forger.synced();
      typeParagraph(forger.doc, 'GIẢ MẠO');
      await waitFor(
        () => warn.mock.calls.some((call) => String(call[0]).includes('Permission denied')),
        'the server refuses the edit',
      );
    } finally {
      warn.mockRestore();
    }
    expect(await textOf(c.secretary, id)).toBe(publishedText);
    const fresh = collabClient(c.chair, docName);
    await fresh.synced();
    expect(JSON.stringify(fresh.doc.getXmlFragment('default').toJSON())).not.toContain('GIẢ MẠO');

    // The API answers 409 to edits of a published version.
    expect((await c.secretary.post(`${base(id)}/append`, { type: 'attendance' })).status).toBe(409);
    expect((await c.secretary.put(`${base(id)}/meta`, { title: 'Sửa' })).status).toBe(409);
    expect((await c.secretary.post(`${base(id)}/template`, { confirm: true })).status).toBe(409);
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const res = await c.secretary.request(method, `/api/minutes/published/${v1.id}`, {});
      expect(res.status).toBe(409);
    }
    expect((await c.d1.post(`${base(id)}/correct`, { reason: 'x' })).status).toBe(403);

    // A correction: reopened by the secretary, approved again, published as version 2.
    const reopened = expectStatus(
      await c.secretary.post<MinutesRecord>(`${base(id)}/correct`, {
        reason: 'Sai tên đại biểu',
      }),
      200,
      'correct',
    );
    expect(reopened).toMatchObject({ status: 'drafting', correcting: v1.id });
    expect(await accessTo(c.secretary, docName)).toBe('write');
    expectStatus(
      await c.secretary.post(`${base(id)}/append`, { type: 'attendance' }),
      200,
      'edit the correction',
    );
    const v2 = await approveAndPublish(c, id);
    expect(v2).toMatchObject({ version: 2, supersedesId: v1.id, superseded: false });
    const again = expectStatus(
      await c.secretary.get<PublishedMinutesVersion>(`/api/minutes/published/${v1.id}`),
      200,
      'v1',
    );
    expect(again.superseded).toBe(true);
    expect(again.files).toEqual(v1.files);
    expect(v2.files.find((f) => f.format === 'pdf')?.sha256).not.toBe(
      v1.files.find((f) => f.format === 'pdf')?.sha256,
    );
    const state = expectStatus(
      await c.secretary.get<MeetingMinutes>(`/api/meetings/${id}/minutes`),
      200,
      'minutes',
    );
    expect(state.minutes.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(state.minutes.status).toBe('published');
  }, 120_000);
});

describe('the workflow does not dead-end', () => {
  it('lets one person who both chairs and keeps the minutes submit, approve and publish', async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    expectStatus(
      await c.chair.patch(`/api/meetings/${id}`, { secretaryId: dir.userId('chutich') }),
      200,
      'the chair keeps the minutes',
    );
    expectStatus(
      await c.chair.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
      200,
      'end',
    );
    const state = expectStatus(
      await c.chair.get<MeetingMinutes>(`/api/meetings/${id}/minutes`),
      200,
      'minutes',
    );
    expect(state.minutes.can).toMatchObject({ edit: true, submit: true });
    const version = await approveAndPublish({ secretary: c.chair, chair: c.chair }, id);
    expect(version.publishedBy.fullName).toBe('Lê Minh Quân');
  }, 120_000);

  it('tells the live screens of each step, so the one who acts next sees it without a reload', async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    const sse = await SseClient.connect(
      `${app.url}${await c.secretary.ticketed(`/api/meetings/${id}/live`, 'live')}`,
    );
    sseClients.push(sse);
    await sse.next((e) => e.event === 'ready', 'the ready event', 10_000);
    const changed = () =>
      sse
        .messages<LiveEvent>()
        .filter((e) => e.type === 'minutes.changed')
        .map((e) => e.data);
    expectStatus(
      await c.chair.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
      200,
      'end',
    );
    expectStatus(await c.secretary.post(`${base(id)}/submit`), 200, 'submit');
    await waitFor(() => changed().length === 1, 'minutes.changed after submit');
    expectStatus(await c.chair.post(`${base(id)}/approve`), 200, 'approve');
    await waitFor(() => changed().length === 2, 'minutes.changed after approve');
    expect(changed()).toEqual([
      { kind: 'minutes', status: 'submitted' },
      { kind: 'minutes', status: 'approved' },
    ]);
    // A refused step changes nothing and tells nobody.
    expectStatus(await c.secretary.post(`${base(id)}/approve`), 403, 'approve by the secretary');
    expect(changed()).toHaveLength(2);
  }, 120_000);

  it('lets the chair change the secretary after the meeting ended, until the minutes are published', async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    expectStatus(
      await c.chair.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
      200,
      'end',
    );
    // Only the secretary may change, and only by the chair; other details stay frozen.
    expect((await c.chair.patch(`/api/meetings/${id}`, { title: 'Khác' })).status).toBe(409);
    expect(
      (await c.secretary.patch(`/api/meetings/${id}`, { secretaryId: dir.userId('daibieu2') }))
        .status,
    ).toBe(409);
    const changed = expectStatus(
      await c.chair.patch<Meeting>(`/api/meetings/${id}`, { secretaryId: dir.userId('daibieu1') }),
      200,
      'change secretary',
    );
    expect(changed.secretaryId).toBe(dir.userId('daibieu1'));
    // The new secretary submits; the old one no longer may.
    expect((await c.secretary.post(`${base(id)}/submit`)).status).toBe(403);
    const state = expectStatus(
      await c.d1.get<MeetingMinutes>(`/api/meetings/${id}/minutes`),
      200,
      'minutes',
    );
    expect(state.minutes.can.submit).toBe(true);
    // The rebuilt facts (edited sections kept, as the screen asks) sign with the new name.
    const rebuilt = expectStatus(
      await c.chair.post<MinutesRecord>(`${base(id)}/rebuild`, { keepEdited: true }),
      200,
      'rebuild',
    );
    expect(rebuilt.meta?.signatures.map((s) => s.name)).toEqual(['Nguyễn Văn An', 'Lê Minh Quân']);
    expect(await textOf(c.d1, id)).toContain('Thư ký: Nguyễn Văn An');
    await approveAndPublish({ secretary: c.d1, chair: c.chair }, id);
    expect(
      (await c.chair.patch(`/api/meetings/${id}`, { secretaryId: dir.userId('thuky') })).status,
    ).toBe(409);
  }, 120_000);

  it('keeps one attendance section however often it is inserted, and rebuilds it at the end', async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    for (let i = 0; i < 2; i++) {
      expectStatus(
        await c.secretary.post(`${base(id)}/append`, { type: 'attendance' }),
        200,
        'append',
      );
    }
    const count = (text: string, words: string) => text.split(words).length - 1;
    expect(count(await textOf(c.secretary, id), 'Số đại biểu có mặt:')).toBe(1);
    expectStatus(
      await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
      200,
      'end',
    );
    const ended = await textOf(c.secretary, id);
    expect(count(ended, 'Số đại biểu có mặt:')).toBe(1);
    expect(ended).toContain('Cuộc họp kết thúc vào');
    expect(ended).not.toContain('Cuộc họp kết thúc vào … giờ');
  }, 120_000);

  it("keeps the summaries the secretary typed into the speakers' lines when the meeting ends", async () => {
    const run = await runMeeting(c, dir);
    const id = run.meeting.id;
    expectStatus(
      await c.secretary.post(`${base(id)}/append`, { type: 'speakers', agendaItemId: run.itemId }),
      200,
      'insert speakers',
    );
    const writer = collabClient(c.secretary, `meeting/${id}/minutes`);
    await writer.synced();
    const list = writer.doc
      .getXmlFragment('default')
      .toArray()
      .find(
        (n): n is Y.XmlElement =>
          n instanceof Y.XmlElement &&
          n.nodeName === 'orderedList' &&
          String(n.getAttribute('fact')).startsWith(`speakers:${run.itemId}@`),
      );
    const line = (list?.get(0) as Y.XmlElement | undefined)?.get(0) as Y.XmlElement | undefined;
    const words = line?.get(0) as Y.XmlText | undefined;
    if (!words) throw new Error('no speaker line in the draft');
    words.insert(words.length, ' Đề nghị bổ sung số liệu quý IV.');
    await waitFor(
      async () => (await textOf(c.chair, id)).includes('Đề nghị bổ sung số liệu quý IV.'),
      'the summary is stored',
    );
    expectStatus(
      await c.secretary.post(`/api/meetings/${id}/transitions`, { to: 'ended' }),
      200,
      'end',
    );
    const ended = await textOf(c.secretary, id);
    expect(ended).toContain('Đề nghị bổ sung số liệu quý IV.');
    expect(ended).not.toContain('Thành phần tham dự được lập từ hồ sơ');
    // Rebuilt on demand, every fact is replaced; the text before is kept as a version.
    expectStatus(await c.secretary.post(`${base(id)}/rebuild`), 200, 'rebuild');
    expect(await textOf(c.secretary, id)).not.toContain('Đề nghị bổ sung số liệu quý IV.');
    const versions = expectStatus(
      await c.secretary.get<{ items: DocVersion[] }>(
        `/api/collab/versions?doc=${encodeURIComponent(`meeting/${id}/minutes`)}`,
      ),
      200,
      'versions',
    );
    expect(versions.items.map((v) => v.label)).toContain('Trước khi lập lại từ hồ sơ');
  }, 120_000);
});
