/**
 * Error codes the API answers with, in `{ "error": { "code", "message", "details" } }`.
 * The client switches on the code to show a message in the user's language.
 */
export const errorCodes = [
  'bad_request',
  'validation_failed',
  'malformed_json',
  'unauthenticated',
  'invalid_credentials',
  'token_expired',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'duplicate',
  'invalid_transition',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'account_disabled',
  'service_unavailable',
  'not_configured',
  'conference_ended',
  'removed_from_conference',
  'meeting_not_started',
  'meeting_over',
  'not_site_operator',
  'floor_required',
  'number_symbol_required',
  'minutes_not_published',
  'room_full',
  'internal',
] as const;

/** One of {@link errorCodes}. */
export type ErrorCode = (typeof errorCodes)[number];

/** One invalid field of a request, by its path (e.g. `body.participants.2.userId`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The body of every error response. */
export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: unknown;
    requestId?: string;
  };
}
