import type { Request } from 'express';
import { Types } from 'mongoose';
import { AgendaItemModel } from '../agenda/agenda-item.model';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { documentTypes, uploadDocumentFieldsSchema } from '../contracts/documents';
import type {
  DocumentNote,
  DocumentType,
  DocumentVersion,
  MeetingDocument,
  UpdateDocumentInput,
} from '../contracts/documents';
import { appError, fieldIssues, notFound, validationError } from '../errors';
import type { FileStream } from '../http/send-file-stream';
import { liveService } from '../live/live.service';
import { requireAccess } from '../meetings/meeting-access.service';
import { canAddDocuments, canManage, canReadDocuments } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { acceptsDocuments, wrongState } from '../meetings/meeting-state';
import { SequencedAppender } from '../write-serialization';
import { contentDisposition, safeFilename } from './content-disposition';
import { openFile, receiveUpload, removeFile, storeBuffer } from './document-storage';
import type { StoredFile } from './document-storage';
import { DocumentNoteModel, DocumentVersionModel, MeetingDocumentModel } from './document.model';
import type { MeetingDocumentLean } from './document.model';

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);
const READ_MESSAGE = 'Only those taking part in the meeting may read its documents.';
const ADD_MESSAGE =
  'Only the chair, the secretary, presenters or an administrator of the host unit may add documents.';

type VersionRow = {
  documentId: Types.ObjectId;
  version: number;
  fileId: Types.ObjectId;
  filename: string;
  type: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: Types.ObjectId;
  uploadedAt: Date;
};

const versions = new SequencedAppender<{ version: number }>({
  loadHead: async (documentId) => {
    const last = await DocumentVersionModel.findOne({ documentId: oid(documentId) }, { version: 1 })
      .sort({ version: -1 })
      .lean();
    return last ? { version: last.version } : null;
  },
});

function toVersionDto(v: VersionRow): DocumentVersion {
  return {
    version: v.version,
    filename: v.filename,
    type: v.type as DocumentType,
    contentType: v.contentType,
    size: v.size,
    sha256: v.sha256,
    uploadedBy: v.uploadedBy.toHexString(),
    uploadedAt: v.uploadedAt.toISOString(),
  };
}

async function present(docs: MeetingDocumentLean[]): Promise<MeetingDocument[]> {
  const rows = (await DocumentVersionModel.find({ documentId: { $in: docs.map((d) => d._id) } })
    .sort({ version: 1 })
    .lean()) as VersionRow[];
  const byDoc = new Map<string, DocumentVersion[]>();
  for (const r of rows) {
    const key = r.documentId.toHexString();
    byDoc.set(key, [...(byDoc.get(key) ?? []), toVersionDto(r)]);
  }
  return docs.map((d) => {
    const list = byDoc.get(d._id.toHexString()) ?? [];
    return {
      id: d._id.toHexString(),
      meetingId: d.meetingId.toHexString(),
      title: d.title,
      agendaItemId: d.agendaItemId?.toHexString() ?? null,
      currentVersion: list.at(-1)?.version ?? 0,
      versions: list,
      createdBy: d.createdBy.toHexString(),
      createdAt: d.createdAt.toISOString(),
    };
  });
}

async function loadDocument(meetingId: string, documentId: string): Promise<MeetingDocumentLean> {
  const doc = await MeetingDocumentModel.findOne({
    _id: oid(documentId),
    meetingId: oid(meetingId),
    withdrawnAt: null,
  }).lean();
  if (!doc) throw notFound(`Document ${documentId}`);
  return doc;
}

async function checkAgendaItem(meetingId: string, itemId: string, path: string): Promise<void> {
  const item = await AgendaItemModel.exists({
    _id: oid(itemId),
    meetingId: oid(meetingId),
    removed: false,
  });
  if (!item) {
    throw appError(
      'validation_failed',
      400,
      `Invalid input. ${path}: not an item of this agenda.`,
      {
        issues: [{ path, message: 'not an item of this agenda' }],
      },
    );
  }
}

async function requireUploader(actor: AuthUser, meetingId: string): Promise<MeetingAccess> {
  const access = await requireAccess(actor, meetingId, canAddDocuments, ADD_MESSAGE);
  if (!acceptsDocuments(access.state)) {
    throw wrongState(access.state, 'adding documents', 'draft, scheduled, live or ended');
  }
  return access;
}

