import { z } from 'zod';
import {
  agendaSchema,
  createAgendaItemSchema,
  reorderAgendaSchema,
  setCurrentItemSchema,
  updateAgendaItemSchema,
} from '../contracts/agenda';
import { objectIdSchema } from '../contracts/common';
import type { ApiRouter } from '../http/api-router';
import { meetingPolicy } from '../meetings/meeting-access.service';
import { canChair, canManage } from '../meetings/meeting.policy';
import { agendaService } from './agenda.service';

const AGENDA_MESSAGE =
  'Only the chair, the secretary or an administrator of the host unit may edit the agenda.';
const idParams = z.object({ id: objectIdSchema });
const itemParams = z.object({ id: objectIdSchema, itemId: objectIdSchema });

/** `/api/meetings/:id/agenda`: the materialized agenda, its edits and the current item. */
export function registerAgendaRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/meetings/:id/agenda',
    summary: 'The agenda, in order, with statuses',
    tags: ['agenda'],
    params: idParams,
    response: agendaSchema,
    errors: [403, 404],
    handler: ({ user, params }) => agendaService.get(user, params.id),
  });

  api.route({
    method: 'post',
    path: '/meetings/:id/agenda',
    summary: 'Add an agenda item',
    tags: ['agenda'],
    authorize: meetingPolicy(canManage, AGENDA_MESSAGE),
    params: idParams,
    body: createAgendaItemSchema,
    response: agendaSchema,
    status: 201,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => agendaService.add(user, params.id, body),
  });

  api.route({
    method: 'patch',
    path: '/meetings/:id/agenda/:itemId',
    summary: 'Change an agenda item',
    tags: ['agenda'],
    authorize: meetingPolicy(canManage, AGENDA_MESSAGE),
    params: itemParams,
    body: updateAgendaItemSchema,
    response: agendaSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => agendaService.update(user, params.id, params.itemId, body),
  });

  api.route({
    method: 'delete',
    path: '/meetings/:id/agenda/:itemId',
    summary: 'Take an item off the agenda',
    tags: ['agenda'],
    authorize: meetingPolicy(canManage, AGENDA_MESSAGE),
    params: itemParams,
    response: agendaSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => agendaService.remove(user, params.id, params.itemId),
  });

  api.route({
    method: 'put',
    path: '/meetings/:id/agenda/order',
    summary: 'Reorder the agenda (every item id, in the new order)',
    tags: ['agenda'],
    authorize: meetingPolicy(canManage, AGENDA_MESSAGE),
    params: idParams,
    body: reorderAgendaSchema,
    response: agendaSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => agendaService.reorder(user, params.id, body),
  });

  api.route({
    method: 'put',
    path: '/meetings/:id/agenda/current',
    summary: 'Set the item under discussion (the chair, while the meeting is live)',
    tags: ['agenda'],
    authorize: meetingPolicy(canChair, 'Only the chair sets the item under discussion.'),
    params: idParams,
    body: setCurrentItemSchema,
    response: agendaSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => agendaService.setCurrent(user, params.id, body),
  });
}
