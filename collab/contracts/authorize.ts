import { z } from 'zod';

/**
 * Contract of `POST /api/collab/authorize`, which a standalone collab process (collab/main.ts)
 * calls with the connecting user's bearer token to learn who the user is and what they may do
 * with one document. The API server implements the route; collab/http-authorizer.ts calls it.
 *
 * Answers: 200 with {@link CollabAuthorizeResponse} (access may be 'none'); 401 when the token is
 * invalid (error code `token_expired` when it has expired); 404 when the document does not exist.
 */
export const COLLAB_AUTHORIZE_PATH = '/api/collab/authorize';

/** What a connection may do with a document. */
export const collabAccessSchema = z.enum(['none', 'read', 'write']);
/** What a connection may do with a document. */
export type CollabAccess = z.infer<typeof collabAccessSchema>;

/** Body of `POST /api/collab/authorize`. */
export const collabAuthorizeRequestSchema = z.object({
  docName: z.string().min(1).max(300),
});
/** Body of `POST /api/collab/authorize`. */
export type CollabAuthorizeRequest = z.infer<typeof collabAuthorizeRequestSchema>;

/** Answer of `POST /api/collab/authorize`. `expiresAt` is when the bearer token expires. */
export const collabAuthorizeResponseSchema = z.object({
  user: z.object({ id: z.string().min(1).max(100), displayName: z.string().max(200) }),
  access: collabAccessSchema,
  expiresAt: z.iso.datetime({ offset: true }),
});
/** Answer of `POST /api/collab/authorize`. */
export type CollabAuthorizeResponse = z.infer<typeof collabAuthorizeResponseSchema>;
