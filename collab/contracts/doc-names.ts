/**
 * Names of co-edited documents. Each says what it belongs to, so the server can decide who may
 * read or write it from the meeting's roles and state:
 *   meeting/<meetingId>/agenda
 *   meeting/<meetingId>/draft/<draftId>
 *   meeting/<meetingId>/minutes
 *   meeting/<meetingId>/notice
 *   meeting/<meetingId>/notes/<userId>/<documentId>
 * Ids are 24-character lowercase hexadecimal object ids.
 */
export type DocName =
  | { kind: 'agenda'; meetingId: string }
  | { kind: 'draft'; meetingId: string; draftId: string }
  | { kind: 'minutes'; meetingId: string }
  | { kind: 'notice'; meetingId: string }
  | { kind: 'notes'; meetingId: string; userId: string; documentId: string };

const ID = '([0-9a-f]{24})';
const PATTERNS: [RegExp, (m: RegExpExecArray) => DocName][] = [
  [new RegExp(`^meeting/${ID}/agenda$`), (m) => ({ kind: 'agenda', meetingId: m[1] as string })],
  [
    new RegExp(`^meeting/${ID}/draft/${ID}$`),
    (m) => ({ kind: 'draft', meetingId: m[1] as string, draftId: m[2] as string }),
  ],
  [new RegExp(`^meeting/${ID}/minutes$`), (m) => ({ kind: 'minutes', meetingId: m[1] as string })],
  [new RegExp(`^meeting/${ID}/notice$`), (m) => ({ kind: 'notice', meetingId: m[1] as string })],
  [
    new RegExp(`^meeting/${ID}/notes/${ID}/${ID}$`),
    (m) => ({
      kind: 'notes',
      meetingId: m[1] as string,
      userId: m[2] as string,
      documentId: m[3] as string,
    }),
  ],
];

/** Parses a document name; null when it is not one of the known forms. */
export function parseDocName(name: string): DocName | null {
  for (const [pattern, build] of PATTERNS) {
    const m = pattern.exec(name);
    if (m) return build(m);
  }
  return null;
}

/** Formats a document name; the inverse of {@link parseDocName}. */
export function formatDocName(doc: DocName): string {
  switch (doc.kind) {
    case 'agenda':
      return `meeting/${doc.meetingId}/agenda`;
    case 'draft':
      return `meeting/${doc.meetingId}/draft/${doc.draftId}`;
    case 'minutes':
      return `meeting/${doc.meetingId}/minutes`;
    case 'notice':
      return `meeting/${doc.meetingId}/notice`;
    case 'notes':
      return `meeting/${doc.meetingId}/notes/${doc.userId}/${doc.documentId}`;
  }
}
