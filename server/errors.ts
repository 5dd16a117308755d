import type { ErrorRequestHandler, RequestHandler } from 'express';
import mongoose from 'mongoose';
import { z } from 'zod';
import type { ApiErrorBody, ErrorCode, FieldIssue } from './contracts/errors';

/** A failure the client caused or may act on; rendered as `{ error: { code, message, details } }`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The one error factory: every known failure is built here or by a helper below. */
export function appError(
  code: ErrorCode,
  status: number,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): AppError {
  return new AppError(code, status, message, details, headers);
}

export const badRequest = (message: string, details?: unknown): AppError =>
  appError('bad_request', 400, message, details);
export const unauthenticated = (
  message = 'Log in first: this needs a valid access token.',
): AppError => appError('unauthenticated', 401, message);
export const forbidden = (message = 'You are not allowed to do this.'): AppError =>
  appError('forbidden', 403, message);
export const notFound = (what: string): AppError =>
  appError('not_found', 404, `${what} was not found.`);
/** 405 with the `Allow` header: the path exists, the method is not declared on it. */
export const methodNotAllowed = (method: string, path: string, allow: string[]): AppError =>
  appError(
    'method_not_allowed',
    405,
    `${method} is not allowed on ${path}; use ${allow.join(', ')}. See GET /api/openapi.json.`,
    { allow },
    { Allow: allow.join(', ') },
  );
export const conflict = (message: string, details?: unknown): AppError =>
  appError('conflict', 409, message, details);
export const tooManyRequests = (message: string, retryAfterSeconds: number): AppError =>
  appError(
    'rate_limited',
    429,
    message,
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );

/** Field issues of a Zod error, each with a dotted path prefixed by where it came from. */
export function fieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.'),
    message: issue.message,
  }));
}

/** A 400 listing every invalid field. */
export function validationError(issues: FieldIssue[]): AppError {
  const first = issues[0];
  const summary = first ? `${first.path || 'request'}: ${first.message}` : 'invalid request';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return appError('validation_failed', 400, `Invalid input. ${summary}${more}.`, { issues });
}

interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string'
  );
}

/**
 * Whether the database refused a write because another held its lock too long: FerretDB on
 * SQLite answers `database is locked (5) (SQLITE_BUSY)` once its busy timeout runs out. The
 * write was rolled back; the same request may succeed a moment later.
 */
export function isDatabaseBusy(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const message = (err as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    (message.includes('SQLITE_BUSY') || message.includes('database is locked'))
  );
}

const BUSY_RETRY_AFTER_SECONDS = 2;

function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (isDatabaseBusy(err)) {
    return appError(
      'service_unavailable',
      503,
      `The database is too busy to answer right now. Try again in ${BUSY_RETRY_AFTER_SECONDS} seconds.`,
      { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS },
      { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) },
    );
  }
  if (err instanceof z.ZodError) return validationError(fieldIssues(err));
  if (err instanceof mongoose.Error.CastError) {
    return validationError([{ path: err.path, message: `invalid value for ${err.kind}` }]);
  }
  if (err instanceof mongoose.Error.ValidationError) {
    return validationError(
      Object.values(err.errors).map((e) => ({ path: e.path, message: e.message })),
    );
  }
  if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000) {
    const keyValue = (err as { keyValue?: Record<string, unknown> }).keyValue;
    const fields = keyValue ? Object.keys(keyValue) : [];
    return appError(
      'duplicate',
      409,
      fields.length
        ? `Another record already has this ${fields.join(', ')}.`
        : 'This record already exists.',
      fields.length ? { fields } : undefined,
    );
  }
  if (isBodyParserError(err)) {
    if (err.type === 'entity.parse.failed') {
      return appError(
        'malformed_json',
        400,
        'The request body is not valid JSON. Send a JSON object.',
      );
    }
    if (err.type === 'entity.too.large') {
      return appError(
        'payload_too_large',
        413,
        `The request body is larger than the limit of ${err.limit ?? '?'} bytes.`,
        { limit: err.limit },
      );
    }
    if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
      return appError('unsupported_media_type', 415, 'Send the body as UTF-8 JSON.');
    }
  }
  return undefined;
}

interface Loggable {
  log?: { error: (obj: object, msg: string) => void };
  id?: unknown;
}

/**
 * The one error handler: known errors become their JSON shape and status; anything else is
 * logged with the request id and answered with a generic 500, never with a stack trace.
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const requestId =
    typeof (req as Loggable).id === 'string' ? String((req as Loggable).id) : undefined;
  const known = toAppError(err);
  const error =
    known ??
    appError(
      'internal',
      500,
      `Something went wrong on the server. Try again; if it persists, give the administrator this request id: ${requestId ?? 'unknown'}.`,
    );
  if (!known) (req as Loggable).log?.error({ err }, 'unhandled error');
  else if (isDatabaseBusy(err))
    (req as Loggable).log?.error({ err }, 'database busy: answered 503');
  if (error.headers) res.set(error.headers);
  const body: ApiErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      ...(requestId ? { requestId } : {}),
    },
  };
  res.status(error.status).json(body);
};

/** 404 for any `/api` path no router answered. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(
    appError(
      'not_found',
      404,
      `No API route ${req.method} ${req.originalUrl.split('?')[0] ?? ''}. See GET /api/openapi.json for the routes.`,
    ),
  );
};
