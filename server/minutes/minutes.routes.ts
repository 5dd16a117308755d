import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { RouteModule } from '../app';
import { objectIdSchema } from '../contracts/common';
import {
  correctMinutesSchema,
  meetingMinutesSchema,
  minutesContentAnswerSchema,
  minutesParamsSchema,
  minutesRecordSchema,
  minutesSnippetRequestSchema,
  minutesSnippetSchema,
  minutesVerifyResultSchema,
  publishedListQuerySchema,
  publishedMinutesVersionSchema,
  publishedPageSchema,
  rebuildMinutesSchema,
  recreateTemplateSchema,
  returnMinutesSchema,
  updateMinutesMetaSchema,
} from '../contracts/minutes';
import { contentDisposition } from '../documents/content-disposition';
import type { ApiRouter } from '../http/api-router';
import type { AuthUser } from '../auth/auth-user';
import { AppError } from '../errors';
import type { MinutesService } from './minutes.service';
import type { MinutesKind, MinutesStatus } from '../contracts/minutes';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { isChair, takesMinutesRole } from './minutes.policy';
import { readVerifyInput } from './verify-upload';

const idParams = z.object({ id: objectIdSchema });
const versionParams = z.object({ versionId: objectIdSchema });
const fileParams = z.object({
  versionId: objectIdSchema,
  format: z.enum(['html', 'pdf', 'docx']),
});
const downloadQuery = z.object({
  /** Show in the browser instead of saving (PDF and HTML). */
  inline: z.enum(['true', 'false', '1', '0']).optional(),
});

/**
 * Told when a record moves in its workflow, so that the screens of the others who act on it
 * (the chair waiting to approve, the secretary waiting to publish) follow without a reload.
 */
export type MinutesChangeListener = (
  meetingId: string,
  kind: MinutesKind,
  status: MinutesStatus,
) => Promise<void>;

/**
 * `/api/meetings/:id/minutes/...` (drafts, inserts, approval, publishing) and
 * `/api/minutes/...` (public search, published files, verification).
 */
