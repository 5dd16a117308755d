import type { AuthUser } from '../auth/auth-user';
import { hasRole } from '../auth/auth-user';
import type { MeetingRole, MeetingState, MeetingVisibility } from '../contracts/meetings';

/**
 * What one user is to one meeting: the input of every meeting policy. Built by
 * `accessOf(user, meetingId)` (meeting-access.service.ts); the collab server, the media
 * layer and the minutes module decide with the same data.
 */
export interface MeetingAccess {
  meetingId: string;
  userId: string;
  state: MeetingState;
  visibility: MeetingVisibility;
  /** The caller's meeting role, if invited. */
  role: MeetingRole | null;
  /** The caller votes and counts towards the quorum. */
  voting: boolean;
  /** Whose seat the caller fills as a substitute, if any. */
  substituteFor: string | null;
  /** Sites (bridge points) the caller operates. */
  operatedSiteIds: string[];
  /** Unit administrator of the host unit or a unit above it. */
  hostAdmin: boolean;
  systemAdmin: boolean;
  /** The caller's unit is the host unit or lies below it. */
  inHostUnit: boolean;
}

/** Invited in person or running one of the meeting's sites. */
export function takesPart(a: MeetingAccess): boolean {
  return a.role !== null || a.operatedSiteIds.length > 0;
}

/** Who may see the meeting: by visibility, or by taking part, or by administering the host. */
export function canView(a: MeetingAccess): boolean {
  if (a.systemAdmin || a.hostAdmin || takesPart(a)) return true;
  if (a.visibility === 'public') return true;
  return a.visibility === 'internal' && a.inHostUnit;
}

/**
 * Whether a refusal must hide that the meeting exists: a confidential meeting answers 404 to
 * anyone who may not see it.
 */
export function hidesExistence(a: MeetingAccess): boolean {
  return a.visibility === 'confidential' && !canView(a);
}

/** Who moves the lifecycle and changes the meeting: the chair, the secretary, the host's admin. */
export function canManage(a: MeetingAccess): boolean {
  return a.role === 'chair' || a.role === 'secretary' || a.hostAdmin || a.systemAdmin;
}

/** Who drives the meeting itself (current item, floor, polls): the chair. */
export function canChair(a: MeetingAccess): boolean {
  return a.role === 'chair';
}

/** Who may read and download the meeting's documents: those taking part, and its managers. */
export function canReadDocuments(a: MeetingAccess): boolean {
  return takesPart(a) || canManage(a);
}

/** Who may add documents: the chair, the secretary, presenters and the host's admin. */
export function canAddDocuments(a: MeetingAccess): boolean {
  return canManage(a) || a.role === 'presenter';
}

/** Who takes the roll call for everyone: the chair and the secretary. */
export function canTakeRollCall(a: MeetingAccess): boolean {
  return a.role === 'chair' || a.role === 'secretary';
}

/** Who may read the audit chain: the meeting's managers. */
export function canReadAudit(a: MeetingAccess): boolean {
  return canManage(a);
}

/** Whether the caller speaks for a site. */
export function operatesSite(a: MeetingAccess, siteId: string): boolean {
  return a.operatedSiteIds.includes(siteId);
}

/**
 * Who may name `hostUnitPath` (the unit's ancestors then the unit) as a meeting's host, at
 * creation and at every later change alike: system administrators anywhere; anyone for their
 * own unit or a unit above it (`actorChain`: the caller's unit and those above); unit
 * administrators also for units below their own. The host's administrators get host rights
 * and the published minutes carry the host's signature, hence one rule for both paths.
 */
export function canHostIn(
  actor: AuthUser,
  actorChain: readonly string[],
  hostUnitPath: readonly string[],
): boolean {
  const hostId = hostUnitPath[hostUnitPath.length - 1];
  if (hostId === undefined) return false;
  if (hasRole(actor, 'system_admin')) return true;
  if (actorChain.includes(hostId)) return true;
  return hasRole(actor, 'unit_admin') && hostUnitPath.includes(actor.unitId);
}
