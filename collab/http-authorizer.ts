import { COLLAB_AUTHORIZE_PATH, collabAuthorizeResponseSchema } from './contracts/authorize';
import type { CollabAccess, CollabAuthorizeRequest } from './contracts/authorize';
import { CollabAuthError } from './types';
import type { AuthenticateFn, AuthorizeFn, CollabUser } from './types';

/** Options of {@link createHttpAuthorizer}. */
export interface HttpAuthorizerOptions {
  /** Base URL of the API server, e.g. `http://127.0.0.1:8080`. */
  apiUrl: string;
  /** Per-request timeout (default 5 s). */
  timeoutMs?: number;
}

/** The two callbacks of `createCollabServer`, answered by the API server over HTTP. */
export interface HttpAuthorizer {
  authenticate: AuthenticateFn;
  authorize: AuthorizeFn;
}

interface Grant {
  docName: string;
  access: CollabAccess;
}

/**
 * Authentication and authorization for a standalone collab process: both are asked of the API
 * server in one call, `POST /api/collab/authorize` with the user's bearer token and
 * `{ docName }` (contract in collab/contracts/authorize.ts). `authenticate` makes the call and
 * remembers the access it answered; the following `authorize` for the same document uses it,
 * later ones (access refreshes) ask again.
 * Errors: 401 → CollabAuthError unauthenticated (token_expired when the API says so), 403 →
 * forbidden, 404 → unknown_document; anything else (timeouts, 5xx, a malformed answer) is a
 * plain Error, which the server treats as "authorization unavailable" (4503, client retries).
 */
export function createHttpAuthorizer(opts: HttpAuthorizerOptions): HttpAuthorizer {
  const url = new URL(COLLAB_AUTHORIZE_PATH, opts.apiUrl).toString();
  const timeoutMs = opts.timeoutMs ?? 5000;
  const grants = new WeakMap<CollabUser, Grant>();

  const ask = async (
    token: string,
    docName: string,
  ): Promise<{ user: CollabUser; access: CollabAccess }> => {
    const body: CollabAuthorizeRequest = { docName };
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (res.status === 401) {
      const code = errorCode(text);
      throw new CollabAuthError(code === 'token_expired' ? 'token_expired' : 'unauthenticated');
    }
    if (res.status === 403) throw new CollabAuthError('forbidden');
    if (res.status === 404) throw new CollabAuthError('unknown_document');
    if (res.status !== 200) throw new Error(`${COLLAB_AUTHORIZE_PATH} answered ${res.status}`);
    const parsed = collabAuthorizeResponseSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new Error(`${COLLAB_AUTHORIZE_PATH} answered a malformed body`);
    const { user, access, expiresAt } = parsed.data;
    return {
      user: { userId: user.id, displayName: user.displayName, expiresAt: new Date(expiresAt) },
      access,
    };
  };

  return {
    async authenticate(token, ctx) {
      const { user, access } = await ask(token, ctx.docName);
      grants.set(user, { docName: ctx.docName, access });
      return user;
    },
    async authorize(user, _doc, ctx) {
      const grant = grants.get(user);
      if (grant && grant.docName === ctx.docName) {
        grants.delete(user);
        return grant.access;
      }
      return (await ask(ctx.token, ctx.docName)).access;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorCode(text: string): string | undefined {
  const body = safeJson(text) as { error?: { code?: unknown } } | undefined;
  const code = body?.error?.code;
  return typeof code === 'string' ? code : undefined;
}
