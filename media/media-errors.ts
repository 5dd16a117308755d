/**
 * Why a media operation failed. The host maps each code to its own error answer; `status` is
 * the HTTP status we suggest for it.
 */
export const mediaErrorCodes = {
  /** A webhook whose signature or body hash does not verify: answer 401, record nothing. */
  invalid_signature: 401,
  /** A webhook or report body that is not what LiveKit sends. */
  invalid_payload: 400,
  /** An argument that does not fit (bad meeting id, unknown role for an identity, ...). */
  invalid_input: 400,
  /** The role cannot do this (the floor for an observer, muting the chair in mute-all...). */
  not_allowed: 403,
  /** No conference room for this meeting (not live, or already closed). */
  room_not_found: 404,
  /** The participant is not connected to the conference. */
  not_connected: 409,
  /** The recorder (or another one-at-a-time helper) is already running for this meeting. */
  already_running: 409,
  /** Nothing of that kind runs (stopping a recording that was not started). */
  not_running: 409,
  /** A feature whose infrastructure is not configured here (LiveKit Egress). */
  not_configured: 501,
  /** LiveKit did not answer or answered with an unexpected error. */
  livekit_unavailable: 503,
} as const;

/** One of the keys of {@link mediaErrorCodes}. */
export type MediaErrorCode = keyof typeof mediaErrorCodes;

/** A failure of the media library with a code the host switches on. */
export class MediaError extends Error {
  /** Suggested HTTP status for the code. */
  readonly status: number;

  constructor(
    readonly code: MediaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MediaError';
    this.status = mediaErrorCodes[code];
  }
}

/** Whether a value is a {@link MediaError}, optionally of a given code. */
export function isMediaError(err: unknown, code?: MediaErrorCode): err is MediaError {
  return err instanceof MediaError && (code === undefined || err.code === code);
}
