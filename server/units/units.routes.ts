import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import {
  createUnitSchema,
  deactivateUnitSchema,
  listUnitsQuerySchema,
  unitPageSchema,
  unitSchema,
  unitTreeNodeSchema,
  unitTreeQuerySchema,
  updateUnitSchema,
} from '../contracts/units';
import type { ApiRouter } from '../http/api-router';
import { unitService } from './unit.service';
import { administratorsOnly } from '../users/user.policy';

const idParams = z.object({ id: objectIdSchema });

/** `/api/units`: the administrative tree. Everyone logged in reads it; administrators change it. */
export function registerUnitRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/units',
    summary: 'List and search units',
    tags: ['units'],
    query: listUnitsQuerySchema,
    response: unitPageSchema,
    handler: ({ query }) => unitService.list(query),
  });

  api.route({
    method: 'get',
    path: '/units/tree',
    summary: 'The whole unit tree',
    tags: ['units'],
    query: unitTreeQuerySchema,
    response: z.array(unitTreeNodeSchema),
    handler: ({ query }) => unitService.tree({ includeInactive: query.includeInactive ?? false }),
  });

  api.route({
    method: 'get',
    path: '/units/:id',
    summary: 'One unit',
    tags: ['units'],
    params: idParams,
    response: unitSchema,
    errors: [404],
    handler: ({ params }) => unitService.get(params.id),
  });

  api.route({
    method: 'post',
    path: '/units',
    summary: 'Create a unit',
    tags: ['units'],
    authorize: administratorsOnly,
    body: createUnitSchema,
    response: unitSchema,
    status: 201,
    errors: [403, 404, 409],
    handler: ({ user, body }) => unitService.create(user, body),
  });

  api.route({
    method: 'patch',
    path: '/units/:id',
    summary: 'Rename, recode, reorder or move a unit',
    tags: ['units'],
    authorize: administratorsOnly,
    params: idParams,
    body: updateUnitSchema,
    response: unitSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => unitService.update(user, params.id, body),
  });

  api.route({
    method: 'post',
    path: '/units/:id/deactivate',
    summary: 'End a unit (dissolved or merged); its records stay',
    tags: ['units'],
    authorize: administratorsOnly,
    params: idParams,
    body: deactivateUnitSchema,
    response: unitSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => unitService.deactivate(user, params.id, body),
  });
}
