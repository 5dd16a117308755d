import type { AuthUser } from '../auth/auth-user';
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

/** Which roles the actor may give: only system administrators make system administrators. */
export function canGrantRoles(actor: AuthUser, roles: readonly UserRole[]): boolean {
  if (hasRole(actor, 'system_admin')) return true;
  return !roles.includes('system_admin');
}
