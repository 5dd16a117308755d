import type { Logger } from 'pino';
import { Types } from 'mongoose';
import type { CollabServer } from '../../collab/collab-server';
import { formatDocName } from '../../collab/contracts/doc-names';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type { Page } from '../contracts/common';
import { minutesContentSchema, minutesDocumentMetaSchema } from '../contracts/minutes';
import type {
  MeetingMinutes,
  MinutesDocumentMeta,
  MinutesKind,
  MinutesNode,
  MinutesRecord,
  MinutesSnippetRequest,
  MinutesStatus,
  MinutesVerifyResult,
  PublishedListQuery,
  PublishedMinutesVersion,
  UpdateMinutesMetaInput,
} from '../contracts/minutes';
import { conflict, forbidden, notFound, unauthenticated } from '../errors';
import { accessOf, requireAccess, userUnitChain } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { canReadDocuments, hidesExistence } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { meetingService } from '../meetings/meeting.service';
import { searchKey, searchPattern } from '../text-search';
import { UnitModel } from '../units/unit.model';
import { unitService } from '../units/unit.service';
import { isDuplicateKey, serializedUpdate } from '../write-serialization';
import {
  attendanceFragment,
  gatherMeetingFacts,
  pollFragment,
  speakersFragment,
} from './meeting-facts.service';
import { isChair, isSecretary, mayReadPublished, minutesAbilities } from './minutes.policy';
import { MinutesRecordModel, MinutesVersionModel } from './minutes.model';
import type { MinutesRecordRow, MinutesVersionRow } from './minutes.model';
import { openPublishedFile, removePublishedFiles, storePublishedFile } from './minutes-storage';
import { publishRender } from './publish-render';
import { verifyPdfSignatures } from './signing/pdf-verify';
import type { PdfSigner } from './signing/signing-credentials';
import { buildMinutesTemplate } from './templates/minutes.template';
import { buildNoticeTemplate } from './templates/notice.template';
import { KeyedQueue } from '../keyed-queue';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

/** What the minutes service needs from the composition root. */
export interface MinutesServiceDeps {
  /** The co-editing server of this process (documents and access refresh). */
  collab: Pick<CollabServer, 'documents' | 'refreshAccess'>;
  /** The signer of a unit (its PKCS#12 or a demo certificate). */
  signerFor(unit: { code: string; name: string }): PdfSigner;
  logger: Logger;
  /** Font directory for the PDF (default: fonts-liberation2). */
  fontDir?: string;
  /** Called after a version is published (the notice's task marks become tasks, issue 15). */
  onPublished?: (e: {
    actor: AuthUser;
    meetingId: string;
    kind: MinutesKind;
    versionId: string;
    version: number;
  }) => Promise<unknown>;
}

/** Content types and extensions of the published formats. */
export const PUBLISHED_FORMATS = {
  html: { contentType: 'text/html; charset=utf-8', ext: 'html' },
  pdf: { contentType: 'application/pdf', ext: 'pdf' },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ext: 'docx',
  },
} as const;
/** A published format. */
export type PublishedFormat = keyof typeof PUBLISHED_FORMATS;

const KIND_NAME: Record<MinutesKind, string> = { minutes: 'Biên bản', notice: 'Thông báo' };

/** Whether a ProseMirror doc holds no text at all (a fresh or emptied draft). */
export function isEmptyContent(doc: {
  content?: { type: string; content?: unknown[] }[];
}): boolean {
  return (doc.content ?? []).every(
    (n) => n.type === 'paragraph' && (n.content === undefined || n.content.length === 0),
  );
}

function person(u: { id: Types.ObjectId; fullName: string } | null | undefined) {
  return u ? { id: u.id.toHexString(), fullName: u.fullName } : null;
}

