import { factOf, replaceFactSections } from '../../collab/contracts/fact-sections';
import type { AuthUser } from '../auth/auth-user';
import { minutesContentSchema, minutesDocumentMetaSchema } from '../contracts/minutes';
import type {
  MeetingMinutes,
  MinutesDocumentMeta,
  MinutesKind,
  MinutesNode,
  MinutesRecord,
  MinutesSnippetRequest,
  UpdateMinutesMetaInput,
} from '../contracts/minutes';
import { conflict } from '../errors';
import { requireAccess } from '../meetings/meeting-access.service';
import { canReadDocuments } from '../meetings/meeting.policy';
import {
  attendanceFragment,
  gatherMeetingFacts,
  pollFragment,
  speakersFragment,
} from './meeting-facts.service';
import { MinutesRecordModel } from './minutes.model';
import type { MinutesRecordRow } from './minutes.model';
import { isEmptyContent, oid, parseMeta } from './minutes-records';
import type { MinutesRecords } from './minutes-records';
import { buildMinutesTemplate } from './templates/minutes.template';
import { buildNoticeTemplate } from './templates/notice.template';

/**
 * Drafting: the drafts seeded from the templates when the meeting goes live (the facts of the
 * meeting as placeholders: nothing has happened yet), the facts rebuilt from the record when
 * it ends and on demand, the one-action inserts (each replaces its section), and the frame.
 */
