import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import {
  documentNoteSchema,
  downloadQuerySchema,
  meetingDocumentSchema,
  putDocumentNoteSchema,
  updateDocumentSchema,
} from '../contracts/documents';
import type { ApiRouter } from '../http/api-router';
import { sendFileStream } from '../http/send-file-stream';
import { documentService } from './document.service';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { canAddDocuments, canManage, canReadDocuments } from '../meetings/meeting.policy';

const ADD_MESSAGE =
  'Only the chair, the secretary, presenters and the host administrators add documents.';
const MANAGE_MESSAGE =
  'Only the chair, the secretary and the host administrators change documents.';
const READ_MESSAGE = 'Only those taking part read the meeting documents.';

const idParams = z.object({ id: objectIdSchema });
const docParams = z.object({ id: objectIdSchema, documentId: objectIdSchema });

/** Options of the document routes. */
export interface DocumentRoutesOptions {
  /** Largest accepted file (UPLOAD_LIMIT_MB). */
  uploadLimitBytes: number;
}

/** `/api/meetings/:id/documents`: uploads to GridFS, versions, downloads, private notes. */
export function registerDocumentRoutes(api: ApiRouter, opts: DocumentRoutesOptions): void {
  api.route({
    method: 'get',
    path: '/meetings/:id/documents',
    summary: "The meeting's documents with their versions",
    tags: ['documents'],
    params: idParams,
    response: z.array(meetingDocumentSchema),
    errors: [403, 404],
    handler: ({ user, params }) => documentService.list(user, params.id),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/documents',
    summary:
      'Upload a document (multipart/form-data: fields title, agendaItemId, then the part "file"; PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG by content)',
    tags: ['documents'],
    authorize: meetingPolicy(canAddDocuments, ADD_MESSAGE),
    params: idParams,
    requestContentType: 'multipart/form-data',
    response: meetingDocumentSchema,
    status: 201,
    errors: [403, 404, 409, 413, 415],
    handler: ({ user, params, req }) =>
      documentService.create(user, params.id, req, opts.uploadLimitBytes),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/documents/:documentId',
    summary: 'One document with its versions',
    tags: ['documents'],
    params: docParams,
    response: meetingDocumentSchema,
    errors: [403, 404],
    handler: ({ user, params }) => documentService.get(user, params.id, params.documentId),
  });

  api.route({
    method: 'patch',
    path: '/meetings/:id/documents/:documentId',
    summary: "Change a document's title or agenda item",
    tags: ['documents'],
    authorize: meetingPolicy(canManage, MANAGE_MESSAGE),
    params: docParams,
    body: updateDocumentSchema,
    response: meetingDocumentSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) =>
      documentService.update(user, params.id, params.documentId, body),
  });

  api.route({
    method: 'delete',
    path: '/meetings/:id/documents/:documentId',
    summary: 'Withdraw a document (its versions stay in the record)',
    tags: ['documents'],
    params: docParams,
    errors: [403, 404, 409],
    handler: async ({ user, params }) => {
      await documentService.withdraw(user, params.id, params.documentId);
      return undefined;
    },
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/documents/:documentId/versions',
    summary: 'Upload a new version of a document (multipart/form-data, part "file")',
    tags: ['documents'],
    authorize: meetingPolicy(canAddDocuments, ADD_MESSAGE),
    params: docParams,
    requestContentType: 'multipart/form-data',
    response: meetingDocumentSchema,
    status: 201,
    errors: [403, 404, 409, 413, 415],
    handler: ({ user, params, req }) =>
      documentService.addVersion(user, params.id, params.documentId, req, opts.uploadLimitBytes),
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/documents/:documentId/content',
    summary: 'Download a version (participants only; or a ticket in ?ticket=)',
    tags: ['documents'],
    ticket: 'download',
    params: docParams,
    query: downloadQuerySchema,
    responseContentType: 'application/octet-stream',
    errors: [403, 404],
    handler: async ({ user, params, query, res }) => {
      const file = await documentService.openVersion(user, params.id, params.documentId, query);
      await sendFileStream(res, file);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/documents/:documentId/notes/mine',
    summary: "The caller's private note on a document",
    tags: ['documents'],
    params: docParams,
    response: documentNoteSchema,
    errors: [403, 404],
    handler: ({ user, params }) => documentService.getNote(user, params.id, params.documentId),
  });

  api.route({
    method: 'put',
    path: '/meetings/:id/documents/:documentId/notes/mine',
    summary: "Write the caller's private note on a document (readable only by its author)",
    tags: ['documents'],
    authorize: meetingPolicy(canReadDocuments, READ_MESSAGE),
    params: docParams,
    body: putDocumentNoteSchema,
    response: documentNoteSchema,
    errors: [403, 404],
    handler: ({ user, params, body }) =>
      documentService.putNote(user, params.id, params.documentId, body.text),
  });

  api.route({
    method: 'delete',
    path: '/meetings/:id/documents/:documentId/notes/mine',
    summary: "Delete the caller's private note",
    tags: ['documents'],
    params: docParams,
    errors: [403, 404],
    handler: async ({ user, params }) => {
      await documentService.deleteNote(user, params.id, params.documentId);
      return undefined;
    },
  });
}
