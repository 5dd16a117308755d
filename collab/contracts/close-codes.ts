/**
 * WebSocket close codes of the co-editing server, as data the client switches on.
 *
 * 4400-4499 mirror HTTP 4xx: the stock y-websocket provider stops reconnecting on them and emits
 * `closed`; the app then refreshes the token (4401, 4408), tells the user (4403, 4404, 4413,
 * 4429, 1009) or reports a bug (4400). 4500-4599 and the 1xxx codes are transient: the provider
 * reconnects with backoff, and the server has lost nothing the client still holds, because the
 * client sends its missing edits again during the sync handshake.
 */
export const CollabCloseCode = {
  /** The server is shutting down or moving the document; reconnect (another node may answer). */
  SERVICE_RESTART: 1012,
  /** A frame was larger than the configured maximum message size; nothing of it was stored. */
  MESSAGE_TOO_BIG: 1009,
  /** An unexpected server error; reconnect with backoff. */
  INTERNAL_ERROR: 1011,
  /** A malformed frame: text, bad varints, unknown message type, corrupt update or awareness. */
  BAD_MESSAGE: 4400,
  /** No token, or the token is not valid. Log in again. */
  UNAUTHENTICATED: 4401,
  /** The user may not open this document. */
  FORBIDDEN: 4403,
  /** The path does not name a known kind of document. */
  UNKNOWN_DOCUMENT: 4404,
  /** The token expired (at connect or during the session). Refresh it and reconnect. */
  TOKEN_EXPIRED: 4408,
  /**
   * An update larger than the document kind allows, or one that would make the document larger
   * than its limit; nothing of it was stored.
   */
  TOO_LARGE: 4413,
  /** The connection sent more messages or bytes than its rate limit allows. */
  RATE_LIMITED: 4429,
  /** The document could not be loaded from the database; retry later. */
  LOAD_FAILED: 4500,
  /** Edits could not be stored; the client keeps them and sends them again on reconnect. */
  STORE_FAILED: 4501,
  /** The client read too slowly and too much output piled up for it; reconnect to resync. */
  SLOW_READER: 4502,
  /** The server is busy (too many pending handshakes, authorization unavailable); retry later. */
  UNAVAILABLE: 4503,
} as const;

/** One of the close codes in {@link CollabCloseCode}. */
export type CollabCloseCodeValue = (typeof CollabCloseCode)[keyof typeof CollabCloseCode];

/** What a client should do after a close code. */
export type CollabCloseAction = 'reconnect' | 'refresh-token' | 'stop';

/** Per close code: the short reason sent in the close frame and what the client should do. */
export const collabCloseInfo: Record<
  CollabCloseCodeValue,
  { reason: string; action: CollabCloseAction }
> = {
  1012: { reason: 'service restart', action: 'reconnect' },
  1009: { reason: 'message too big', action: 'stop' },
  1011: { reason: 'internal error', action: 'reconnect' },
  4400: { reason: 'bad message', action: 'stop' },
  4401: { reason: 'unauthenticated', action: 'refresh-token' },
  4403: { reason: 'forbidden', action: 'stop' },
  4404: { reason: 'unknown document', action: 'stop' },
  4408: { reason: 'token expired', action: 'refresh-token' },
  4413: { reason: 'too large', action: 'stop' },
  4429: { reason: 'rate limited', action: 'reconnect' },
  4500: { reason: 'load failed', action: 'reconnect' },
  4501: { reason: 'store failed', action: 'reconnect' },
  4502: { reason: 'slow reader', action: 'reconnect' },
  4503: { reason: 'unavailable', action: 'reconnect' },
};

/** The action for any close code, including codes this table does not know (reconnect). */
export function collabCloseAction(code: number): CollabCloseAction {
  return (
    (collabCloseInfo as Partial<Record<number, { action: CollabCloseAction }>>)[code]?.action ??
    'reconnect'
  );
}
