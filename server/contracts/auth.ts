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

/**
 * What a ticket is for: `live` opens one Server-Sent Events stream, `download` one file. Both
 * stand in for the access token where the browser cannot set a header, so that no access
 * token ever travels in a URL.
 */
export const ticketPurposes = ['live', 'download'] as const;
/** One of {@link ticketPurposes}. */
export type TicketPurpose = (typeof ticketPurposes)[number];

/** Body of `POST /api/tickets`. */
export const ticketRequestSchema = z.object({
  purpose: z.enum(ticketPurposes),
  /** The path the ticket opens, without query: `/api/meetings/<id>/live`. */
  resource: z
    .string()
    .max(300)
    .regex(/^\/api\/[A-Za-z0-9/_.-]+$/, 'a path under /api/, without query'),
});
/** Body of `POST /api/tickets`. */
export type TicketRequest = z.infer<typeof ticketRequestSchema>;

/** Answer of `POST /api/tickets`: put `ticket` in the `ticket` query parameter of `resource`. */
export const ticketResponseSchema = z.object({
  ticket: z.string(),
  expiresAt: isoDateTimeSchema,
});
/** Answer of `POST /api/tickets`. */
export type TicketResponse = z.infer<typeof ticketResponseSchema>;
