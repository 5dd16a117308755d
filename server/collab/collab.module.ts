import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CollabServer, CollabServerOptions } from '../../collab/collab-server';
import {
  collabAuthorizeRequestSchema,
  collabAuthorizeResponseSchema,
} from '../../collab/contracts/authorize';
import type { CollabAccess } from '../../collab/contracts/authorize';
import { formatDocName, parseDocName } from '../../collab/contracts/doc-names';
import type { DocName } from '../../collab/contracts/doc-names';
import type { CollabUser } from '../../collab/types';
import type { AgendaDocumentBridge } from '../agenda/agenda-bridge';
import { agendaService } from '../agenda/agenda.service';
import type { RouteModule } from '../app';
import { auditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import type { AuthService } from '../auth/auth.service';
import {
  restoreResultSchema,
  saveVersionSchema,
  versionContentSchema,
  versionDocQuerySchema,
  versionedKinds,
  versionListSchema,
} from '../contracts/collab';
import { docVersionSchema } from '../contracts/collab';
import { badRequest, conflict, forbidden, notFound, unauthenticated } from '../errors';
import type { ApiRouter } from '../http/api-router';
import { accessOf } from '../meetings/meeting-access.service';
import { meetingService } from '../meetings/meeting.service';
import { hidesExistence } from '../meetings/meeting.policy';
import { isAgendaSeeded, syncAgendaItems } from './agenda-sync';
import { collabAccessFor } from './collab-access';
import type { MinutesLock } from './collab-access';
import { DraftModel } from './draft.model';
import { registerDraftRoutes } from './drafts.routes';

/** Tells whether the minutes (or notice) of a meeting are locked; the minutes module sets it. */
export type MinutesLockFn = (meetingId: string, kind: 'minutes' | 'notice') => Promise<MinutesLock>;

/** What the co-editing wiring needs from the composition root. */
export interface CollabModuleOptions {
  auth: AuthService;
  logger: Logger;
  /**
   * Builds the collab server (server/main.ts, which owns collab/) from the callbacks this module
   * answers: authentication, authorization and the commit hook.
   */
  create(
    hooks: Pick<CollabServerOptions, 'authenticate' | 'authorize' | 'onCommitted'>,
  ): CollabServer;
}

/** The collab server wired into this app. */
export interface CollabModule {
  server: CollabServer;
  /** REST routes: the authorize call of standalone collab processes, drafts, named versions. */
  modules: RouteModule[];
  /** The agenda bridge for the records (REST agenda edits go through the document). */
  agendaBridge: AgendaDocumentBridge;
  /** Lets the minutes module lock its documents during approval and after publishing. */
  useMinutesLock(fn: MinutesLockFn): void;
  close(): Promise<void>;
}

const MATERIALIZE_DELAY_MS = 150;

/** The collab server of this process, for the lifecycle listener (registered once). */
let current: { server: CollabServer; logger: Logger } | undefined;
let transitionListener = false;

function toCollabUser(user: AuthUser & { expiresAt: Date }): CollabUser & { auth: AuthUser } {
  const { expiresAt, ...auth } = user;
  return { userId: user.id, displayName: user.fullName, expiresAt, auth };
}

/**
 * Creates the co-editing server inside the API process (upgrades under `/collab/`), with
 * authentication by the app's access tokens, authorization from meeting access, storage in the
 * app's MongoDB connection and, with REDIS_URL, fan-out to other processes. Agenda documents
 * are seeded from the record on first open and materialized into it after every stored edit.
 */
export function startCollab(opts: CollabModuleOptions): CollabModule {
  const { logger } = opts;
  let minutesLock: MinutesLockFn = () => Promise.resolve({ locked: false });
  const users = new WeakMap<CollabUser, AuthUser>();

  const accessFor = async (user: AuthUser, doc: DocName): Promise<CollabAccess> => {
    const a = await accessOf(user, doc.meetingId);
    if (!a || hidesExistence(a)) throw notFound(`Meeting ${doc.meetingId}`);
    const lock =
      doc.kind === 'minutes' || doc.kind === 'notice'
        ? await minutesLock(doc.meetingId, doc.kind)
        : { locked: false };
    if (doc.kind === 'draft') {
      const exists = await DraftModel.exists({
        _id: new Types.ObjectId(doc.draftId),
        meetingId: new Types.ObjectId(doc.meetingId),
      });
      if (!exists) throw notFound(`Draft ${doc.draftId}`);
    }
    return collabAccessFor(a, doc, lock);
  };

  const server: CollabServer = opts.create({
    authenticate: async (token) => {
      const user = toCollabUser(await opts.auth.verifyAccessToken(token));
      users.set(user, user.auth);
      return user;
    },
    authorize: async (user, doc) => {
      const auth = users.get(user);
      if (!auth) throw unauthenticated();
      const access = await accessFor(auth, doc);
      if (access !== 'none' && doc.kind === 'agenda') await ensureAgendaSeeded(doc.meetingId);
      return access;
    },
    onCommitted: (docNames) => {
      for (const name of docNames) {
        const doc = parseDocName(name);
        if (doc?.kind === 'agenda') scheduleMaterialize(doc.meetingId);
      }
    },
  });

  // Agenda: record → document once (the first time the document is opened), then every stored
  // edit of the document → record, debounced per meeting.
  const seeding = new Map<string, Promise<void>>();
  const ensureAgendaSeeded = (meetingId: string): Promise<void> => {
    const running = seeding.get(meetingId);
    if (running) return running;
    const run = (async () => {
      const name = formatDocName({ kind: 'agenda', meetingId });
      const handle = await server.documents.open(name);
      try {
        if (isAgendaSeeded(handle.doc)) return;
        const items = await agendaService.documentItems(meetingId);
        await handle.change((doc) => syncAgendaItems(doc, items));
      } finally {
        handle.release();
      }
    })().finally(() => seeding.delete(meetingId));
    seeding.set(meetingId, run);
    return run;
  };

  const timers = new Map<string, NodeJS.Timeout>();
  const scheduleMaterialize = (meetingId: string): void => {
    if (timers.has(meetingId)) return;
    const timer = setTimeout(() => {
      timers.delete(meetingId);
      const name = formatDocName({ kind: 'agenda', meetingId });
      void agendaService
        .materializeFromCollab(meetingId, async () => {
          const handle = await server.documents.open(name);
          try {
            // An agenda document that never received the record must not overwrite it.
            if (!isAgendaSeeded(handle.doc)) return null;
            return handle.read().agendaItems;
          } finally {
            handle.release();
          }
        })
        .catch((err: unknown) => {
          logger.warn({ err, meetingId }, 'could not write the co-edited agenda to the record');
        });
    }, MATERIALIZE_DELAY_MS);
    timers.set(meetingId, timer);
  };

  const agendaBridge: AgendaDocumentBridge = {
    async applyToDocument(meetingId, items) {
      await ensureAgendaSeeded(meetingId);
      const handle = await server.documents.open(formatDocName({ kind: 'agenda', meetingId }));
      try {
        await handle.change((doc) => syncAgendaItems(doc, items));
      } finally {
        handle.release();
      }
    },
  };

  // A lifecycle move changes who may write (e.g. the agenda freezes when the meeting ends).
  current = { server, logger };
  if (!transitionListener) {
    transitionListener = true;
    meetingService.onTransition(async () => {
      const now = current;
      if (!now) return;
      await now.server.refreshAccess().catch((err: unknown) => {
        now.logger.warn({ err }, 'could not refresh co-editing access after a lifecycle move');
      });
    });
  }

  /** The document named in a versions request, checked against the caller's access. */
  const versionedDoc = async (
    user: AuthUser,
    docName: string,
    need: 'read' | 'write',
  ): Promise<DocName> => {
    const doc = parseDocName(docName);
    if (!doc || !(versionedKinds as readonly string[]).includes(doc.kind)) {
      throw badRequest(
        'Named versions exist for draft resolutions, the minutes and the notice only.',
        {
          issues: [
            { path: 'doc', message: 'expected meeting/<id>/draft/<draftId>, /minutes or /notice' },
          ],
        },
      );
    }
    const access = await accessFor(user, doc);
    if (access === 'none') throw forbidden('You may not read this document.');
    if (need === 'write' && access !== 'write') {
      throw conflict(
        'This document is read-only now (the meeting has moved on, or the text awaits approval or is published).',
      );
    }
    return doc;
  };

  const registerRoutes: RouteModule = (api: ApiRouter) => {
    api.route({
      method: 'post',
      path: '/collab/authorize',
      summary: 'Who the bearer is and what they may do with one co-edited document',
      tags: ['collab'],
      body: collabAuthorizeRequestSchema,
      response: collabAuthorizeResponseSchema,
      errors: [401, 404],
      handler: async ({ req, user, body }) => {
        const doc = parseDocName(body.docName);
        if (!doc) throw notFound(`Document ${body.docName}`);
        const access = await accessFor(user, doc);
        if (access !== 'none' && doc.kind === 'agenda') await ensureAgendaSeeded(doc.meetingId);
        const header = req.headers.authorization ?? '';
        const { expiresAt } = await opts.auth.verifyAccessToken(header.slice(7).trim());
        return {
          user: { id: user.id, displayName: user.fullName },
          access,
          expiresAt: expiresAt.toISOString(),
        };
      },
    });

    api.route({
      method: 'get',
      path: '/collab/versions',
      summary: 'Named versions of a draft, the minutes or the notice, newest first',
      tags: ['collab'],
      query: versionDocQuerySchema,
      response: versionListSchema,
      errors: [400, 403, 404],
      handler: async ({ user, query }) => {
        await versionedDoc(user, query.doc, 'read');
        return { items: await server.documents.listVersions(query.doc) };
      },
    });

    api.route({
      method: 'post',
      path: '/collab/versions',
      summary: 'Save the current text as a named version (e.g. "Dự thảo lần 2")',
      tags: ['collab'],
      body: saveVersionSchema,
      response: docVersionSchema,
      status: 201,
      errors: [400, 403, 404, 409],
      handler: async ({ user, body }) => {
        const doc = await versionedDoc(user, body.doc, 'write');
        const version = await server.documents.saveVersion(body.doc, body.label, user.id);
        await auditService.append({
          meetingId: doc.meetingId,
          actor: user,
          action: 'version.save',
          target: { kind: 'document_version', id: version.id },
          after: { doc: body.doc, label: version.label },
        });
        return version;
      },
    });

    api.route({
      method: 'get',
      path: '/collab/versions/:versionId',
      summary: "A named version's content",
      tags: ['collab'],
      params: z.object({ versionId: z.string().min(1).max(100) }),
      query: versionDocQuerySchema,
      response: versionContentSchema,
      errors: [400, 403, 404],
      handler: async ({ user, params, query }) => {
        await versionedDoc(user, query.doc, 'read');
        const found = await server.documents.viewVersion(query.doc, params.versionId);
        if (!found) throw notFound(`Version ${params.versionId}`);
        return {
          version: found.version,
          prosemirror: found.prosemirror,
          text: found.text,
        };
      },
    });

    api.route({
      method: 'post',
      path: '/collab/versions/:versionId/restore',
      summary: 'Restore a named version (the text before it is saved as a version first)',
      tags: ['collab'],
      params: z.object({ versionId: z.string().min(1).max(100) }),
      body: versionDocQuerySchema,
      response: restoreResultSchema,
      errors: [400, 403, 404, 409],
      handler: async ({ user, params, body }) => {
        const doc = await versionedDoc(user, body.doc, 'write');
        const backup = await server.documents.restoreVersion(body.doc, params.versionId, {
          createdBy: user.id,
          backupLabel: `Trước khi khôi phục (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
        });
        if (!backup) throw notFound(`Version ${params.versionId}`);
        await auditService.append({
          meetingId: doc.meetingId,
          actor: user,
          action: 'version.restore',
          target: { kind: 'document_version', id: params.versionId },
          after: { doc: body.doc, backupId: backup.id },
        });
        return { backup };
      },
    });
  };

  return {
    server,
    modules: [registerRoutes, registerDraftRoutes],
    agendaBridge,
    useMinutesLock(fn) {
      minutesLock = fn;
    },
    async close() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      if (current?.server === server) current = undefined;
      await server.close();
    },
  };
}