async function recordVersion(
  actor: AuthUser,
  doc: MeetingDocumentLean,
  file: StoredFile,
  fallbackName: string,
): Promise<DocumentVersion> {
  const documentId = doc._id.toHexString();
  // The file is already in GridFS: if no version row comes to point at it, it goes.
  const row = await versions
    .append(documentId, async (head) => {
      const version = (head?.version ?? 0) + 1;
      const created = await DocumentVersionModel.create({
        documentId: doc._id,
        meetingId: doc.meetingId,
        version,
        fileId: file.fileId,
        filename: safeFilename(file.clientFilename, file.type, fallbackName),
        type: file.type,
        contentType: documentTypes[file.type].contentType,
        size: file.size,
        sha256: file.sha256,
        uploadedBy: oid(actor.id),
        uploadedAt: new Date(),
      });
      return created.toObject();
    })
    .catch(async (err: unknown) => {
      await removeFile(file.fileId);
      throw err;
    });
  const dto = toVersionDto(row);
  const meetingId = doc.meetingId.toHexString();
  await auditService.append({
    meetingId,
    actor,
    action: 'document.version_added',
    target: { kind: 'document', id: documentId },
    after: {
      title: doc.title,
      version: dto.version,
      filename: dto.filename,
      type: dto.type,
      size: dto.size,
      sha256: dto.sha256,
    },
  });
  await liveService.publish(meetingId, 'documents.changed', { documentId });
  return dto;
}

async function createFromStored(
  actor: AuthUser,
  meetingId: string,
  file: StoredFile,
  fields: Record<string, string | undefined>,
): Promise<MeetingDocument> {
  const parsed = uploadDocumentFieldsSchema.safeParse(fields);
  try {
    if (!parsed.success) throw validationError(fieldIssues(parsed.error, 'body'));
    if (parsed.data.agendaItemId)
      await checkAgendaItem(meetingId, parsed.data.agendaItemId, 'body.agendaItemId');
  } catch (err) {
    await removeFile(file.fileId);
    throw err;
  }
  const title =
    parsed.data.title ??
    safeFilename(file.clientFilename, file.type, 'tai-lieu').replace(/\.[^.]+$/, '');
  const created = await MeetingDocumentModel.create({
    meetingId: oid(meetingId),
    title,
    agendaItemId: parsed.data.agendaItemId ? oid(parsed.data.agendaItemId) : null,
    createdBy: oid(actor.id),
  }).catch(async (err: unknown) => {
    await removeFile(file.fileId);
    throw err;
  });
  const lean = created.toObject() as MeetingDocumentLean;
  await recordVersion(actor, lean, file, title);
  const [dto] = await present([lean]);
  return dto as MeetingDocument;
}

