import { z } from 'zod';
import { objectIdSchema } from '../contracts/common';
import {
  createUserSchema,
  listUsersQuerySchema,
  setPasswordSchema,
  updateUserSchema,
  userPageSchema,
  userSchema,
} from '../contracts/users';
import type { ApiRouter } from '../http/api-router';
import { userService } from './user.service';
import { administratorsOnly } from './user.policy';

const idParams = z.object({ id: objectIdSchema });

/** `/api/users`: the directory for everyone logged in; account changes for administrators. */
export function registerUserRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/users',
    summary: 'List and search users',
    tags: ['users'],
    query: listUsersQuerySchema,
    response: userPageSchema,
    handler: ({ user, query }) => userService.list(user, query),
  });

  api.route({
    method: 'get',
    path: '/users/:id',
    summary: 'One user',
    tags: ['users'],
    params: idParams,
    response: userSchema,
    errors: [404],
    handler: ({ params }) => userService.get(params.id),
  });

  api.route({
    method: 'post',
    path: '/users',
    summary: 'Create an account',
    tags: ['users'],
    authorize: administratorsOnly,
    body: createUserSchema,
    response: userSchema,
    status: 201,
    errors: [403, 404, 409],
    handler: ({ user, body }) => userService.create(user, body),
  });

  api.route({
    method: 'patch',
    path: '/users/:id',
    summary: 'Change an account',
    tags: ['users'],
    authorize: administratorsOnly,
    params: idParams,
    body: updateUserSchema,
    response: userSchema,
    errors: [403, 404, 409],
    handler: ({ user, params, body }) => userService.update(user, params.id, body),
  });

  api.route({
    method: 'post',
    path: '/users/:id/deactivate',
    summary: 'Deactivate an account (its sessions end)',
    tags: ['users'],
    authorize: administratorsOnly,
    params: idParams,
    response: userSchema,
    errors: [403, 404, 409],
    handler: ({ user, params }) => userService.setActive(user, params.id, false),
  });

  api.route({
    method: 'post',
    path: '/users/:id/activate',
    summary: 'Reactivate an account',
    tags: ['users'],
    authorize: administratorsOnly,
    params: idParams,
    response: userSchema,
    errors: [403, 404],
    handler: ({ user, params }) => userService.setActive(user, params.id, true),
  });

  api.route({
    method: 'post',
    path: '/users/:id/password',
    summary: "Set a user's password (administrators; the user's sessions end)",
    tags: ['users'],
    authorize: administratorsOnly,
    params: idParams,
    body: setPasswordSchema,
    errors: [403, 404],
    handler: async ({ user, params, body }) => {
      await userService.resetPassword(user, params.id, body.password);
      return undefined;
    },
  });
}
