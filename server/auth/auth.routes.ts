import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  loginSchema,
  REFRESH_COOKIE,
  refreshSchema,
  sessionResponseSchema,
  ticketRequestSchema,
  ticketResponseSchema,
} from '../contracts/auth';
import type { SessionResponse } from '../contracts/auth';
import { changeOwnPasswordSchema, userSchema } from '../contracts/users';
import { unauthenticated } from '../errors';
import type { ApiRouter } from '../http/api-router';
import { userService } from '../users/user.service';
import type { AuthService } from './auth.service';
import { ticketService } from './ticket.service';

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function setRefreshCookie(res: Response, session: SessionResponse, secure: boolean): void {
  res.cookie(REFRESH_COOKIE, session.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/api/auth',
    expires: new Date(session.refreshExpiresAt),
  });
}

/** `/api/auth`: login, refresh, logout, me, change password; `/api/tickets`. */
export function registerAuthRoutes(api: ApiRouter, auth: AuthService): void {
  const secureCookies = (req: Request): boolean => req.secure;

  api.route({
    method: 'post',
    path: '/auth/login',
    summary: 'Log in with username and password',
    tags: ['auth'],
    auth: 'none',
    body: loginSchema,
    response: sessionResponseSchema,
    errors: [401, 403, 429],
    handler: async ({ req, res, body }) => {
      const session = await auth.login(body.username, body.password, {
        ip: req.ip ?? 'unknown',
        userAgent: req.headers['user-agent'],
      });
      setRefreshCookie(res, session, secureCookies(req));
      return session;
    },
  });

  api.route({
    method: 'post',
    path: '/auth/refresh',
    summary: 'Exchange a refresh token (cookie or body) for new tokens',
    tags: ['auth'],
    auth: 'none',
    body: refreshSchema,
    response: sessionResponseSchema,
    errors: [401],
    handler: async ({ req, res, body }) => {
      const token = body.refreshToken ?? readCookie(req, REFRESH_COOKIE);
      if (!token) throw unauthenticated('No refresh token: log in again.');
      const session = await auth.refresh(token, { ip: req.ip ?? 'unknown' });
      setRefreshCookie(res, session, secureCookies(req));
      return session;
    },
  });

  api.route({
    method: 'post',
    path: '/auth/logout',
    summary: 'End the current session',
    tags: ['auth'],
    auth: 'optional',
    body: refreshSchema,
    handler: async ({ req, res, body, user }) => {
      await auth.logout({
        sessionId: user?.sessionId,
        refreshToken: body.refreshToken ?? readCookie(req, REFRESH_COOKIE),
      });
      res.clearCookie(REFRESH_COOKIE, { path: '/api/auth' });
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/auth/me',
    summary: 'The logged-in user',
    tags: ['auth'],
    response: userSchema,
    handler: ({ user }) => userService.get(user.id),
  });

  api.route({
    method: 'post',
    path: '/auth/password',
    summary: 'Change your own password (other sessions end)',
    tags: ['auth'],
    body: changeOwnPasswordSchema,
    response: z.object({ ok: z.literal(true) }),
    errors: [401],
    handler: async ({ user, body }) => {
      await auth.changeOwnPassword(user, body.currentPassword, body.newPassword);
      return { ok: true as const };
    },
  });

  api.route({
    method: 'post',
    path: '/tickets',
    summary:
      'A single-use ticket (valid 60 s) that opens one path for one purpose: a live stream or a download, where the browser cannot send the Authorization header',
    tags: ['auth'],
    body: ticketRequestSchema,
    response: ticketResponseSchema,
    status: 201,
    handler: ({ user, body }) =>
      ticketService.issue(
        { userId: user.id, sessionId: user.sessionId },
        body.purpose,
        body.resource,
      ),
  });
}
