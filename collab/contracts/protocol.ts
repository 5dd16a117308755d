/**
 * Message types on the co-editing WebSocket (the y-websocket protocol). Every binary frame starts
 * with a varuint message type:
 *   0 sync      y-protocols/sync: step 1 (state vector), step 2 (missing updates), update
 *   1 awareness y-protocols/awareness update (presence, cursors)
 *   2 auth      y-protocols/auth: subtype 0 permission denied + reason (sent before a refusal or
 *               when a read-only connection tries to write); subtype 1 access + 'read'|'write'
 *               (sent once after connecting; the stock provider ignores it)
 *   3 query awareness: the peer asks for all awareness states
 */
export const CollabMessageType = {
  SYNC: 0,
  AWARENESS: 1,
  AUTH: 2,
  QUERY_AWARENESS: 3,
} as const;

/** Subtypes of the sync message (y-protocols/sync). */
export const CollabSyncType = { STEP1: 0, STEP2: 1, UPDATE: 2 } as const;

/** Subtypes of the auth message. */
export const CollabAuthType = { PERMISSION_DENIED: 0, ACCESS: 1 } as const;

/** Path prefix under which documents are served: `ws://HOST/collab/<docName>?token=...`. */
export const COLLAB_PATH_PREFIX = '/collab/';

/** Name of the Y.XmlFragment holding a Tiptap document (Tiptap's Collaboration default). */
export const TIPTAP_FRAGMENT = 'default';
