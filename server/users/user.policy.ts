import type { AuthUser } from '../auth/auth-user';
import { forbidden } from '../errors';
import { hasRole } from '../auth/auth-user';
import type { UserRole } from '../contracts/users';
import type { UnitScope } from '../units/unit.policy';
import { isWithinOwnUnit } from '../units/unit.policy';

/** Whether the user administers accounts at all (sees inactive accounts, roles). */
export function isAdministrator(user: AuthUser): boolean {
  return hasRole(user, 'system_admin') || hasRole(user, 'unit_admin');
}

/**
 * Who may create or change an account in `unit`: system administrators anywhere, unit
 * administrators in their own unit and below.
 */
export function canManageUsersIn(actor: AuthUser, unit: UnitScope): boolean {
  if (hasRole(actor, 'system_admin')) return true;
  return hasRole(actor, 'unit_admin') && isWithinOwnUnit(actor, unit);
}

// A site operator runs a bridge point: no authority over accounts, so it ranks with members.
const ROLE_RANK: Readonly<Record<UserRole, number>> = {
  member: 0,
  site_operator: 0,
  unit_admin: 1,
  system_admin: 2,
};

/** The highest system role among `roles`, as a number (member and site_operator 0, unit_admin 1, system_admin 2). */
export function rankOf(roles: readonly UserRole[]): number {
  return roles.reduce((top, r) => Math.max(top, ROLE_RANK[r]), 0);
}

/** Which roles the actor may give: none above the actor's own. */
export function canGrantRoles(actor: AuthUser, roles: readonly UserRole[]): boolean {
  return rankOf(roles) <= rankOf(actor.roles);
}

/**
 * SECURITY: whether the actor may change, deactivate or set the password of an account
 * holding `targetRoles`: never one that holds a role above the actor's own (a unit
 * administrator never takes over a system administrator whose account sits in their unit).
 * The unit scope (`canManageUsersIn`) applies as well.
 */
export function canActOnAccount(actor: AuthUser, targetRoles: readonly UserRole[]): boolean {
  return rankOf(targetRoles) <= rankOf(actor.roles);
}

/**
 * A route's `authorize` for account and unit changes: only administrators get as far as the
 * body (the unit scope is checked next, by the service).
 * @throws AppError 403 for anyone else.
 */
export function administratorsOnly({ user }: { user: AuthUser }): void {
  if (!isAdministrator(user)) throw forbidden('Only administrators change accounts and units.');
}