function versionDto(v: MinutesVersionRow): PublishedMinutesVersion {
  const id = v._id.toHexString();
  return {
    id,
    meetingId: v.meetingId.toHexString(),
    kind: v.kind,
    version: v.version,
    supersedesId: v.supersedesId?.toHexString() ?? null,
    numberSymbol: v.numberSymbol,
    title: v.title,
    unitId: v.unitId.toHexString(),
    unitName: v.unitName,
    meetingTitle: v.meetingTitle,
    meetingStartsAt: v.meetingStartsAt.toISOString(),
    visibility: v.visibility as PublishedMinutesVersion['visibility'],
    superseded: v.supersededById !== null && v.supersededById !== undefined,
    publishedAt: v.publishedAt.toISOString(),
    publishedBy: { id: v.publishedBy.id.toHexString(), fullName: v.publishedBy.fullName },
    files: v.files.map((f) => ({
      format: f.format,
      sha256: f.sha256,
      size: f.size,
      url: `/api/minutes/published/${id}/files/${f.format}`,
    })),
    signer: {
      commonName: v.signer?.commonName ?? '',
      organization: v.signer?.organization ?? null,
    },
  };
}

function parseMeta(json: string | null | undefined): MinutesDocumentMeta | null {
  if (!json) return null;
  return minutesDocumentMetaSchema.parse(JSON.parse(json));
}

/**
 * The minutes workflow: drafts seeded from the templates, one-action inserts, submit →
 * approve/return → publish (signed HTML/PDF/DOCX, immutable, versioned), corrections, the
 * public search and the verification of files.
 */
