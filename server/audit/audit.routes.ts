import { z } from 'zod';
import { auditPageSchema, auditVerificationSchema, listAuditQuerySchema } from '../contracts/audit';
import { objectIdSchema } from '../contracts/common';
import type { ApiRouter } from '../http/api-router';
import { requireAccess } from '../meetings/meeting-access.service';
import { canReadAudit } from '../meetings/meeting.policy';
import { auditService } from './audit.service';

const idParams = z.object({ id: objectIdSchema });
const MESSAGE =
  'Only the chair, the secretary or an administrator of the host unit reads the audit log.';

/** `/api/meetings/:id/audit`: the hash-chained log of every change, and its verification. */
export function registerAuditRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/meetings/:id/audit',
    summary: "The meeting's audit log, oldest first",
    tags: ['audit'],
    params: idParams,
    query: listAuditQuerySchema,
    response: auditPageSchema,
    errors: [403, 404],
    handler: async ({ user, params, query }) => {
      await requireAccess(user, params.id, canReadAudit, MESSAGE);
      return auditService.list(params.id, query);
    },
  });

  api.route({
    method: 'get',
    path: '/meetings/:id/audit/verify',
    summary: 'Recompute the hash chain and name the first broken link',
    tags: ['audit'],
    params: idParams,
    response: auditVerificationSchema,
    errors: [403, 404],
    handler: async ({ user, params }) => {
      await requireAccess(user, params.id, canReadAudit, MESSAGE);
      return auditService.verify(params.id);
    },
  });
}