export function createDrafting(core: MinutesRecords) {
  const { collab } = core.deps;
  const { docName, record, update, audit } = core;

  /** Builds the template of a record from the records of the meeting. */
  async function template(row: MinutesRecordRow) {
    const meetingId = row.meetingId.toHexString();
    const listings = (await core.deps.agendaItemListings?.(meetingId)) ?? new Map();
    const { facts } = await gatherMeetingFacts(
      meetingId,
      { liveAt: row.liveAt ?? null, endedAt: row.endedAt ?? null },
      listings,
    );
    return row.kind === 'minutes' ? buildMinutesTemplate(facts) : buildNoticeTemplate(facts);
  }

  /** The frame with the signers' names of today (the secretary may change after the meeting). */
  function refreshedMeta(meta: MinutesDocumentMeta, fresh: MinutesDocumentMeta) {
    return minutesDocumentMetaSchema.parse({
      ...meta,
      signatures: meta.signatures.map((s, i) => ({
        ...s,
        name: fresh.signatures[i]?.name ?? s.name,
      })),
    });
  }

  /**
   * Puts the facts of the record into a draft: an empty draft gets the whole template, a draft
   * with text gets each fact section replaced in place (the secretary's text stays); with
   * `keepEdited`, a fact section someone edited stays too.
   * @returns false when the draft holds text without any fact section (made before sections
   * existed): nothing is changed then.
   */
  async function putFacts(row: MinutesRecordRow, keepEdited: boolean): Promise<boolean> {
    const draft = await template(row);
    const handle = await collab.documents.open(docName(row.meetingId.toHexString(), row.kind));
    try {
      const now = minutesContentSchema.parse(handle.read().prosemirror);
      if (isEmptyContent(now)) {
        await handle.setProseMirror(draft.content);
      } else {
        const blocks = now.content ?? [];
        if (!blocks.some((b) => factOf(b) !== null)) return false;
        const merged = replaceFactSections(blocks, draft.content.content ?? [], { keepEdited });
        await handle.setProseMirror({ type: 'doc', content: merged });
      }
    } finally {
      handle.release();
    }
    await update(row, (cur) => {
      const meta = parseMeta(cur.metaJson);
      return {
        metaJson: JSON.stringify(meta ? refreshedMeta(meta, draft.meta) : draft.meta),
      };
    });
    return true;
  }

  const api = {
    template,

    /**
     * Fills the draft from the template when the document is still empty, and stores the frame
     * (meta) when it has none. Never overwrites text.
     */
    async seed(meetingId: string, kind: MinutesKind): Promise<boolean> {
      const row = await record(meetingId, kind);
      if (row.status !== 'drafting') return false;
      const draft = await template(row);
      const handle = await collab.documents.open(docName(meetingId, kind));
      let seeded = false;
      try {
        if (isEmptyContent(handle.read().prosemirror as { content?: [] })) {
          await handle.setProseMirror(draft.content);
          seeded = true;
        }
      } finally {
        handle.release();
      }
      if (!row.metaJson) {
        await update(row, (cur) =>
          cur.metaJson ? null : { metaJson: JSON.stringify(draft.meta) },
        );
      }
      return seeded;
    },

    /**
     * Rebuilds the facts of a draft from the record when the meeting ends (the system: a
     * record no longer drafting is left alone, and so is a fact section someone edited, e.g.
     * the summaries typed after the speakers' names).
     */
    async rebuildAtEnd(meetingId: string, kind: MinutesKind): Promise<boolean> {
      const row = await record(meetingId, kind);
      if (row.status !== 'drafting') return false;
      const done = await putFacts(row, true);
      if (done) await audit(null, meetingId, kind, 'facts_rebuilt', { by: 'meeting_ended' });
      return done;
    },

    /**
     * The secretary (or the chair) rebuilds the facts of the draft from the record: attendance,
     * speakers per item, polls, times, chair and secretary, and the signers' names. Every fact
     * section is replaced, edited or not (with `keepEdited`: only those nobody edited); the
     * text before is kept as a named version. @throws 403, 409.
     */
    async rebuild(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      keepEdited = false,
    ): Promise<MinutesRecord> {
      const { a, row } = await core.forAction(user, meetingId, kind, 'edit');
      const name = docName(meetingId, kind);
      const current = await collab.documents.read(name);
      let backupId: string | null = null;
      if (!isEmptyContent(current.prosemirror as { content?: [] })) {
        backupId = (await collab.documents.saveVersion(name, 'Trước khi lập lại từ hồ sơ', user.id))
          .id;
      }
      if (!(await putFacts(row, keepEdited))) {
        throw conflict(
          'This draft has no fact sections to rebuild (it was written before they existed). Recreate it from the template instead.',
        );
      }
      await audit(user, meetingId, kind, 'facts_rebuilt', { by: 'user', keepEdited, backupId });
      return core.recordDto(await record(meetingId, kind), a);
    },

    /** Whether the document of a record is read-only (the collab lock). */
    async isLocked(meetingId: string, kind: MinutesKind): Promise<boolean> {
      const row = await MinutesRecordModel.findOne(
        { meetingId: oid(meetingId), kind },
        { status: 1 },
      ).lean();
      return row !== null && row.status !== 'drafting';
    },

    /** Notes when the meeting went live or ended (the template's times). */
    async noteTime(meetingId: string, field: 'liveAt' | 'endedAt', at: Date): Promise<void> {
      for (const kind of ['minutes', 'notice'] as const) {
        const row = await record(meetingId, kind);
        await update(row, (cur) => (cur[field] ? null : { [field]: at }));
      }
    },

    /** Both records of a meeting. @throws 403/404. */
    async get(user: AuthUser, meetingId: string): Promise<MeetingMinutes> {
      const a = await requireAccess(
        user,
        meetingId,
        canReadDocuments,
        'Only participants read the minutes before they are published.',
      );
      const [minutes, notice] = await Promise.all([
        record(meetingId, 'minutes'),
        record(meetingId, 'notice'),
      ]);
      return {
        minutes: await core.recordDto(minutes, a),
        notice: await core.recordDto(notice, a),
      };
    },

    /** The text of a draft now. @throws 403/404. */
    async content(user: AuthUser, meetingId: string, kind: MinutesKind) {
      await requireAccess(user, meetingId, canReadDocuments, 'Only participants read the minutes.');
      const c = await collab.documents.read(docName(meetingId, kind));
      return { content: minutesContentSchema.parse(c.prosemirror), text: c.text };
    },

    /**
     * (Re)creates the draft from the template. A draft that holds text is replaced only with
     * `confirm` (the text before is kept as a named version). @throws 403, 409.
     */
    async recreate(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      confirm: boolean,
    ): Promise<MinutesRecord> {
      const { a, row } = await core.forAction(user, meetingId, kind, 'edit');
      const name = docName(meetingId, kind);
      const current = await collab.documents.read(name);
      const empty = isEmptyContent(current.prosemirror as { content?: [] });
      if (!empty && !confirm) {
        throw conflict(
          'The draft already holds text. Confirm to replace it with the template (the current text is kept as a named version).',
          { requiresConfirmation: true },
        );
      }
      const draft = await template(row);
      let backupId: string | null = null;
      if (!empty) {
        const backup = await collab.documents.saveVersion(
          name,
          'Trước khi tạo lại từ mẫu',
          user.id,
        );
        backupId = backup.id;
      }
      const handle = await collab.documents.open(name);
      try {
        await handle.setProseMirror(draft.content);
      } finally {
        handle.release();
      }
      const after = await update(row, () => ({ metaJson: JSON.stringify(draft.meta) }));
      await audit(user, meetingId, kind, 'template', { replaced: !empty, backupId });
      return core.recordDto(after, a);
    },

    /**
     * Changes the frame (number, title, signatures, recipients) while drafting; the number and
     * the date of issue alone also once approved (the records office numbers the issued text).
     * @throws 403, 409.
     */
    async updateMeta(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      input: UpdateMinutesMetaInput,
    ): Promise<MinutesRecord> {
      const numberOnly = Object.keys(input).every((k) => k === 'numberSymbol' || k === 'issuedOn');
      const action = numberOnly ? 'number' : 'edit';
      const { a, row } = await core.forAction(user, meetingId, kind, action);
      const base = parseMeta(row.metaJson) ?? (await template(row)).meta;
      const next = minutesDocumentMetaSchema.parse({ ...base, ...input });
      const after = await update(row, (cur) => {
        if (cur.status !== row.status) throw core.stepError(cur.status, action, row.status);
        return { metaJson: JSON.stringify(next) };
      });
      await audit(user, meetingId, kind, 'meta', input);
      return core.recordDto(after, a);
    },

    /**
     * A live fact as a fragment to insert: its blocks carry their fact section, so that the
     * editor replaces the section the draft already has. @throws 403/404, 409 (open poll).
     */
    async snippet(
      user: AuthUser,
      meetingId: string,
      req: MinutesSnippetRequest,
    ): Promise<MinutesNode[]> {
      await requireAccess(user, meetingId, canReadDocuments, 'Only participants read the records.');
      switch (req.type) {
        case 'attendance': {
          const row = await record(meetingId, 'minutes');
          return attendanceFragment(meetingId, row.endedAt ?? null);
        }
        case 'speakers':
          return speakersFragment(meetingId, req.agendaItemId);
        case 'poll':
          return pollFragment(meetingId, req.pollId);
      }
    },

    /**
     * Puts a live fact into the draft (server-side insert): it replaces the section of the
     * same fact, or goes at the end when the draft has none. @throws 403, 409.
     */
    async append(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      req: MinutesSnippetRequest,
    ): Promise<{ content: MinutesNode; text: string }> {
      await core.forAction(user, meetingId, kind, 'edit');
      const fragment = await api.snippet(user, meetingId, req);
      const handle = await collab.documents.open(docName(meetingId, kind));
      try {
        const now = minutesContentSchema.parse(handle.read().prosemirror);
        const blocks = isEmptyContent(now) ? [] : (now.content ?? []);
        await handle.setProseMirror({
          type: 'doc',
          content: replaceFactSections(blocks, fragment),
        });
        const c = handle.read();
        await audit(user, meetingId, kind, 'insert', { snippet: req.type });
        return { content: minutesContentSchema.parse(c.prosemirror), text: c.text };
      } finally {
        handle.release();
      }
    },
  };
  return api;
}