export function createMinutesService(deps: MinutesServiceDeps) {
  const { collab, logger } = deps;
  const publishing = new KeyedQueue();

  const docName = (meetingId: string, kind: MinutesKind): string =>
    formatDocName({ kind, meetingId });

  /** The record of a meeting's minutes or notice, created on first use. */
  async function record(meetingId: string, kind: MinutesKind): Promise<MinutesRecordRow> {
    const filter = { meetingId: oid(meetingId), kind };
    const found = await MinutesRecordModel.findOne(filter).lean<MinutesRecordRow>();
    if (found) return found;
    try {
      const created = await MinutesRecordModel.create(filter);
      return created.toObject();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const again = await MinutesRecordModel.findOne(filter).lean<MinutesRecordRow>();
      if (!again) throw err;
      return again;
    }
  }

  async function update(
    row: MinutesRecordRow,
    compute: (current: MinutesRecordRow) => Record<string, unknown> | null,
  ): Promise<MinutesRecordRow> {
    const result = await serializedUpdate<MinutesRecordRow>(
      MinutesRecordModel,
      row._id,
      compute,
      `The ${row.kind} of meeting ${row.meetingId.toHexString()}`,
    );
    return result.after;
  }

  const refresh = async (meetingId: string, kind: MinutesKind): Promise<void> => {
    await collab.refreshAccess([docName(meetingId, kind)]).catch((err: unknown) => {
      logger.warn({ err, meetingId, kind }, 'could not refresh co-editing access of the minutes');
    });
  };

  /** Builds the template of a record from the records of the meeting. */
  async function template(row: MinutesRecordRow) {
    const { facts } = await gatherMeetingFacts(row.meetingId.toHexString(), {
      liveAt: row.liveAt ?? null,
      endedAt: row.endedAt ?? null,
    });
    return row.kind === 'minutes' ? buildMinutesTemplate(facts) : buildNoticeTemplate(facts);
  }

  /**
   * Fills the draft from the template when the document is still empty, and stores the frame
   * (meta) when it has none. Never overwrites text.
   */
  async function seed(meetingId: string, kind: MinutesKind): Promise<boolean> {
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
      await update(row, (cur) => (cur.metaJson ? null : { metaJson: JSON.stringify(draft.meta) }));
    }
    return seeded;
  }

  async function accessFor(user: AuthUser, meetingId: string): Promise<MeetingAccess> {
    const a = await accessOf(user, meetingId);
    if (!a || hidesExistence(a)) throw notFound(`Meeting ${meetingId}`);
    return a;
  }

  async function recordDto(row: MinutesRecordRow, a: MeetingAccess | null): Promise<MinutesRecord> {
    const versions = await MinutesVersionModel.find({ meetingId: row.meetingId, kind: row.kind })
      .sort({ version: -1 })
      .lean<MinutesVersionRow[]>();
    const meetingId = row.meetingId.toHexString();
    return {
      meetingId,
      kind: row.kind,
      docName: docName(meetingId, row.kind),
      status: row.status,
      meta: parseMeta(row.metaJson),
      submittedAt: row.submittedAt?.toISOString() ?? null,
      submittedBy: person(row.submittedBy),
      returnComment: row.returnComment ?? null,
      reviewedAt: row.reviewedAt?.toISOString() ?? null,
      reviewedBy: person(row.reviewedBy),
      correcting: row.correcting?.toHexString() ?? null,
      versions: versions.map(versionDto),
      can: minutesAbilities(a, row.status, Boolean(row.metaJson)),
    };
  }

  const stepError = (status: MinutesStatus, action: string, needed: string) =>
    conflict(`The text is ${status}; ${action} needs it to be ${needed}.`, { status });

  /** The caller's access and the record, with the ability checked (403 role, 409 state). */
  async function forAction(
    user: AuthUser,
    meetingId: string,
    kind: MinutesKind,
    ability: 'edit' | 'submit' | 'review' | 'publish' | 'correct',
  ): Promise<{ a: MeetingAccess; row: MinutesRecordRow }> {
    const a = await accessFor(user, meetingId);
    const row = await record(meetingId, kind);
    const roleOk = {
      edit: isSecretary(a) || isChair(a),
      submit: isSecretary(a),
      review: isChair(a),
      publish: isSecretary(a) || isChair(a),
      correct: isSecretary(a),
    }[ability];
    if (!roleOk) {
      throw forbidden(
        {
          edit: 'Only the secretary and the chair write the minutes.',
          submit: 'Only the secretary submits the minutes for approval.',
          review: 'Only the chair approves or returns the minutes.',
          publish: 'Only the secretary and the chair publish the minutes.',
          correct: 'Only the secretary starts a correction.',
        }[ability],
      );
    }
    if (!minutesAbilities(a, row.status, Boolean(row.metaJson))[ability]) {
      if (row.status === 'published' && ability === 'edit') {
        throw conflict('This text is published and never changes; start a correction instead.', {
          status: row.status,
        });
      }
      if (ability === 'submit' && row.status === 'drafting' && !row.metaJson) {
        throw conflict('The draft has not been created from the template yet.');
      }
      const needed = {
        edit: 'drafting (and the meeting live or over)',
        submit: 'drafting (and the meeting live or over)',
        review: 'submitted',
        publish: 'approved (and the meeting over)',
        correct: 'published',
      }[ability];
      throw stepError(row.status, ability, needed);
    }
    return { a, row };
  }

  const audit = (
    user: AuthUser,
    meetingId: string,
    kind: MinutesKind,
    action: string,
    after?: unknown,
    before?: unknown,
  ) =>
    auditService.append({
      meetingId,
      actor: user,
      action: `${kind}.${action}`,
      target: { kind, id: meetingId },
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
    });

  const actor = (user: AuthUser) => ({ id: oid(user.id), fullName: user.fullName });

  async function readContent(meetingId: string, kind: MinutesKind): Promise<MinutesNode> {
    const content = await collab.documents.read(docName(meetingId, kind));
    return minutesContentSchema.parse(content.prosemirror);
  }

  async function visibleVersion(
    user: AuthUser | null,
    versionId: string,
  ): Promise<MinutesVersionRow> {
    const v = Types.ObjectId.isValid(versionId)
      ? await MinutesVersionModel.findById(oid(versionId)).lean<MinutesVersionRow>()
      : null;
    if (!v) throw notFound(`Published version ${versionId}`);
    const a = user ? await accessOf(user, v.meetingId.toHexString()) : null;
    if (mayReadPublished(v.visibility, a)) return v;
    if (v.visibility === 'confidential') throw notFound(`Published version ${versionId}`);
    if (!user) throw unauthenticated('Log in to read the records of internal meetings.');
    throw forbidden('Only members of the host unit and participants read this record.');
  }

  return {
    docName,
    seed,

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
      return { minutes: await recordDto(minutes, a), notice: await recordDto(notice, a) };
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
      const { a, row } = await forAction(user, meetingId, kind, 'edit');
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
      return recordDto(after, a);
    },

    /** Changes the frame (number, title, signatures, recipients). @throws 403, 409. */
    async updateMeta(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      input: UpdateMinutesMetaInput,
    ): Promise<MinutesRecord> {
      const { a, row } = await forAction(user, meetingId, kind, 'edit');
      const base = parseMeta(row.metaJson) ?? (await template(row)).meta;
      const next = minutesDocumentMetaSchema.parse({ ...base, ...input });
      const after = await update(row, (cur) => {
        if (cur.status !== 'drafting') throw stepError(cur.status, 'edit', 'drafting');
        return { metaJson: JSON.stringify(next) };
      });
      await audit(user, meetingId, kind, 'meta', input);
      return recordDto(after, a);
    },

    /** A live fact as a fragment to insert at the cursor. @throws 403/404, 409 (open poll). */
    async snippet(
      user: AuthUser,
      meetingId: string,
      req: MinutesSnippetRequest,
    ): Promise<MinutesNode[]> {
      await requireAccess(user, meetingId, canReadDocuments, 'Only participants read the records.');
      switch (req.type) {
        case 'attendance':
          return attendanceFragment(meetingId);
        case 'speakers':
          return speakersFragment(meetingId, req.agendaItemId);
        case 'poll':
          return pollFragment(meetingId, req.pollId);
      }
    },

    /** Appends a live fact at the end of the draft (server-side insert). @throws 403, 409. */
    async append(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      req: MinutesSnippetRequest,
    ): Promise<{ content: MinutesNode; text: string }> {
      await forAction(user, meetingId, kind, 'edit');
      const fragment = await this.snippet(user, meetingId, req);
      const handle = await collab.documents.open(docName(meetingId, kind));
      try {
        const now = minutesContentSchema.parse(handle.read().prosemirror);
        const blocks = isEmptyContent(now) ? [] : (now.content ?? []);
        await handle.setProseMirror({ type: 'doc', content: [...blocks, ...fragment] });
        const c = handle.read();
        await audit(user, meetingId, kind, 'insert', { snippet: req.type });
        return { content: minutesContentSchema.parse(c.prosemirror), text: c.text };
      } finally {
        handle.release();
      }
    },

    /** The secretary submits the text for approval; it becomes read-only. @throws 403, 409. */
    async submit(user: AuthUser, meetingId: string, kind: MinutesKind): Promise<MinutesRecord> {
      const { a, row } = await forAction(user, meetingId, kind, 'submit');
      const content = await readContent(meetingId, kind);
      if (isEmptyContent(content)) {
        throw conflict('The draft is empty: there is nothing to submit.');
      }
      const after = await update(row, (cur) => {
        if (cur.status !== 'drafting') throw stepError(cur.status, 'submit', 'drafting');
        return {
          status: 'submitted',
          submittedAt: new Date(),
          submittedBy: actor(user),
          returnComment: null,
        };
      });
      await refresh(meetingId, kind);
      await audit(
        user,
        meetingId,
        kind,
        'submitted',
        { status: 'submitted' },
        { status: 'drafting' },
      );
      return recordDto(after, a);
    },

    /** The chair approves the submitted text. @throws 403, 409. */
    async approve(user: AuthUser, meetingId: string, kind: MinutesKind): Promise<MinutesRecord> {
      const { a, row } = await forAction(user, meetingId, kind, 'review');
      const after = await update(row, (cur) => {
        if (cur.status !== 'submitted') throw stepError(cur.status, 'approve', 'submitted');
        return { status: 'approved', reviewedAt: new Date(), reviewedBy: actor(user) };
      });
      await audit(
        user,
        meetingId,
        kind,
        'approved',
        { status: 'approved' },
        { status: 'submitted' },
      );
      return recordDto(after, a);
    },

    /** The chair returns the text with a comment; it is editable again. @throws 403, 409. */
    async returnToSecretary(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      comment: string,
    ): Promise<MinutesRecord> {
      const { a, row } = await forAction(user, meetingId, kind, 'review');
      const after = await update(row, (cur) => {
        if (cur.status !== 'submitted') throw stepError(cur.status, 'return', 'submitted');
        return {
          status: 'drafting',
          reviewedAt: new Date(),
          reviewedBy: actor(user),
          returnComment: comment,
        };
      });
      await refresh(meetingId, kind);
      await audit(
        user,
        meetingId,
        kind,
        'returned',
        { status: 'drafting', comment },
        { status: 'submitted' },
      );
      return recordDto(after, a);
    },

    /**
     * Publishes the approved text: renders HTML, PDF (signed by the host unit) and DOCX,
     * stores them immutably with their SHA-256, records the version (the next number; a
     * correction references the version it replaces) and, for the minutes, moves the meeting
     * to minutes_published. @throws 403, 409, and signing/rendering errors (500).
     */
    async publish(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
    ): Promise<PublishedMinutesVersion> {
      return publishing.run(`${meetingId}:${kind}`, () => publishOnce(user, meetingId, kind));
    },

    /** The secretary starts a correction of the published text (a new version). @throws 403, 409. */
    async correct(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      reason: string,
    ): Promise<MinutesRecord> {
      const { a, row } = await forAction(user, meetingId, kind, 'correct');
      const latest = await MinutesVersionModel.findOne(
        { meetingId: oid(meetingId), kind },
        { _id: 1, version: 1 },
      )
        .sort({ version: -1 })
        .lean();
      if (!latest) throw conflict('Nothing is published yet.');
      const after = await update(row, (cur) => {
        if (cur.status !== 'published') throw stepError(cur.status, 'correct', 'published');
        return {
          status: 'drafting',
          correcting: latest._id,
          submittedAt: null,
          submittedBy: null,
          reviewedAt: null,
          reviewedBy: null,
          returnComment: null,
        };
      });
      await refresh(meetingId, kind);
      await audit(
        user,
        meetingId,
        kind,
        'correction_started',
        { status: 'drafting', corrects: latest._id.toHexString(), version: latest.version, reason },
        { status: 'published' },
      );
      return recordDto(after, a);
    },

    /** Published versions visible to the caller (anonymous: public meetings only). */
    async listPublished(
      user: AuthUser | null,
      query: PublishedListQuery,
    ): Promise<Page<PublishedMinutesVersion>> {
      const and: Record<string, unknown>[] = [];
      if (!user) {
        and.push({ visibility: 'public' });
      } else {
        const [chain, mine] = await Promise.all([
          userUnitChain(user),
          MeetingModel.find({ memberIds: oid(user.id) }, { _id: 1 }).lean(),
        ]);
        const or: Record<string, unknown>[] = [
          { visibility: 'public' },
          { visibility: 'internal', unitId: { $in: chain.map(oid) } },
          { meetingId: { $in: mine.map((m) => m._id) } },
        ];
        if (user.roles.includes('system_admin')) or.push({ visibility: 'internal' });
        if (user.roles.includes('unit_admin')) {
          or.push({ visibility: 'internal', unitPath: oid(user.unitId) });
        }
        and.push({ $or: or });
      }
      if (query.unitId) {
        const ids = await unitService.subtreeIds(query.unitId, { includeInactive: true });
        and.push({ unitId: { $in: ids.map(oid) } });
      }
      if (query.kind) and.push({ kind: query.kind });
      if (query.meetingId) and.push({ meetingId: oid(query.meetingId) });
      if (query.from) {
        and.push({ meetingStartsAt: { $gte: new Date(`${query.from}T00:00:00+07:00`) } });
      }
      if (query.to) {
        and.push({ meetingStartsAt: { $lte: new Date(`${query.to}T23:59:59.999+07:00`) } });
      }
      if (query.q) and.push({ searchText: { $regex: searchPattern(query.q) } });
      const filter = and.length ? { $and: and } : {};
      const [rows, total] = await Promise.all([
        MinutesVersionModel.find(filter, { contentJson: 0, metaJson: 0 })
          .sort({ publishedAt: -1, _id: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<MinutesVersionRow[]>(),
        MinutesVersionModel.countDocuments(filter),
      ]);
      return { items: rows.map(versionDto), total, page: query.page, pageSize: query.pageSize };
    },

    /** One published version, if the caller may read it. @throws 401/403/404. */
    async getPublished(user: AuthUser | null, versionId: string): Promise<PublishedMinutesVersion> {
      return versionDto(await visibleVersion(user, versionId));
    },

    /** A published file: stream, content type and a download name. @throws 401/403/404. */
    async openFile(user: AuthUser | null, versionId: string, format: PublishedFormat) {
      const v = await visibleVersion(user, versionId);
      const file = v.files.find((f) => f.format === format);
      if (!file) throw notFound(`The ${format} file of version ${versionId}`);
      const name = `${KIND_NAME[v.kind]} ${v.numberSymbol.replace(/[\\/]/g, '-')} (bản ${String(v.version)}).${PUBLISHED_FORMATS[format].ext}`;
      return {
        stream: openPublishedFile(file.fileId),
        size: file.size,
        sha256: file.sha256,
        contentType: PUBLISHED_FORMATS[format].contentType,
        filename: name,
      };
    },

    /** Refuses any change to a published version (they never change). @throws 404, 409. */
    async refuseEdit(user: AuthUser | null, versionId: string): Promise<never> {
      await visibleVersion(user, versionId);
      throw conflict(
        'A published version never changes. A correction is published as a new version.',
      );
    },

    /**
     * Checks a file (or a SHA-256): whether it is byte-for-byte a published file, of which
     * meeting and version, and whether its signatures hold.
     */
    async verify(input: { bytes: Buffer } | { sha256: string }): Promise<MinutesVerifyResult> {
      const verification = 'bytes' in input ? verifyPdfSignatures(input.bytes) : null;
      const sha256 = verification?.sha256 ?? ('sha256' in input ? input.sha256 : '');
      const v = await MinutesVersionModel.findOne(
        { hashes: sha256 },
        { contentJson: 0, metaJson: 0 },
      ).lean<MinutesVersionRow>();
      return {
        sha256,
        published: v !== null,
        version: v ? versionDto(v) : null,
        verification,
      };
    },
  };

  async function publishOnce(
    user: AuthUser,
    meetingId: string,
    kind: MinutesKind,
  ): Promise<PublishedMinutesVersion> {
    const { row } = await forAction(user, meetingId, kind, 'publish');
    const meta = parseMeta(row.metaJson);
    if (!meta) throw conflict('The draft has no frame yet: create it from the template first.');
    const content = await readContent(meetingId, kind);
    const meeting = await MeetingModel.findById(oid(meetingId)).lean();
    if (!meeting) throw notFound(`Meeting ${meetingId}`);
    const { unit } = await gatherUnit(meeting.hostUnitId);
    const signer = deps.signerFor(unit);
    const now = new Date();
    const frozen = minutesDocumentMetaSchema.parse({ ...meta, createdAt: now.toISOString() });
    const rendered = await publishRender(content, frozen, {
      signer,
      signedAt: now,
      ...(deps.fontDir ? { fontDir: deps.fontDir } : {}),
    });
    const latest = await MinutesVersionModel.findOne(
      { meetingId: oid(meetingId), kind },
      { _id: 1, version: 1 },
    )
      .sort({ version: -1 })
      .lean();
    const version = (latest?.version ?? 0) + 1;
    const stored: Types.ObjectId[] = [];
    const files = [];
    try {
      for (const format of ['html', 'pdf', 'docx'] as const) {
        const f = rendered[format];
        const id = await storePublishedFile(
          f.bytes,
          `${meetingId}-${kind}-v${String(version)}.${format}`,
          PUBLISHED_FORMATS[format].contentType,
        );
        stored.push(id);
        files.push({ format, fileId: id, sha256: f.sha256, size: f.bytes.length });
      }
      const supersedesId = row.correcting ?? null;
      const created = await MinutesVersionModel.create({
        meetingId: oid(meetingId),
        kind,
        version,
        supersedesId,
        numberSymbol: frozen.numberSymbol,
        title: frozen.title,
        unitId: meeting.hostUnitId,
        unitName: unit.name,
        unitPath: meeting.hostUnitPath,
        meetingTitle: meeting.title,
        meetingStartsAt: meeting.startsAt,
        visibility: meeting.visibility,
        publishedAt: now,
        publishedBy: actor(user),
        files,
        signer: {
          commonName: signer.commonName,
          organization: signer.organization,
          fingerprint: signer.fingerprint,
        },
        contentJson: JSON.stringify(content),
        metaJson: JSON.stringify(frozen),
        hashes: files.map((f) => f.sha256),
        searchText: searchKey(
          [frozen.title, meeting.title, frozen.numberSymbol, unit.name, KIND_NAME[kind]].join(' '),
        ),
      });
      const v = created.toObject<MinutesVersionRow>();
      if (supersedesId) {
        await MinutesVersionModel.updateOne(
          { _id: supersedesId, supersededById: null },
          { $set: { supersededById: v._id } },
        );
      }
      await update(row, (cur) => {
        if (cur.status !== 'approved') throw stepError(cur.status, 'publish', 'approved');
        return { status: 'published', correcting: null };
      });
      await refresh(meetingId, kind);
      await audit(user, meetingId, kind, 'published', {
        versionId: v._id.toHexString(),
        version,
        supersedesId: supersedesId?.toHexString() ?? null,
        files: files.map((f) => ({ format: f.format, sha256: f.sha256, size: f.size })),
        signer: signer.commonName,
      });
      await deps.onPublished?.({
        actor: user,
        meetingId,
        kind,
        versionId: v._id.toHexString(),
        version,
      });
      logger.info(
        { meetingId, kind, version, ms: Math.round(rendered.timings.total) },
        'minutes published',
      );
      if (kind === 'minutes' && meeting.state === 'ended') {
        await meetingService.transition(user, meetingId, { to: 'minutes_published' });
      }
      return versionDto(v);
    } catch (err) {
      if (isDuplicateKey(err)) {
        await removePublishedFiles(stored);
        throw conflict('Someone else published this text at the same moment; reload.');
      }
      if (stored.length && !(await MinutesVersionModel.exists({ 'files.fileId': stored[0] }))) {
        await removePublishedFiles(stored);
      }
      throw err;
    }
  }

  async function gatherUnit(unitId: Types.ObjectId) {
    const unit = await UnitModel.findById(unitId, { code: 1, name: 1 }).lean();
    if (!unit) throw notFound(`Unit ${unitId.toHexString()}`);
    return { unit: { code: unit.code, name: unit.name } };
  }
}

/** The minutes service. */
export type MinutesService = ReturnType<typeof createMinutesService>;
