import { Types } from 'mongoose';
import { z } from 'zod';
import { formatDocName } from '../../collab/contracts/doc-names';
import type { RouteModule } from '../app';
import { auditService } from '../audit/audit.service';
import { objectIdSchema } from '../contracts/common';
import { draftInputSchema, draftSchema } from '../contracts/collab';
import type { Draft } from '../contracts/collab';
import { conflict, notFound } from '../errors';
import type { ApiRouter } from '../http/api-router';
import { meetingPolicy, requireAccess } from '../meetings/meeting-access.service';
import { canManage, canReadDocuments } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { DraftModel } from './draft.model';

// Draft resolutions of a meeting: each is a co-edited document (meeting/<id>/draft/<draftId>);
// these routes list, start and rename them. The text itself goes through the collab server.

function draftDto(d: {
  _id: Types.ObjectId;
  meetingId: Types.ObjectId;
  title: string;
  createdBy?: Types.ObjectId | null | undefined;
  createdAt: Date;
}): Draft {
  const meetingId = d.meetingId.toHexString();
  const id = d._id.toHexString();
  return {
    id,
    meetingId,
    title: d.title,
    docName: formatDocName({ kind: 'draft', meetingId, draftId: id }),
    createdBy: d.createdBy?.toHexString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

/** Routes of the drafts: list, start, rename. */
export const registerDraftRoutes: RouteModule = (api: ApiRouter) => {
  const idParams = z.object({ id: objectIdSchema });
  const draftParams = z.object({ id: objectIdSchema, draftId: objectIdSchema });
  const mayWriteDrafts = (a: MeetingAccess): boolean =>
    canManage(a) || a.role === 'presenter' || a.role === 'delegate';

  api.route({
    method: 'get',
    path: '/meetings/:id/drafts',
    summary: 'Draft resolutions of a meeting (each a co-edited document)',
    tags: ['collab'],
    params: idParams,
    response: z.object({ items: z.array(draftSchema) }),
    errors: [403, 404],
    handler: async ({ user, params }) => {
      await requireAccess(user, params.id, canReadDocuments, 'Only participants read the drafts.');
      const rows = await DraftModel.find({ meetingId: new Types.ObjectId(params.id) })
        .sort({ createdAt: 1, _id: 1 })
        .lean();
      return { items: rows.map(draftDto) };
    },
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/drafts',
    summary: 'Start a draft resolution',
    tags: ['collab'],
    authorize: meetingPolicy(
      mayWriteDrafts,
      'Only the chair, the secretary, presenters and delegates start drafts.',
    ),
    params: idParams,
    body: draftInputSchema,
    response: draftSchema,
    status: 201,
    errors: [403, 404, 409],
    handler: async ({ user, params, body }) => {
      const a = await requireAccess(
        user,
        params.id,
        mayWriteDrafts,
        'Only the chair, the secretary, presenters and delegates start drafts.',
      );
      if (!['draft', 'scheduled', 'live'].includes(a.state)) {
        throw conflict(`Drafts are started before the meeting ends (it is ${a.state}).`);
      }
      const row = await DraftModel.create({
        meetingId: new Types.ObjectId(params.id),
        title: body.title,
        createdBy: new Types.ObjectId(user.id),
      });
      const dto = draftDto(row.toObject());
      await auditService.append({
        meetingId: params.id,
        actor: user,
        action: 'draft.create',
        target: { kind: 'draft', id: dto.id },
        after: { title: dto.title },
      });
      return dto;
    },
  });

  api.route({
    method: 'patch',
    path: '/meetings/:id/drafts/:draftId',
    summary: 'Rename a draft resolution',
    tags: ['collab'],
    authorize: meetingPolicy(mayWriteDrafts, 'You may not rename drafts.'),
    params: draftParams,
    body: draftInputSchema,
    response: draftSchema,
    errors: [403, 404],
    handler: async ({ user, params, body }) => {
      await requireAccess(user, params.id, mayWriteDrafts, 'You may not rename drafts.');
      const before = await DraftModel.findOneAndUpdate(
        { _id: new Types.ObjectId(params.draftId), meetingId: new Types.ObjectId(params.id) },
        { $set: { title: body.title } },
      ).lean();
      if (!before) throw notFound(`Draft ${params.draftId}`);
      await auditService.append({
        meetingId: params.id,
        actor: user,
        action: 'draft.rename',
        target: { kind: 'draft', id: params.draftId },
        before: { title: before.title },
        after: { title: body.title },
      });
      return draftDto({ ...before, title: body.title });
    },
  });
};
