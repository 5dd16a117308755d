/**
 * Error codes that belong to one client's connection or request body: a socket reset, a
 * stream destroyed early, an HTTP parse failure. The request they belong to has failed; the
 * process state is intact.
 */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_UNABLE_TO_PIPE',
  'ERR_HTTP_HEADERS_SENT',
  'ERR_HTTP_REQUEST_TIMEOUT',
]);

/** What busboy destroys a part stream or parser with when a multipart body is malformed. */
const MULTIPART_MESSAGES = [
  /^Unexpected end of (form|file)$/,
  /^Malformed (part header|urlencoded form)$/,
  /^Unexpected end of multipart data$/,
];

/**
 * Whether an uncaught exception is the failure of one client's request (its connection or its
 * body) rather than a broken process. Such an error is logged and the process keeps serving:
 * one malformed request must never stop the service for everyone.
 */
export function isRequestScopedError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('HPE_'))) {
    return true;
  }
  return MULTIPART_MESSAGES.some((re) => re.test(err.message));
}

/** The part of a logger the guard needs (pino's Logger fits). */
export interface GuardLogger {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

/**
 * Installs the process-wide handlers of uncaught errors:
 * - an unhandled promise rejection is logged and the process keeps serving (a rejected promise
 *   leaves no half-done synchronous state behind);
 * - an uncaught exception from one request's connection or body is logged and the process keeps
 *   serving;
 * - any other uncaught exception may have left the process in an unknown state: it is logged
 *   and `stop(1)` is called (a clean shutdown; the supervisor or the service manager restarts).
 * Returns a function that removes the handlers.
 */
export function installProcessGuard(
  logger: GuardLogger,
  stop: (code: number) => void,
  target: Pick<NodeJS.Process, 'on' | 'off'> = process,
): () => void {
  const onRejection = (err: unknown): void => {
    logger.error({ err }, 'unhandled promise rejection (the process keeps serving)');
  };
  const onException = (err: Error): void => {
    if (isRequestScopedError(err)) {
      logger.error({ err }, 'uncaught error of one request (the process keeps serving)');
      return;
    }
    logger.fatal({ err }, 'uncaught exception: stopping (to be restarted)');
    stop(1);
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
