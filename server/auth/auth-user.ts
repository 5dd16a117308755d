import type { Request } from 'express';
import type { TicketPurpose } from '../contracts/auth';
import type { UserRole } from '../contracts/users';

/** The authenticated caller of a request, as routes and policies see it. */
export interface AuthUser {
  id: string;
  username: string;
  fullName: string;
  unitId: string;
  roles: UserRole[];
  sessionId: string;
}

/** Resolves the caller of a request from its access token. */
export interface Authenticator {
  /**
   * The caller, or null when the request carries no token (nor, where `opts.ticket` allows
   * one, a ticket for that purpose).
   * @throws AppError 401 when a token or ticket is present but invalid, expired or revoked.
   */
  fromRequest(req: Request, opts: { ticket?: TicketPurpose }): Promise<AuthUser | null>;
}

/** Whether the user holds a system-wide role. */
export function hasRole(user: Pick<AuthUser, 'roles'>, role: UserRole): boolean {
  return user.roles.includes(role);
}
