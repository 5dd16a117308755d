import { z } from 'zod';
import { isoDateTimeSchema } from './common';
import { userSchema } from './users';

/** Body of `POST /api/auth/login`. */
export const loginSchema = z.object({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(256),
});
/** Body of `POST /api/auth/login`. */
export type LoginInput = z.infer<typeof loginSchema>;

/** Answer of login and refresh: a short-lived access token and a rotating refresh token. */
export const sessionResponseSchema = z.object({
  token: z.string(),
  expiresAt: isoDateTimeSchema,
  refreshToken: z.string(),
  refreshExpiresAt: isoDateTimeSchema,
  user: userSchema,
});
/** Answer of login and refresh. */
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/**
 * Body of `POST /api/auth/refresh` and `/logout`. Browsers send nothing: the refresh token
 * travels in an HttpOnly cookie; other clients put it in the body.
 */
export const refreshSchema = z.object({
  refreshToken: z.string().min(20).max(200).optional(),
});

/** Name of the HttpOnly cookie that carries the refresh token (path /api/auth). */
export const REFRESH_COOKIE = 'dh_refresh';
