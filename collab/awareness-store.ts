import type { AwarenessEntry } from './protocol';

/** Awareness states older than this without renewal are removed (as y-protocols does). */
export const AWARENESS_TIMEOUT_MS = 30_000;
const TOMBSTONE_MS = 60_000;

interface State<Owner> {
  clock: number;
  json: string;
  updated: number;
  /** The local connection publishing this client id; null for states from other nodes. */
  owner: Owner | null;
}

/**
 * The awareness states (presence, cursors) of one document, kept as JSON text so that the server
 * never parses and re-serializes them. Follows y-protocols' clock rules; in addition a client id
 * belongs to the connection that first published it, so that nobody can overwrite or remove
 * another user's presence.
 */
export class AwarenessStore<Owner> {
  private readonly states = new Map<number, State<Owner>>();

  /** Number of live states. */
  get size(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.json !== 'null') n++;
    return n;
  }

  /**
   * Applies entries from a local connection (`owner`, limited to `maxIds` client ids) or from
   * another node (`owner` null); returns the entries that changed something.
   */
  apply(
    entries: readonly AwarenessEntry[],
    owner: Owner | null,
    ownedIds: Set<number> | null,
    maxIds: number,
  ): AwarenessEntry[] {
    const now = Date.now();
    const accepted: AwarenessEntry[] = [];
    for (const e of entries) {
      const cur = this.states.get(e.clientId);
      const removing = e.json === 'null';
      if (owner !== null && ownedIds) {
        const live = cur !== undefined && cur.json !== 'null';
        if (live && cur.owner !== owner) continue;
        if (!ownedIds.has(e.clientId)) {
          if (removing || ownedIds.size >= maxIds) continue;
          ownedIds.add(e.clientId);
        }
      }
      const newer =
        cur === undefined ||
        cur.clock < e.clock ||
        (cur.clock === e.clock && removing && cur.json !== 'null');
      if (!newer) {
        if (cur.clock === e.clock && cur.json === e.json) cur.updated = now;
        continue;
      }
      this.states.set(e.clientId, { clock: e.clock, json: e.json, updated: now, owner });
      if (removing && ownedIds) ownedIds.delete(e.clientId);
      accepted.push(e);
    }
    return accepted;
  }

  /** Removes the live states owned by a closing connection; returns the removal entries. */
  removeOwned(owner: Owner, ids: Iterable<number>): AwarenessEntry[] {
    const out: AwarenessEntry[] = [];
    const now = Date.now();
    for (const id of ids) {
      const cur = this.states.get(id);
      if (cur?.owner !== owner || cur.json === 'null') continue;
      const entry = { clientId: id, clock: cur.clock + 1, json: 'null' };
      this.states.set(id, { clock: entry.clock, json: 'null', updated: now, owner: null });
      out.push(entry);
    }
    return out;
  }

  /** Removes states not renewed in time and forgets old removals; returns the removal entries. */
  sweep(now = Date.now()): AwarenessEntry[] {
    const out: AwarenessEntry[] = [];
    for (const [id, s] of this.states) {
      if (s.json === 'null') {
        if (now - s.updated > TOMBSTONE_MS) this.states.delete(id);
      } else if (now - s.updated > AWARENESS_TIMEOUT_MS) {
        const entry = { clientId: id, clock: s.clock + 1, json: 'null' };
        this.states.set(id, { clock: entry.clock, json: 'null', updated: now, owner: null });
        out.push(entry);
      }
    }
    return out;
  }

  /** All live states, for a connection that just joined or asked. */
  all(): AwarenessEntry[] {
    const out: AwarenessEntry[] = [];
    for (const [id, s] of this.states) {
      if (s.json !== 'null') out.push({ clientId: id, clock: s.clock, json: s.json });
    }
    return out;
  }

  /** Live states published by local connections (to answer another node's query). */
  local(): AwarenessEntry[] {
    const out: AwarenessEntry[] = [];
    for (const [id, s] of this.states) {
      if (s.json !== 'null' && s.owner !== null)
        out.push({ clientId: id, clock: s.clock, json: s.json });
    }
    return out;
  }
}