/** Meeting documents in GridFS: versions, downloads for participants, private notes. */
export const documentService = {
  /** @throws AppError 403/404. */
  async list(actor: AuthUser, meetingId: string): Promise<MeetingDocument[]> {
    await requireAccess(actor, meetingId, canReadDocuments, READ_MESSAGE);
    const docs = await MeetingDocumentModel.find({ meetingId: oid(meetingId), withdrawnAt: null })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return present(docs);
  },

  /** The documents as {@link list} presents them, without access checks (the live read model). */
  async documentsOf(meetingId: string): Promise<MeetingDocument[]> {
    const docs = await MeetingDocumentModel.find({ meetingId: oid(meetingId), withdrawnAt: null })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return present(docs);
  },

  /** @throws AppError 403/404. */
  async get(actor: AuthUser, meetingId: string, documentId: string): Promise<MeetingDocument> {
    await requireAccess(actor, meetingId, canReadDocuments, READ_MESSAGE);
    const [dto] = await present([await loadDocument(meetingId, documentId)]);
    return dto as MeetingDocument;
  },

  /**
   * A new document (version 1) from a multipart upload with fields `title`, `agendaItemId`.
   * Authorization comes before the body is read.
   * @throws AppError 400, 403/404, 409 (minutes published or cancelled), 413, 415.
   */
  async create(
    actor: AuthUser,
    meetingId: string,
    req: Request,
    limitBytes: number,
  ): Promise<MeetingDocument> {
    await requireUploader(actor, meetingId);
    const { fields, file } = await receiveUpload(req, limitBytes);
    return createFromStored(actor, meetingId, file, fields);
  },

  /**
   * A new document from a file held in memory (the demo seed), through the same checks.
   * @throws AppError 400/403/404/409/413/415.
   */
  async createFromBuffer(
    actor: AuthUser,
    meetingId: string,
    data: Buffer,
    filename: string,
    fields: { title?: string; agendaItemId?: string },
  ): Promise<MeetingDocument> {
    await requireUploader(actor, meetingId);
    const file = await storeBuffer(data, filename, Number.MAX_SAFE_INTEGER);
    return createFromStored(actor, meetingId, file, fields);
  },

  /** A new version of a document; older versions stay. @throws AppError 400/403/404/409/413/415. */
  async addVersion(
    actor: AuthUser,
    meetingId: string,
    documentId: string,
    req: Request,
    limitBytes: number,
  ): Promise<MeetingDocument> {
    await requireUploader(actor, meetingId);
    const doc = await loadDocument(meetingId, documentId);
    const { file } = await receiveUpload(req, limitBytes);
    await recordVersion(actor, doc, file, doc.title);
    const [dto] = await present([doc]);
    return dto as MeetingDocument;
  },

  /** @throws AppError 400/403/404/409. */
  async update(
    actor: AuthUser,
    meetingId: string,
    documentId: string,
    input: UpdateDocumentInput,
  ): Promise<MeetingDocument> {
    await requireUploader(actor, meetingId);
    const doc = await loadDocument(meetingId, documentId);
    if (input.agendaItemId)
      await checkAgendaItem(meetingId, input.agendaItemId, 'body.agendaItemId');
    const set: Record<string, unknown> = {};
    if (input.title !== undefined) set.title = input.title;
    if (input.agendaItemId !== undefined)
      set.agendaItemId = input.agendaItemId ? oid(input.agendaItemId) : null;
    await MeetingDocumentModel.updateOne({ _id: doc._id }, { $set: set });
    await auditService.append({
      meetingId,
      actor,
      action: 'document.updated',
      target: { kind: 'document', id: documentId },
      before: { title: doc.title, agendaItemId: doc.agendaItemId?.toHexString() ?? null },
      after: input,
    });
    await liveService.publish(meetingId, 'documents.changed', { documentId });
    return this.get(actor, meetingId, documentId);
  },

  /** Withdraws a document from the meeting (its versions stay in the record). @throws AppError 403/404/409. */
  async withdraw(actor: AuthUser, meetingId: string, documentId: string): Promise<void> {
    const access = await requireAccess(actor, meetingId, canManage, ADD_MESSAGE);
    if (!acceptsDocuments(access.state)) {
      throw wrongState(access.state, 'withdrawing documents', 'draft, scheduled, live or ended');
    }
    const doc = await loadDocument(meetingId, documentId);
    await MeetingDocumentModel.updateOne({ _id: doc._id }, { $set: { withdrawnAt: new Date() } });
    await auditService.append({
      meetingId,
      actor,
      action: 'document.withdrawn',
      target: { kind: 'document', id: documentId },
      before: { title: doc.title },
    });
    await liveService.publish(meetingId, 'documents.changed', { documentId });
  },

  /**
   * Opens a version (default: the newest) for the route to send, with its recognised content
   * type and a Content-Disposition carrying the UTF-8 name (RFC 5987).
   * @throws AppError 403/404.
   */
  async openVersion(
    actor: AuthUser,
    meetingId: string,
    documentId: string,
    query: { version?: number | undefined; disposition: 'inline' | 'attachment' },
  ): Promise<FileStream> {
    await requireAccess(actor, meetingId, canReadDocuments, READ_MESSAGE);
    const doc = await loadDocument(meetingId, documentId);
    const filter = { documentId: doc._id, ...(query.version ? { version: query.version } : {}) };
    const version = (await DocumentVersionModel.findOne(filter)
      .sort({ version: -1 })
      .lean()) as VersionRow | null;
    if (!version) throw notFound(`Version ${query.version ?? 'latest'} of document ${documentId}`);
    const viewable = version.type === 'pdf' || version.type === 'png' || version.type === 'jpeg';
    const disposition = query.disposition === 'inline' && viewable ? 'inline' : 'attachment';
    const headers = {
      'Content-Type': version.contentType,
      'Content-Length': String(version.size),
      'Content-Disposition': contentDisposition(disposition, version.filename),
      ETag: `"${version.sha256}"`,
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    return { stream: openFile(version.fileId), headers };
  },

  /** The caller's private note on a document ('' when none). @throws AppError 403/404. */
  async getNote(actor: AuthUser, meetingId: string, documentId: string): Promise<DocumentNote> {
    await requireAccess(actor, meetingId, canReadDocuments, READ_MESSAGE);
    await loadDocument(meetingId, documentId);
    const note = await DocumentNoteModel.findOne({
      documentId: oid(documentId),
      userId: oid(actor.id),
    }).lean();
    return { documentId, text: note?.text ?? '', updatedAt: note?.updatedAt.toISOString() ?? null };
  },

  /** Writes the caller's private note. @throws AppError 403/404. */
  async putNote(
    actor: AuthUser,
    meetingId: string,
    documentId: string,
    text: string,
  ): Promise<DocumentNote> {
    await requireAccess(actor, meetingId, canReadDocuments, READ_MESSAGE);
    await loadDocument(meetingId, documentId);
    await DocumentNoteModel.updateOne(
      { documentId: oid(documentId), userId: oid(actor.id) },
      { $set: { text, meetingId: oid(meetingId) } },
      { upsert: true },
    );
    return this.getNote(actor, meetingId, documentId);
  },

  /** Deletes the caller's private note. @throws AppError 403/404. */
  async deleteNote(actor: AuthUser, meetingId: string, documentId: string): Promise<void> {
    await requireAccess(actor, meetingId, canReadDocuments, READ_MESSAGE);
    await DocumentNoteModel.deleteOne({ documentId: oid(documentId), userId: oid(actor.id) });
  },
};
