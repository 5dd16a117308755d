import type { JSONContent } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import * as Y from 'yjs';
import { AGENDA_ITEMS, readAgendaItems } from './contracts/agenda-doc';
import type { AgendaDocItem } from './contracts/agenda-doc';
import { parseDocName } from './contracts/doc-names';
import type { DocName } from './contracts/doc-names';
import { TIPTAP_FRAGMENT } from './contracts/protocol';
import { versionLabelSchema } from './contracts/versions';
import type { DocVersion } from './contracts/versions';
import type { CollabPersistence, StoredVersion } from './persistence';
import {
  fragmentToJSON,
  fragmentToNode,
  nodeToJSON,
  nodeToText,
  writeJSONToFragment,
} from './prosemirror';
import type { Room } from './room';
import type { RoomRegistry } from './room-registry';

/** A server-side view of a document's content. */
export interface DocumentContent {
  /** ProseMirror JSON of the Tiptap fragment (an empty doc for the agenda). */
  prosemirror: JSONContent;
  /** Plain text (for the agenda: one line per item title). */
  text: string;
  /** The agenda items (agenda documents only, otherwise empty). */
  agendaItems: AgendaDocItem[];
}

/**
 * An open document, pinned in memory until {@link release}. Read it, or change it through
 * {@link change}: changes go through the same path as clients' edits (stored, then broadcast).
 */
export interface DocumentHandle {
  readonly docName: string;
  readonly kind: DocName['kind'];
  /** The live Y.Doc. Read only: mutate it through {@link change}. */
  readonly doc: Y.Doc;
  /**
   * The content now.
   * @throws when the Tiptap content does not fit the server's schema.
   */
  read(): DocumentContent;
  /** Applies a change in one transaction; resolves once it is stored and sent to clients. */
  change(fn: (doc: Y.Doc) => void): Promise<void>;
  /**
   * Makes the Tiptap content equal the given ProseMirror JSON (e.g. the minutes template),
   * changing only what differs.
   * @throws when the JSON does not fit the schema (nothing is changed then).
   */
  setProseMirror(json: JSONContent): Promise<void>;
  /** Unpins the document (it unloads once no client uses it). Idempotent. */
  release(): void;
}

/** Thrown for a document name the library does not know. */
export class UnknownDocumentError extends Error {
  constructor(docName: string) {
    super(`unknown document name: ${docName}`);
    this.name = 'UnknownDocumentError';
  }
}

/** Server-side access to documents and their named versions. */
export interface DocumentService {
  /**
   * Opens (loading if needed) a document.
   * @throws UnknownDocumentError for a bad name; the load error when it cannot be loaded.
   */
  open(docName: string): Promise<DocumentHandle>;
  /** Opens, reads and releases. */
  read(docName: string): Promise<DocumentContent>;
  /**
   * Saves the current content as a named version (label trimmed and NFC-normalized).
   * @throws a ZodError for a bad label; database errors.
   */
  saveVersion(docName: string, label: string, createdBy: string | null): Promise<DocVersion>;
  /** Named versions, newest first. */
  listVersions(docName: string): Promise<DocVersion[]>;
  /** A version's content; null when it does not exist for this document. */
  viewVersion(
    docName: string,
    versionId: string,
  ): Promise<
    | (DocumentContent & {
        version: DocVersion;
      })
    | null
  >;
  /**
   * Makes the document's content equal a version's, as an ordinary change that clients receive.
   * The content before the restore is saved first as a version labelled `backupLabel`.
   * Resolves with that backup version, or null when the version does not exist.
   */
  restoreVersion(
    docName: string,
    versionId: string,
    opts: { createdBy: string | null; backupLabel: string },
  ): Promise<DocVersion | null>;
}

function toDocVersion(v: StoredVersion): DocVersion {
  return { ...v, createdAt: v.createdAt.toISOString() };
}

function contentOf(doc: Y.Doc, kind: DocName['kind'], schema: Schema): DocumentContent {
  if (kind === 'agenda') {
    const agendaItems = readAgendaItems(doc);
    return {
      prosemirror: { type: 'doc', content: [] },
      text: agendaItems.map((i) => i.title).join('\n'),
      agendaItems,
    };
  }
  const fragment = doc.getXmlFragment(TIPTAP_FRAGMENT);
  const node = fragmentToNode(fragment, schema);
  return { prosemirror: nodeToJSON(node), text: nodeToText(node), agendaItems: [] };
}

