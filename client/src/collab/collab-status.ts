import { collabCloseAction, CollabCloseCode } from '../../../collab/contracts/close-codes';

/** What the user sees of a co-editing link. */
export type CollabStatus = 'connecting' | 'online' | 'offline' | 'read-only';

/** Access the server granted on the document (sent once after connecting). */
export type CollabAccessLevel = 'read' | 'write';

/** Why co-editing stopped for good (until the page is opened again); i18n keys under `collab.stopped`. */
export type CollabStopReason =
  'forbidden' | 'unknownDocument' | 'sessionExpired' | 'tooBig' | 'badMessage';

/** The status shown for the link state, the sync state and the granted access. */
export function statusOf(
  link: 'connecting' | 'connected' | 'disconnected',
  synced: boolean,
  access: CollabAccessLevel | null,
): CollabStatus {
  if (link === 'disconnected') return 'offline';
  if (link === 'connecting' || !synced) return 'connecting';
  return access === 'read' ? 'read-only' : 'online';
}

/** What to do after the server closed the connection with `code` and the provider stopped. */
export type CloseDecision =
  | { kind: 'refresh-token' }
  | { kind: 'reconnect'; afterMs: number }
  | { kind: 'stop'; reason: CollabStopReason };

/**
 * Decides what the client does after a terminal close (the stock provider stopped on a 44xx code
 * or 1009; 4413 and 1009 both mean the edit was too large): renew the token and reconnect (4401, 4408), reconnect after a pause (4429, rate
 * limited), or stop with a reason for the user.
 */
export function decideOnClose(code: number): CloseDecision {
  const action = collabCloseAction(code);
  if (action === 'refresh-token') return { kind: 'refresh-token' };
  if (action === 'reconnect') return { kind: 'reconnect', afterMs: 5_000 };
  switch (code) {
    case CollabCloseCode.FORBIDDEN:
      return { kind: 'stop', reason: 'forbidden' };
    case CollabCloseCode.UNKNOWN_DOCUMENT:
      return { kind: 'stop', reason: 'unknownDocument' };
    case CollabCloseCode.MESSAGE_TOO_BIG:
    case CollabCloseCode.TOO_LARGE:
      return { kind: 'stop', reason: 'tooBig' };
    default:
      return { kind: 'stop', reason: 'badMessage' };
  }
}