export function minutesRoutes(
  service: MinutesService,
  notify: MinutesChangeListener = () => Promise.resolve(),
): RouteModule {
  return (api: ApiRouter) => {
    const tags = ['minutes'];
    const step = (
      path: string,
      summary: string,
      run: (
        user: Parameters<MinutesService['submit']>[0],
        p: z.infer<typeof minutesParamsSchema>,
      ) => ReturnType<MinutesService['submit']>,
    ) =>
      api.route({
        method: 'post',
        path: `/meetings/:id/minutes/:kind/${path}`,
        summary,
        tags,
        params: minutesParamsSchema,
        response: minutesRecordSchema,
        errors: [403, 404, 409],
        handler: async ({ user, params }) => {
          const record = await run(user, params);
          await notify(params.id, params.kind, record.status);
          return record;
        },
      });

    api.route({
      method: 'get',
      path: '/meetings/:id/minutes',
      summary: 'The minutes and the notice of a meeting: status, frame, published versions',
      tags,
      params: idParams,
      response: meetingMinutesSchema,
      errors: [403, 404],
      handler: ({ user, params }) => service.get(user, params.id),
    });

    api.route({
      method: 'get',
      path: '/meetings/:id/minutes/:kind/content',
      summary: 'The co-edited text now (ProseMirror JSON and plain text)',
      tags,
      params: minutesParamsSchema,
      response: minutesContentAnswerSchema,
      errors: [403, 404],
      handler: ({ user, params }) => service.content(user, params.id, params.kind),
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/minutes/:kind/template',
      summary:
        'Create the draft from the template; a draft holding text is replaced only with confirm: true',
      tags,
      authorize: meetingPolicy(
        takesMinutesRole,
        'Only the secretary and the chair write the minutes.',
      ),
      params: minutesParamsSchema,
      body: recreateTemplateSchema,
      response: minutesRecordSchema,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) =>
        service.recreate(user, params.id, params.kind, body.confirm),
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/minutes/:kind/rebuild',
      summary:
        'Rebuild the facts of the draft from the record (attendance, speakers per item, polls, times); the text written around them stays',
      tags,
      authorize: ({ user, params }) => service.authorizeAction(user, params.id, 'edit'),
      params: minutesParamsSchema,
      body: rebuildMinutesSchema,
      response: minutesRecordSchema,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) =>
        service.rebuild(user, params.id, params.kind, body.keepEdited),
    });

    api.route({
      method: 'put',
      path: '/meetings/:id/minutes/:kind/meta',
      summary: 'Change the frame: number and symbol, title, signature blocks, recipients',
      tags,
      authorize: meetingPolicy(
        takesMinutesRole,
        'Only the secretary and the chair write the minutes.',
      ),
      params: minutesParamsSchema,
      body: updateMinutesMetaSchema,
      response: minutesRecordSchema,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) => service.updateMeta(user, params.id, params.kind, body),
    });

    api.route({
      method: 'get',
      path: '/meetings/:id/minutes/snippets/attendance',
      summary: 'Attendance (present and absent per site) as text to insert at the cursor',
      tags,
      params: idParams,
      response: minutesSnippetSchema,
      errors: [403, 404],
      handler: async ({ user, params }) => ({
        content: await service.snippet(user, params.id, { type: 'attendance' }),
      }),
    });

    api.route({
      method: 'get',
      path: '/meetings/:id/minutes/snippets/speakers',
      summary: 'Speakers of an agenda item in order with their times, as text to insert',
      tags,
      params: idParams,
      query: z.object({ agendaItemId: objectIdSchema.optional() }),
      response: minutesSnippetSchema,
      errors: [403, 404],
      handler: async ({ user, params, query }) => ({
        content: await service.snippet(user, params.id, {
          type: 'speakers',
          agendaItemId: query.agendaItemId ?? null,
        }),
      }),
    });

    api.route({
      method: 'get',
      path: '/meetings/:id/minutes/snippets/polls/:pollId',
      summary: "A poll's question and results, as text to insert",
      tags,
      params: z.object({ id: objectIdSchema, pollId: objectIdSchema }),
      response: minutesSnippetSchema,
      errors: [403, 404, 409],
      handler: async ({ user, params }) => ({
        content: await service.snippet(user, params.id, { type: 'poll', pollId: params.pollId }),
      }),
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/minutes/:kind/append',
      summary:
        'Put a live fact into the draft (server-side insert): it replaces the section of the same fact, or goes at the end',
      tags,
      authorize: meetingPolicy(
        takesMinutesRole,
        'Only the secretary and the chair write the minutes.',
      ),
      params: minutesParamsSchema,
      body: minutesSnippetRequestSchema,
      response: minutesContentAnswerSchema,
      errors: [403, 404, 409],
      handler: ({ user, params, body }) => service.append(user, params.id, params.kind, body),
    });

    step('submit', 'The secretary submits the text for approval', (u, p) =>
      service.submit(u, p.id, p.kind),
    );
    step('approve', 'The chair approves the submitted text', (u, p) =>
      service.approve(u, p.id, p.kind),
    );

    api.route({
      method: 'post',
      path: '/meetings/:id/minutes/:kind/return',
      summary: 'The chair returns the text to the secretary with a comment',
      tags,
      authorize: meetingPolicy(isChair, 'Only the chair approves or returns the minutes.'),
      params: minutesParamsSchema,
      body: returnMinutesSchema,
      response: minutesRecordSchema,
      errors: [403, 404, 409],
      handler: async ({ user, params, body }) => {
        const record = await service.returnToSecretary(user, params.id, params.kind, body.comment);
        await notify(params.id, params.kind, record.status);
        return record;
      },
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/minutes/:kind/publish',
      summary: 'Publish the approved text: signed PDF, HTML and DOCX, a new immutable version',
      tags,
      params: minutesParamsSchema,
      response: publishedMinutesVersionSchema,
      status: 201,
      errors: [403, 404, 409],
      handler: async ({ user, params }) => {
        const version = await service.publish(user, params.id, params.kind);
        await notify(params.id, params.kind, 'published');
        return version;
      },
    });

    api.route({
      method: 'post',
      path: '/meetings/:id/minutes/:kind/correct',
      summary: 'Start a correction of the published text (published later as a new version)',
      tags,
      authorize: ({ user, params }) => service.authorizeAction(user, params.id, 'correct'),
      params: minutesParamsSchema,
      body: correctMinutesSchema,
      response: minutesRecordSchema,
      errors: [403, 404, 409],
      handler: async ({ user, params, body }) => {
        const record = await service.correct(user, params.id, params.kind, body.reason);
        await notify(params.id, params.kind, record.status);
        return record;
      },
    });

    api.route({
      method: 'get',
      path: '/minutes/published',
      summary:
        'Published minutes and notices: public meetings for everyone, internal and confidential ones for those who may read them',
      tags,
      auth: 'optional',
      query: publishedListQuerySchema,
      response: publishedPageSchema,
      handler: ({ user, query }) => service.listPublished(user, query),
    });

    api.route({
      method: 'get',
      path: '/minutes/published/:versionId',
      summary: 'One published version',
      tags,
      auth: 'optional',
      params: versionParams,
      response: publishedMinutesVersionSchema,
      errors: [401, 403, 404],
      handler: ({ user, params }) => service.getPublished(user, params.versionId),
    });

    for (const method of ['put', 'patch', 'delete'] as const) {
      api.route({
        method,
        path: '/minutes/published/:versionId',
        summary: 'Published versions never change (409); publish a correction instead',
        tags,
        auth: 'optional',
        params: versionParams,
        errors: [401, 403, 404, 409],
        handler: ({ user, params }) => service.refuseEdit(user, params.versionId),
      });
    }

    api.route({
      method: 'get',
      path: '/minutes/published/:versionId/files/:format',
      summary: 'Download a published file (HTML, signed PDF or DOCX)',
      tags,
      auth: 'optional',
      ticket: 'download',
      params: fileParams,
      query: downloadQuery,
      responseContentType: 'application/pdf',
      errors: [401, 403, 404],
      handler: async ({ user, params, query, res }) => {
        const f = await service.openFile(user, params.versionId, params.format);
        const inline =
          (query.inline === 'true' || query.inline === '1') && params.format !== 'docx';
        res.status(200);
        res.setHeader('Content-Type', f.contentType);
        res.setHeader('Content-Length', String(f.size));
        res.setHeader(
          'Content-Disposition',
          contentDisposition(inline ? 'inline' : 'attachment', f.filename),
        );
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
        res.setHeader('ETag', `"${f.sha256}"`);
        if (params.format === 'html') {
          res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
        }
        await pipeline(f.stream, res);
        return undefined;
      },
    });

    /** Whether `user` may read a published version (the same check as reading it). */
    const mayRead = async (user: AuthUser | null, versionId: string): Promise<boolean> => {
      try {
        await service.getPublished(user, versionId);
        return true;
      } catch (err) {
        if (err instanceof AppError && [401, 403, 404].includes(err.status)) return false;
        throw err;
      }
    };

    api.route({
      method: 'post',
      path: '/minutes/verify',
      summary:
        'Check a file (multipart "file", or application/pdf) or { sha256 }: is it a published version, and do its hash and signature hold?',
      tags,
      auth: 'optional',
      requestContentType: 'multipart/form-data',
      response: minutesVerifyResultSchema,
      errors: [413, 415],
      handler: async ({ req, user }) => {
        const result = await service.verify(await readVerifyInput(req));
        // SECURITY: a caller who may not read the record learns only that a published file
        // with this digest exists, not which meeting or version (the title may be confidential).
        if (result.version && !(await mayRead(user, result.version.id))) {
          return { ...result, version: null };
        }
        return result;
      },
    });
  };
}