function cloneValue(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.clone() : value;
}

/** Makes the agenda array of `doc` equal the one of `source`. */
function replaceAgenda(doc: Y.Doc, source: Y.Doc): void {
  const target = doc.getArray(AGENDA_ITEMS);
  const items = source.getArray(AGENDA_ITEMS).toArray().map(cloneValue);
  target.delete(0, target.length);
  target.insert(0, items);
}

/** Builds the document service over the registry (same load, store and broadcast path). */
export function createDocumentService(
  registry: RoomRegistry,
  persistence: CollabPersistence,
  schema: Schema,
): DocumentService {
  const parse = (docName: string): DocName => {
    const parsed = parseDocName(docName);
    if (!parsed) throw new UnknownDocumentError(docName);
    return parsed;
  };

  const open = async (docName: string): Promise<DocumentHandle> => {
    const parsed = parse(docName);
    const room: Room = await registry.acquire(docName);
    let released = false;
    return {
      docName,
      kind: parsed.kind,
      doc: room.doc,
      read: () => contentOf(room.doc, parsed.kind, schema),
      change: (fn) => room.change(fn),
      setProseMirror: async (json) => {
        // Validate before queueing so that a bad document changes nothing.
        const probe = new Y.Doc();
        writeJSONToFragment(probe, probe.getXmlFragment(TIPTAP_FRAGMENT), json, schema);
        probe.destroy();
        await room.change((doc) =>
          writeJSONToFragment(doc, doc.getXmlFragment(TIPTAP_FRAGMENT), json, schema),
        );
      },
      release: () => {
        if (released) return;
        released = true;
        registry.release(room);
      },
    };
  };

  const withDoc = async <T>(docName: string, fn: (h: DocumentHandle) => Promise<T>): Promise<T> => {
    const handle = await open(docName);
    try {
      return await fn(handle);
    } finally {
      handle.release();
    }
  };

  const loadVersion = async (docName: string, versionId: string) => {
    const found = await persistence.getVersion(docName, versionId);
    if (!found) return null;
    const vdoc = new Y.Doc();
    Y.applyUpdate(vdoc, found.state);
    return { version: found.version, vdoc };
  };

  return {
    open,
    read: (docName) => withDoc(docName, (h) => Promise.resolve(h.read())),

    async saveVersion(docName, label, createdBy) {
      const clean = versionLabelSchema.parse(label);
      return withDoc(docName, async (h) => {
        await (registry.get(docName)?.whenIdle() ?? Promise.resolve());
        const state = Y.encodeStateAsUpdate(h.doc);
        const saved = await persistence.saveVersion({ docName, label: clean, state, createdBy });
        return toDocVersion(saved);
      });
    },

    async listVersions(docName) {
      parse(docName);
      return (await persistence.listVersions(docName)).map(toDocVersion);
    },

    async viewVersion(docName, versionId) {
      const parsed = parse(docName);
      const loaded = await loadVersion(docName, versionId);
      if (!loaded) return null;
      try {
        return {
          version: toDocVersion(loaded.version),
          ...contentOf(loaded.vdoc, parsed.kind, schema),
        };
      } finally {
        loaded.vdoc.destroy();
      }
    },

    async restoreVersion(docName, versionId, opts) {
      const parsed = parse(docName);
      const loaded = await loadVersion(docName, versionId);
      if (!loaded) return null;
      const { vdoc } = loaded;
      try {
        const backup = await this.saveVersion(docName, opts.backupLabel, opts.createdBy);
        await withDoc(docName, async (h) => {
          if (parsed.kind === 'agenda') {
            await h.change((doc) => replaceAgenda(doc, vdoc));
          } else {
            await h.setProseMirror(fragmentToJSON(vdoc.getXmlFragment(TIPTAP_FRAGMENT), schema));
          }
        });
        return backup;
      } finally {
        vdoc.destroy();
      }
    },
  };
}
