import type { WebSocket } from 'ws';
import { CollabCloseCode, collabCloseInfo } from './contracts/close-codes';
import type { CollabCloseCodeValue } from './contracts/close-codes';
import type { CollabAccess } from './contracts/authorize';
import { TokenBucket } from './limits';
import type { CollabLimits } from './limits';
import { CollabProtocolError, parseClientMessage } from './protocol';
import type { ClientMessage } from './protocol';
import type { CollabUser } from './types';

/** What a connection hands its messages to (the document's room). */
export interface ConnectionSink {
  onMessage(conn: Connection, msg: ClientMessage): void;
  onClose(conn: Connection): void;
}

const TERMINATE_AFTER_MS = 3000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One client WebSocket on one document: enforces the per-connection limits (rate, slow reader,
 * token expiry), decodes frames and hands them to the room. Any protocol violation closes only
 * this connection.
 */
export class Connection {
  /** Client ids whose awareness this connection publishes. */
  readonly awarenessIds = new Set<number>();
  closed = false;
  /** Close code sent (or received) when the connection ended. */
  closeCode: number | undefined;
  alive = true;
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;
  private expiryTimer: NodeJS.Timeout | undefined;
  private deniedSent = false;

  constructor(
    readonly ws: WebSocket,
    /** The bearer token, kept to ask `authorize` again (refreshAccess). */
    readonly token: string,
    readonly user: CollabUser,
    public access: Exclude<CollabAccess, 'none'>,
    private readonly sink: ConnectionSink,
    private readonly limits: CollabLimits,
    private readonly onProtocolError: (conn: Connection, err: Error) => void,
  ) {
    this.messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    this.bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst);
    ws.on('message', this.handleMessage);
    ws.on('close', this.handleClose);
    ws.on('error', () => this.close(CollabCloseCode.INTERNAL_ERROR));
    ws.on('pong', () => {
      this.alive = true;
    });
    this.setExpiry(user.expiresAt);
  }

  /** Re-arms the token expiry timer (after a re-authorization with a fresh token). */
  setExpiry(expiresAt: Date): void {
    clearTimeout(this.expiryTimer);
    const ms = expiresAt.getTime() - Date.now();
    if (ms <= 0) {
      this.close(CollabCloseCode.TOKEN_EXPIRED);
      return;
    }
    // Long-lived tokens: re-check after the longest timer and arm again.
    this.expiryTimer = setTimeout(() => this.setExpiry(expiresAt), Math.min(ms, MAX_TIMER_MS));
    this.expiryTimer.unref();
  }

  get canWrite(): boolean {
    return this.access === 'write';
  }

  /** Sends a frame unless the client has too much unread output queued (then closes 4502). */
  send(frame: Uint8Array): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(CollabCloseCode.SLOW_READER);
      return;
    }
    this.ws.send(frame);
  }

  /** Tells a read-only client once that its edits are not accepted (the stock provider logs it). */
  sendDeniedOnce(frame: Uint8Array): void {
    if (this.deniedSent) return;
    this.deniedSent = true;
    this.send(frame);
  }

  /** Closes with a code from the contracts; the socket is terminated if the client does not answer. */
  close(code: CollabCloseCodeValue): void {
    if (this.closed) return;
    this.closeCode = code;
    this.markClosed();
    try {
      this.ws.close(code, collabCloseInfo[code].reason);
    } catch {
      this.ws.terminate();
      return;
    }
    setTimeout(() => this.ws.terminate(), TERMINATE_AFTER_MS).unref();
  }

  /** Drops the socket without a close handshake (dead peer). */
  terminate(): void {
    this.markClosed();
    this.ws.terminate();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.expiryTimer);
    this.sink.onClose(this);
  }

  private readonly handleClose = (code: number): void => {
    this.closeCode ??= code;
    this.markClosed();
  };

  private readonly handleMessage = (
    data: Buffer | ArrayBuffer | Buffer[],
    isBinary: boolean,
  ): void => {
    if (this.closed) return;
    if (!isBinary) {
      this.fail(new CollabProtocolError('text frame'), CollabCloseCode.BAD_MESSAGE);
      return;
    }
    const frame = toUint8Array(data);
    if (!this.messages.take(1) || !this.bytes.take(frame.byteLength)) {
      this.close(CollabCloseCode.RATE_LIMITED);
      return;
    }
    let msg: ClientMessage;
    try {
      msg = parseClientMessage(frame);
    } catch (err) {
      this.fail(err as Error, CollabCloseCode.BAD_MESSAGE);
      return;
    }
    this.sink.onMessage(this, msg);
  };

  /** Closes the connection because of something it sent. */
  fail(err: Error, code: CollabCloseCodeValue = CollabCloseCode.BAD_MESSAGE): void {
    this.onProtocolError(this, err);
    this.close(code);
  }
}

function toUint8Array(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
