import express from 'express';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { AuthUser, Authenticator } from '../auth/auth-user';
import type { TicketPurpose } from '../contracts/auth';
import { fieldIssues, methodNotAllowed, unauthenticated, validationError } from '../errors';
import type { FieldIssue } from '../contracts/errors';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AuthMode = 'required' | 'optional' | 'none';

/** What a handler receives: the validated input and the caller. */
export interface RouteContext<P, Q, B, A extends AuthMode> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  user: A extends 'required' ? AuthUser : AuthUser | null;
}

/** One documented, validated route. */
export interface RouteSpec<P, Q, B, R, A extends AuthMode> {
  method: Method;
  /** Express path relative to /api, e.g. `/meetings/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** Default `required`. */
  auth?: A;
  /**
   * Also accept a ticket for this purpose in the `ticket` query parameter (EventSource,
   * download links), never the access token itself (see auth/ticket.service.ts).
   */
  ticket?: TicketPurpose;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /**
   * Authorization that needs only the caller and the path, run before the body is validated,
   * so that a caller without the right gets 403/404, never a 400 about a body they may not
   * send. The handler's own checks still apply. Throws an AppError to refuse.
   */
  authorize?: (ctx: { user: RouteContext<P, Q, B, A>['user']; params: P }) => Promise<void> | void;
  /** Describes the JSON answer; `undefined` for handlers that write the response themselves. */
  response?: z.ZodType<R>;
  /** Success status (default 200). */
  status?: number;
  /** Content type of a non-JSON request body (documentation only; the handler reads the stream). */
  requestContentType?: string;
  /** Content type of a non-JSON answer (documentation only). */
  responseContentType?: string;
  /** Error statuses this route may answer with besides 400/401 (documentation only). */
  errors?: number[];
  handler: (ctx: RouteContext<P, Q, B, A>) => Promise<R | undefined> | R | undefined;
}

/**
 * An authorization run for every route whose path `matches`, after authentication and the
 * validation of path parameters and query, before the body is validated or any handler reads
 * state (e.g. "the caller may see meeting :id"). Throws an AppError to refuse.
 */
export interface RouteGuard {
  matches(path: string, auth: AuthMode): boolean;
  authorize(user: AuthUser | null, params: Readonly<Record<string, unknown>>): Promise<void>;
}

/** What the OpenAPI builder needs of a route. */
export interface RouteDoc {
  method: Method;
  path: string;
  summary: string;
  tags: string[];
  auth: AuthMode;
  ticket: TicketPurpose | null;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  status: number;
  requestContentType?: string;
  responseContentType?: string;
  errors: number[];
}

/**
 * An Express router whose routes run authenticate → validate params and query → guards
 * (e.g. meeting access) → validate the body → handler, and whose Zod schemas also describe
 * the route in `GET /api/openapi.json`. Finer authorization belongs in the handler (through
 * the module's policy).
 */
export class ApiRouter {
  readonly router: Router = express.Router();
  readonly docs: RouteDoc[] = [];

  constructor(
    private readonly auth: Authenticator,
    private readonly guards: readonly RouteGuard[] = [],
  ) {}

  route<
    P = Record<string, never>,
    Q = Record<string, never>,
    B = undefined,
    R = unknown,
    A extends AuthMode = 'required',
  >(spec: RouteSpec<P, Q, B, R, A>): this {
    const mode: AuthMode = spec.auth ?? 'required';
    const ticket = spec.ticket;
    this.docs.push({
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      tags: spec.tags,
      auth: mode,
      ticket: ticket ?? null,
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.response ? { response: spec.response } : {}),
      status: spec.status ?? 200,
      ...(spec.requestContentType ? { requestContentType: spec.requestContentType } : {}),
      ...(spec.responseContentType ? { responseContentType: spec.responseContentType } : {}),
      errors: spec.errors ?? [],
    });
    const guards = this.guards.filter((g) => g.matches(spec.path, mode));
    this.router[spec.method](spec.path, async (req: Request, res: Response) => {
      const user =
        mode === 'none' ? null : await this.auth.fromRequest(req, ticket ? { ticket } : {});
      if (mode === 'required' && !user) throw unauthenticated();
      const issues: FieldIssue[] = [];
      const parse = <T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T => {
        if (!schema) return undefined as T;
        const r = schema.safeParse(value);
        if (r.success) return r.data;
        issues.push(...fieldIssues(r.error, where));
        return undefined as T;
      };
      const params = parse(spec.params, req.params, 'params');
      const query = parse(spec.query, req.query, 'query');
      if (issues.length) throw validationError(issues);
      // SECURITY: access before the body is even looked at, so that a 400 never tells an
      // outsider more than a 403/404 would.
      for (const guard of guards) await guard.authorize(user, params ?? {});
      if (spec.authorize) {
        await spec.authorize({ user: user as RouteContext<P, Q, B, A>['user'], params });
      }
      const body = parse(spec.body, req.body ?? {}, 'body');
      if (issues.length) throw validationError(issues);
      const result = await spec.handler({
        req,
        res,
        params,
        query,
        body,
        user: user as RouteContext<P, Q, B, A>['user'],
      });
      if (res.headersSent) return;
      const status = spec.status ?? 200;
      if (result === undefined) res.status(status === 200 ? 204 : status).end();
      else res.status(status).json(result);
    });
    return this;
  }

  /**
   * A router to mount right after {@link router}: a request that reached it on a declared path
   * used a method no route declares there, and gets 405 with `Allow` (derived from the declared
   * routes; HEAD with GET). OPTIONS gets 204 with `Allow`. Build it after every route is declared;
   * `others` adds routes served outside this router (e.g. `GET /openapi.json`).
   */
  methodNotAllowed(others: readonly { method: Method; path: string }[] = []): Router {
    const guard = express.Router();
    const byPath = new Map<string, Set<string>>();
    for (const doc of [...this.docs, ...others]) {
      const methods = byPath.get(doc.path) ?? new Set<string>();
      methods.add(doc.method.toUpperCase());
      if (doc.method === 'get') methods.add('HEAD');
      byPath.set(doc.path, methods);
    }
    // Several declared paths may match one URL (`/meetings/:id` and `/meetings/mine`): each adds
    // its methods, and the last handler answers with their union.
    for (const [path, methods] of byPath) {
      guard.all(path, (_req, res, next) => {
        const allowed = (res.locals.allow ?? new Set<string>()) as Set<string>;
        for (const m of methods) allowed.add(m);
        res.locals.allow = allowed;
        next();
      });
    }
    guard.use((req, res, next) => {
      const allowed = res.locals.allow as Set<string> | undefined;
      if (!allowed?.size) {
        next();
        return;
      }
      const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
      const allow = [...allowed].sort((a, b) => order.indexOf(a) - order.indexOf(b));
      if (req.method === 'OPTIONS') {
        res
          .set('Allow', [...allow, 'OPTIONS'].join(', '))
          .status(204)
          .end();
        return;
      }
      next(methodNotAllowed(req.method, req.originalUrl.split('?')[0] ?? '', allow));
    });
    return guard;
  }
}
