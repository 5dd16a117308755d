import * as decoding from 'lib0/decoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { ComputedRef, Ref, ShallowRef } from 'vue';
import { CollabAuthType, CollabMessageType } from '../../../collab/contracts/protocol';
import { useAuthStore } from '../stores/auth';
import type { CollabAccessLevel, CollabStatus, CollabStopReason } from './collab-status';
import { decideOnClose, statusOf } from './collab-status';
import { colourFor } from './user-colour';

/** The local user as other co-editors see them (awareness field `user`; Tiptap carets read it). */
export interface CollabUser {
  id: string;
  name: string;
  color: string;
}

/** A person present in the document (one entry per user, even with several tabs open). */
export interface CollabPeer extends CollabUser {
  self: boolean;
}

/** Options of {@link useCollabDoc}. */
export interface CollabDocOptions {
  /**
   * Keep the document in IndexedDB so it can be edited offline and survives a reload; the edits
   * are sent when the link returns. For drafts and private notes.
   */
  offline?: boolean;
  /** Connect at once (default true). */
  connect?: boolean;
}

/** A co-edited Yjs document with its link state, for components to render. */
export interface CollabDoc {
  readonly docName: string;
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  readonly user: CollabUser;
  /** connecting / online / offline / read-only. */
  readonly status: ComputedRef<CollabStatus>;
  /** Access granted by the server; null until it said. */
  readonly access: Ref<CollabAccessLevel | null>;
  /** True once the first sync with the server finished on the current connection. */
  readonly synced: Ref<boolean>;
  /** True once the local copy (IndexedDB) is loaded, or at once without `offline`. */
  readonly localReady: Ref<boolean>;
  /** Set when co-editing stopped for good; an i18n key suffix under `collab.stopped`. */
  readonly stopped: Ref<CollabStopReason | null>;
  /** Who is here, the local user first. */
  readonly peers: ShallowRef<CollabPeer[]>;
  /** True when this user may change the document now (write access, not stopped). */
  readonly canWrite: ComputedRef<boolean>;
  /** Disconnects, stops the local copy and frees the document. Idempotent. */
  destroy(): void;
}

/** The WebSocket base of the co-editing server on this origin (`ws[s]://host/collab`). */
export function collabBaseUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/collab`;
}

const MAX_REFRESH_IN_A_ROW = 3;

/**
 * Opens the Yjs document `docName` over the stock y-websocket provider at `/collab/<docName>` with
 * the access token of the auth store. Renews the token and reconnects when the server closes with
 * 4401/4408, stops with a reason on 4403/4404/1009/4400, follows token renewals, publishes the
 * user's name and stable colour in awareness, and (with `offline`) keeps a local copy in
 * IndexedDB keyed by user, so drafts and notes survive a lost link or a reload.
 * Called inside a component or effect scope, it is destroyed with it; otherwise call `destroy()`.
 * @throws Error when nobody is logged in.
 */
export function useCollabDoc(docName: string, options: CollabDocOptions = {}): CollabDoc {
  const auth = useAuthStore();
  const me = auth.user;
  if (!me) throw new Error('useCollabDoc needs a logged-in user');
  const user: CollabUser = { id: me.id, name: me.fullName, color: colourFor(me.id) };

  const doc = new Y.Doc();
  const provider = new WebsocketProvider(collabBaseUrl(), docName, doc, {
    connect: false,
    params: { token: auth.token ?? '' },
    // Same-origin tabs would otherwise sync through BroadcastChannel behind the server's back,
    // bypassing its access decision (a read-only tab could push edits through a writer tab).
    disableBc: true,
  });

  const link = ref<'connecting' | 'connected' | 'disconnected'>('connecting');
  const synced = ref(false);
  const access = ref<CollabAccessLevel | null>(null);
  const stopped = ref<CollabStopReason | null>(null);
  const localReady = ref(!options.offline);
  const peers = shallowRef<CollabPeer[]>([]);
  let destroyed = false;
  let refreshesInARow = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  // The server tells the granted access in an auth message (subtype 1 + 'read'|'write'); the
  // stock handler only knows "permission denied", so this one reads both.
  provider.messageHandlers[CollabMessageType.AUTH] = (_encoder, decoder) => {
    const sub = decoding.readVarUint(decoder);
    const text = decoding.readVarString(decoder);
    if (sub === CollabAuthType.ACCESS && (text === 'read' || text === 'write')) access.value = text;
  };

  provider.on('status', ({ status }) => {
    link.value = status;
    if (status !== 'connected') synced.value = false;
  });
  provider.on('sync', (state: boolean) => {
    synced.value = state;
    if (state) refreshesInARow = 0;
  });
  provider.on('closed', ({ code }) => {
    if (destroyed) return;
    const decision = decideOnClose(code);
    if (decision.kind === 'stop') {
      stopped.value = decision.reason;
      return;
    }
    if (decision.kind === 'reconnect') {
      retryTimer = setTimeout(() => {
        if (!destroyed) provider.connect();
      }, decision.afterMs);
      return;
    }
    if (++refreshesInARow > MAX_REFRESH_IN_A_ROW) {
      stopped.value = 'sessionExpired';
      return;
    }
    void auth.refresh().then((ok) => {
      if (destroyed) return;
      if (!ok || !auth.token) {
        stopped.value = 'sessionExpired';
        return;
      }
      provider.params = { ...provider.params, token: auth.token };
      provider.connect();
    });
  });

  const stopTokenWatch = watch(
    () => auth.token,
    (token) => {
      if (token) provider.params = { ...provider.params, token };
    },
  );

  const awareness = provider.awareness;
  awareness.setLocalStateField('user', user);
  const readPeers = (): void => {
    const seen = new Map<string, CollabPeer>();
    seen.set(user.id, { ...user, self: true });
    for (const state of awareness.getStates().values()) {
      const u = (state as { user?: Partial<CollabUser> }).user;
      if (!u || typeof u.id !== 'string' || typeof u.name !== 'string' || seen.has(u.id)) continue;
      seen.set(u.id, {
        id: u.id,
        name: u.name,
        color: typeof u.color === 'string' ? u.color : colourFor(u.id),
        self: false,
      });
    }
    peers.value = [...seen.values()];
  };
  awareness.on('change', readPeers);
  readPeers();

  let local: IndexeddbPersistence | undefined;
  if (options.offline) {
    // SECURITY: one store per user, so on a shared tablet one person's offline notes never load
    // into another person's session.
    local = new IndexeddbPersistence(`dienhong:${user.id}:${docName}`, doc);
    void local.whenSynced.then(() => {
      localReady.value = true;
    });
  }

  if (options.connect !== false) provider.connect();

  const status = computed(() =>
    stopped.value ? 'offline' : statusOf(link.value, synced.value, access.value),
  );
  const canWrite = computed(() => !stopped.value && access.value !== 'read');

  function destroy(): void {
    if (destroyed) return;
    destroyed = true;
    clearTimeout(retryTimer);
    stopTokenWatch();
    awareness.off('change', readPeers);
    provider.destroy();
    void local?.destroy();
    doc.destroy();
  }

  if (getCurrentScope()) onScopeDispose(destroy);

  return {
    docName,
    doc,
    provider,
    user,
    status,
    access,
    synced,
    localReady,
    stopped,
    peers,
    canWrite,
    destroy,
  };
}
