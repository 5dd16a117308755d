/**
 * LiveKit participant identities of a conference. The identity says who a participant is, so the
 * server can map joins and leaves back to the record (attendance per site and per person) and the
 * browser can tell a bridge point from a person:
 *   site:<unitCode>        a bridge point (điểm cầu) of a unit, e.g. site:243, site:VP-249-11
 *   user:<userId>          a person joining from their own device (chair, delegate, observer)
 *   recorder:<meetingId>   the hidden audio recorder of a meeting
 *   monitor:<meetingId>    the hidden connection-quality monitor of a meeting
 * Ids are 24-character lowercase hexadecimal object ids; unit codes are letters, digits, '.', '_'
 * and '-' (at most 64).
 */
export type ParticipantIdentity =
  | { kind: 'site'; unitCode: string }
  | { kind: 'user'; userId: string }
  | { kind: 'recorder'; meetingId: string }
  | { kind: 'monitor'; meetingId: string };

/** The kinds of {@link ParticipantIdentity}, in display order. */
export const participantKinds = ['site', 'user', 'recorder', 'monitor'] as const;

/** One of {@link participantKinds}. */
export type ParticipantKind = (typeof participantKinds)[number];

/** What a unit code may look like (the GSO codes and the demo's 'VP-249-11' both fit). */
export const UNIT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const OBJECT_ID_PATTERN = /^[0-9a-f]{24}$/;

/** Parses an identity; null when it is not one of the known forms. */
export function parseParticipantIdentity(identity: string): ParticipantIdentity | null {
  const colon = identity.indexOf(':');
  if (colon < 0) return null;
  const kind = identity.slice(0, colon);
  const rest = identity.slice(colon + 1);
  switch (kind) {
    case 'site':
      return UNIT_CODE_PATTERN.test(rest) ? { kind, unitCode: rest } : null;
    case 'user':
      return OBJECT_ID_PATTERN.test(rest) ? { kind, userId: rest } : null;
    case 'recorder':
    case 'monitor':
      return OBJECT_ID_PATTERN.test(rest) ? { kind, meetingId: rest } : null;
    default:
      return null;
  }
}

/**
 * Formats an identity; the inverse of {@link parseParticipantIdentity}.
 * @throws Error when a part does not fit the format (a bug in the caller, not user input).
 */
export function formatParticipantIdentity(identity: ParticipantIdentity): string {
  const text = formatUnchecked(identity);
  if (!parseParticipantIdentity(text)) throw new Error(`invalid participant identity: ${text}`);
  return text;
}

function formatUnchecked(identity: ParticipantIdentity): string {
  switch (identity.kind) {
    case 'site':
      return `site:${identity.unitCode}`;
    case 'user':
      return `user:${identity.userId}`;
    case 'recorder':
      return `recorder:${identity.meetingId}`;
    case 'monitor':
      return `monitor:${identity.meetingId}`;
  }
}

/** `site:<unitCode>`. @throws Error for a malformed unit code. */
export const siteIdentity = (unitCode: string): string =>
  formatParticipantIdentity({ kind: 'site', unitCode });

/** `user:<userId>`. @throws Error for a malformed user id. */
export const userIdentity = (userId: string): string =>
  formatParticipantIdentity({ kind: 'user', userId });

/** `recorder:<meetingId>`. @throws Error for a malformed meeting id. */
export const recorderIdentity = (meetingId: string): string =>
  formatParticipantIdentity({ kind: 'recorder', meetingId });

/**
 * `monitor:<meetingId>`: where clients send their connection-quality reports.
 * @throws Error for a malformed meeting id.
 */
export const monitorIdentity = (meetingId: string): string =>
  formatParticipantIdentity({ kind: 'monitor', meetingId });

/** Whether an identity belongs to a server-side helper (recorder, monitor), not to an attendee. */
export function isServiceIdentity(identity: string): boolean {
  const parsed = parseParticipantIdentity(identity);
  return parsed?.kind === 'recorder' || parsed?.kind === 'monitor';
}
