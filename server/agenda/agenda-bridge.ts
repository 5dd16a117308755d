import type { AgendaDocItem } from '../../collab/contracts/agenda-doc';

/**
 * The link from the REST API to the co-edited agenda (`meeting/<id>/agenda`, a Yjs document
 * whose shape collab/contracts/agenda-doc.ts describes). When one is given, REST edits and
 * reorders are applied to the document first, so that people editing it live see them; the
 * record is then materialized from the same items, exactly as the collab server does when
 * the document changes. Both paths end in `materializeFromDocument`.
 */
export interface AgendaDocumentBridge {
  /**
   * Makes the document's item list equal to `items` (same ids, same order, same values),
   * keeping the Y.Map of each surviving id so concurrent edits merge.
   * @throws when the document cannot be reached; the REST edit then fails and changes nothing.
   */
  applyToDocument(meetingId: string, items: AgendaDocItem[]): Promise<void>;
}
