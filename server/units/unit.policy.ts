import type { AuthUser } from '../auth/auth-user';
import { hasRole } from '../auth/auth-user';

/** The part of a unit a policy decision needs. */
export interface UnitScope {
  id: string;
  ancestorIds: string[];
}

/** Whether `unit` is the user's own unit or lies below it. */
export function isWithinOwnUnit(user: AuthUser, unit: UnitScope): boolean {
  return unit.id === user.unitId || unit.ancestorIds.includes(user.unitId);
}

/**
 * Who may create, change or end a unit: system administrators anywhere; unit administrators
 * strictly below their own unit (never their own unit or above).
 */
export function canManageUnit(user: AuthUser, unit: UnitScope): boolean {
  if (hasRole(user, 'system_admin')) return true;
  return hasRole(user, 'unit_admin') && unit.ancestorIds.includes(user.unitId);
}

/** Who may create a unit under `parent` (null: a new root, system administrators only). */
export function canCreateUnitUnder(user: AuthUser, parent: UnitScope | null): boolean {
  if (hasRole(user, 'system_admin')) return true;
  return parent !== null && hasRole(user, 'unit_admin') && isWithinOwnUnit(user, parent);
}
