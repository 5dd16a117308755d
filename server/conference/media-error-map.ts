import type { MediaError, MediaErrorCode } from '../../media/media-errors';
import { appError } from '../errors';
import type { AppError } from '../errors';

/**
 * Whether a value is a media library failure. server/ may not import media/ values, so this
 * checks the shape MediaError has (name and code) instead of `instanceof`.
 */
export function isMediaFailure(err: unknown, code?: MediaErrorCode): err is MediaError {
  if (!(err instanceof Error) || err.name !== 'MediaError') return false;
  const c = (err as { code?: unknown }).code;
  return typeof c === 'string' && (code === undefined || c === code);
}

/**
 * The API error for a media failure (the media library's message is kept: it says what to do);
 * anything else is returned as is.
 */
export function toApiError(err: unknown): unknown {
  if (!isMediaFailure(err)) return err;
  const message = err.message;
  switch (err.code) {
    case 'invalid_signature':
      return appError('unauthenticated', 401, message);
    case 'invalid_payload':
    case 'invalid_input':
      return appError('bad_request', 400, message);
    case 'not_allowed':
      return appError('forbidden', 403, message);
    case 'room_not_found':
      return appError('conflict', 409, message, { reason: 'conference_not_open' });
    case 'not_connected':
      return appError('conflict', 409, message, { reason: 'not_connected' });
    case 'already_running':
      return appError('conflict', 409, message, { reason: 'already_running' });
    case 'not_running':
      return appError('conflict', 409, message, { reason: 'not_running' });
    case 'not_configured':
      return appError('not_configured', 501, message);
    case 'livekit_unavailable':
      return appError('service_unavailable', 503, message);
  }
}

/** Runs a media call and turns its failure into the API error (see {@link toApiError}). */
export async function mediaCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApiError(err) as AppError;
  }
}
