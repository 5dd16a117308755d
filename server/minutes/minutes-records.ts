import type { Logger } from 'pino';
import { Types } from 'mongoose';
import type { CollabServer } from '../../collab/collab-server';
import { formatDocName } from '../../collab/contracts/doc-names';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { minutesContentSchema, minutesDocumentMetaSchema } from '../contracts/minutes';
import type {
  MinutesDocumentMeta,
  MinutesKind,
  MinutesNode,
  MinutesRecord,
  MinutesStatus,
  PublishedMinutesVersion,
} from '../contracts/minutes';
import { conflict, forbidden, notFound } from '../errors';
import { accessOf } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { hidesExistence } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { isDuplicateKey, serializedUpdate } from '../write-serialization';
import { MinutesRecordModel, MinutesVersionModel } from './minutes.model';
import type { MinutesRecordRow, MinutesVersionRow } from './minutes.model';
import {
  ACTION_REFUSALS,
  ACTION_ROLES,
  actorOf,
  minutesAbilities,
  refusal,
} from './minutes.workflow';
import type { MinutesAction, MinutesActor } from './minutes.workflow';
import type { PdfSigner } from './signing/signing-credentials';

// What drafting, approval, publishing and the public register share: the record of a
// meeting's minutes or notice, its DTO, the workflow check of an action, and the audit.

/** @internal */
export const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

/** What the minutes service needs from the composition root. */
export interface MinutesServiceDeps {
  /** The co-editing server of this process (documents and access refresh). */
  collab: Pick<CollabServer, 'documents' | 'refreshAccess'>;
  /** The signer of a unit (its PKCS#12 or a demo certificate). */
  signerFor(unit: { code: string; name: string }): PdfSigner;
  logger: Logger;
  /** Font directory for the PDF (default: fonts-liberation2). */
  fontDir?: string;
  /**
   * Moves the meeting to minutes_published once its minutes are published (the meeting's
   * state follows the minutes).
   */
  markMeetingPublished?(meetingId: string): Promise<void>;
  /**
   * What agenda items list, by item id (issue 15: the overdue tasks "add overdue tasks" put on
   * the agenda); the minutes write each list under its item.
   */
  agendaItemListings?(meetingId: string): Promise<ReadonlyMap<string, readonly string[]>>;
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

/** The Vietnamese name of each kind (file names, search text). */
export const KIND_NAME: Record<MinutesKind, string> = { minutes: 'Biên bản', notice: 'Thông báo' };

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

/** The API shape of a published version. */
export function versionDto(v: MinutesVersionRow): PublishedMinutesVersion {
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

/** The stored frame of a record, parsed. */
export function parseMeta(json: string | null | undefined): MinutesDocumentMeta | null {
  if (!json) return null;
  return minutesDocumentMetaSchema.parse(JSON.parse(json));
}

/** The shared core of the minutes service (see minutes.service.ts). */
export function createMinutesRecords(deps: MinutesServiceDeps) {
  const { collab, logger } = deps;

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

  async function accessFor(user: AuthUser, meetingId: string): Promise<MeetingAccess> {
    const a = await accessOf(user, meetingId);
    if (!a || hidesExistence(a)) throw notFound(`Meeting ${meetingId}`);
    return a;
  }

  /** The caller as the workflow sees them (chair and secretary from the meeting itself). */
  async function actorFor(a: MeetingAccess | null): Promise<MinutesActor | null> {
    if (!a) return null;
    const m = await MeetingModel.findById(oid(a.meetingId), { chairId: 1, secretaryId: 1 }).lean();
    return actorOf(
      a,
      m
        ? { chairId: m.chairId.toHexString(), secretaryId: m.secretaryId?.toHexString() ?? null }
        : null,
    );
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
      can: minutesAbilities(await actorFor(a), row.status, Boolean(row.metaJson)),
    };
  }

  /**
   * The role part of the workflow table, for a route's `authorize` (before its body is read):
   * 403 unless the caller holds a role that may take `action` at some step.
   * @throws 404 (meeting hidden), 403.
   */
  async function authorizeAction(
    user: AuthUser,
    meetingId: string,
    action: MinutesAction,
  ): Promise<void> {
    const actor = await actorFor(await accessFor(user, meetingId));
    if (!actor) throw notFound(`Meeting ${meetingId}`);
    if (!ACTION_ROLES[action].some((r) => actor.roles.has(r))) {
      throw forbidden(ACTION_REFUSALS[action]);
    }
  }

  const stepError = (status: MinutesStatus, action: string, needed: string) =>
    conflict(`The text is ${status}; ${action} needs it to be ${needed}.`, { status });

  /**
   * The caller's access and the record, with the action checked against the workflow table
   * (403 role, 409 state).
   */
  async function forAction(
    user: AuthUser,
    meetingId: string,
    kind: MinutesKind,
    action: MinutesAction,
  ): Promise<{ a: MeetingAccess; row: MinutesRecordRow }> {
    const a = await accessFor(user, meetingId);
    const actor = await actorFor(a);
    const row = await record(meetingId, kind);
    if (!actor) throw notFound(`Meeting ${meetingId}`);
    const refused = refusal(actor, row.status, action);
    if (refused?.kind === 'role') throw forbidden(refused.message);
    if (refused) {
      if (row.status === 'published' && action === 'edit') {
        throw conflict('This text is published and never changes; start a correction instead.', {
          status: row.status,
        });
      }
      throw conflict(refused.message, { status: row.status });
    }
    if (action === 'submit' && !row.metaJson) {
      throw conflict('The draft has not been created from the template yet.');
    }
    return { a, row };
  }

  const audit = (
    user: AuthUser | null,
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

  return {
    deps,
    docName,
    record,
    update,
    refresh,
    accessFor,
    authorizeAction,
    recordDto,
    stepError,
    forAction,
    audit,
    actor,
    readContent,
  };
}

/** The shared core of the minutes service. */
export type MinutesRecords = ReturnType<typeof createMinutesRecords>;
