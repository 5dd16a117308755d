import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { Types } from 'mongoose';
import type { SessionResponse } from '../contracts/auth';
import type { UserRole } from '../contracts/users';
import { appError, tooManyRequests, unauthenticated } from '../errors';
import { UserModel } from '../users/user.model';
import { userService } from '../users/user.service';
import type { AuthUser, Authenticator } from './auth-user';
import { credentialService } from './credential.service';
import { LoginFailureModel } from './login-failure.model';
import { SessionModel } from './session.model';
import type { TokenService } from './token.service';

/** Limits on failed logins, per account and per client address, over a sliding window. */
export interface LoginLimits {
  windowSeconds: number;
  perAccount: number;
  perAddress: number;
}

/** Defaults: 5 failures per account or 30 per address within 15 minutes. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowSeconds: 900,
  perAccount: 5,
  perAddress: 30,
};

const INVALID_CREDENTIALS = 'Wrong username or password.';
const PREVIOUS_TOKEN_GRACE_MS = 60_000;
const CACHE_TTL_MS = 5_000;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function parseRefreshToken(token: string): { sessionId: string; secret: string } | null {
  const [sessionId, secret, ...rest] = token.split('.');
  if (
    rest.length ||
    !sessionId ||
    !secret ||
    !Types.ObjectId.isValid(sessionId) ||
    sessionId.length !== 24
  ) {
    return null;
  }
  return { sessionId, secret };
}

interface CachedCaller {
  user: AuthUser;
  until: number;
}

/** Logins, refresh-token rotation, logout, and resolving the caller of a request. */
export class AuthService implements Authenticator {
  private readonly cache = new Map<string, CachedCaller>();

  constructor(
    private readonly tokens: TokenService,
    private readonly refreshTtlSeconds: number,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  /**
   * Checks a username and password and opens a session.
   * @throws AppError 401 `invalid_credentials` (same message for unknown user and wrong
   * password), 403 `account_disabled`, 429 `rate_limited` with Retry-After.
   */
  async login(
    username: string,
    password: string,
    client: { ip: string; userAgent: string | undefined },
  ): Promise<SessionResponse> {
    const keys = [`user:${username.toLowerCase()}`, `ip:${client.ip}`];
    await this.enforceLimits(keys);
    const found = await userService.findByUsername(username);
    const ok = await credentialService.check(found?.id, password);
    if (!found || !ok) {
      const at = new Date();
      await LoginFailureModel.insertMany(keys.map((key) => ({ key, at })));
      throw appError('invalid_credentials', 401, INVALID_CREDENTIALS);
    }
    if (!found.active) {
      throw appError(
        'account_disabled',
        403,
        'This account is deactivated. Ask your unit administrator.',
      );
    }
    await LoginFailureModel.deleteMany({ key: keys[0] });
    const secret = randomBytes(32).toString('base64url');
    const session = await SessionModel.create({
      userId: new Types.ObjectId(found.id),
      tokenHash: sha256(secret),
      expiresAt: new Date(Date.now() + this.refreshTtlSeconds * 1000),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    return this.issue(found.id, session._id.toHexString(), secret, session.expiresAt);
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token. The previous
   * refresh token stays valid for a minute so that two tabs refreshing at once both succeed.
   * @throws AppError 401 when the token is unknown, expired or revoked.
   */
  async refresh(refreshToken: string): Promise<SessionResponse> {
    const parsed = parseRefreshToken(refreshToken);
    const invalid = unauthenticated('The session has ended. Log in again.');
    if (!parsed) throw invalid;
    const session = await SessionModel.findById(parsed.sessionId).lean();
    const now = new Date();
    if (!session || session.revokedAt || session.expiresAt <= now) throw invalid;
    const presented = sha256(parsed.secret);
    const current = sameHash(presented, session.tokenHash);
    const previous =
      !current &&
      session.previousHash != null &&
      session.previousValidUntil != null &&
      session.previousValidUntil > now &&
      sameHash(presented, session.previousHash);
    if (!current && !previous) throw invalid;
    const user = await UserModel.findById(session.userId, { active: 1 }).lean();
    if (!user?.active) throw invalid;
    const secret = randomBytes(32).toString('base64url');
    const rotated = await SessionModel.updateOne(
      { _id: session._id, tokenHash: session.tokenHash, revokedAt: null },
      {
        $set: {
          tokenHash: sha256(secret),
          previousHash: session.tokenHash,
          previousValidUntil: new Date(now.getTime() + PREVIOUS_TOKEN_GRACE_MS),
        },
      },
    );
    if (rotated.matchedCount !== 1) throw invalid;
    return this.issue(
      session.userId.toHexString(),
      session._id.toHexString(),
      secret,
      session.expiresAt,
    );
  }

  /** Ends the session of a refresh token or of the calling access token. Never throws for an unknown token. */
  async logout(opts: {
    refreshToken?: string | undefined;
    sessionId?: string | undefined;
  }): Promise<void> {
    const sessionId =
      opts.sessionId ??
      (opts.refreshToken ? parseRefreshToken(opts.refreshToken)?.sessionId : undefined);
    if (!sessionId) return;
    await SessionModel.updateOne(
      { _id: new Types.ObjectId(sessionId), revokedAt: null },
      { $set: { revokedAt: new Date() } },
    );
    this.cache.delete(sessionId);
  }

  /**
   * Changes the caller's own password after checking the current one; other sessions end.
   * @throws AppError 401 when the current password is wrong.
   */
  async changeOwnPassword(
    user: AuthUser,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    if (!(await credentialService.check(user.id, currentPassword))) {
      throw appError('invalid_credentials', 401, 'The current password is wrong.');
    }
    await credentialService.setPassword(user.id, newPassword);
    await SessionModel.updateMany(
      {
        userId: new Types.ObjectId(user.id),
        revokedAt: null,
        _id: { $ne: new Types.ObjectId(user.sessionId) },
      },
      { $set: { revokedAt: new Date() } },
    );
  }

  /**
   * Resolves an access token to its caller: signature and expiry, then the session (not
   * revoked) and the account (active). Cached for 5 s per session.
   * @throws AppError 401.
   */
  async verifyAccessToken(token: string): Promise<AuthUser & { expiresAt: Date }> {
    const claims = await this.tokens.verify(token);
    const cached = this.cache.get(claims.sessionId);
    if (cached && cached.until > Date.now() && cached.user.id === claims.userId) {
      return { ...cached.user, expiresAt: claims.expiresAt };
    }
    const [session, user] = await Promise.all([
      SessionModel.findById(claims.sessionId, { revokedAt: 1, userId: 1 }).lean(),
      UserModel.findById(claims.userId).lean(),
    ]);
    if (!session || session.revokedAt || !session.userId.equals(claims.userId)) {
      throw unauthenticated('The session has ended. Log in again.');
    }
    if (!user?.active) throw unauthenticated('This account is deactivated.');
    const caller: AuthUser = {
      id: user._id.toHexString(),
      username: user.username,
      fullName: user.fullName,
      unitId: user.unitId.toHexString(),
      roles: [...user.roles] as UserRole[],
      sessionId: claims.sessionId,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(claims.sessionId, { user: caller, until: Date.now() + CACHE_TTL_MS });
    return { ...caller, expiresAt: claims.expiresAt };
  }

  async fromRequest(req: Request, opts: { tokenInQuery: boolean }): Promise<AuthUser | null> {
    const header = req.headers.authorization;
    let token: string | undefined;
    if (typeof header === 'string' && header.startsWith('Bearer ')) token = header.slice(7).trim();
    else if (opts.tokenInQuery && typeof req.query.token === 'string') token = req.query.token;
    if (!token) return null;
    const { expiresAt: _expiresAt, ...user } = await this.verifyAccessToken(token);
    return user;
  }

  private async issue(
    userId: string,
    sessionId: string,
    secret: string,
    refreshExpiresAt: Date,
  ): Promise<SessionResponse> {
    const [{ token, expiresAt }, user] = await Promise.all([
      this.tokens.sign(userId, sessionId),
      userService.get(userId),
    ]);
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      refreshToken: `${sessionId}.${secret}`,
      refreshExpiresAt: refreshExpiresAt.toISOString(),
      user,
    };
  }

  private async enforceLimits(keys: string[]): Promise<void> {
    const since = new Date(Date.now() - this.limits.windowSeconds * 1000);
    await LoginFailureModel.deleteMany({ at: { $lt: since } });
    const [accountKey, addressKey] = keys as [string, string];
    for (const [key, limit] of [
      [accountKey, this.limits.perAccount],
      [addressKey, this.limits.perAddress],
    ] as const) {
      const recent = await LoginFailureModel.find({ key, at: { $gte: since } }, { at: 1 })
        .sort({ at: 1 })
        .limit(limit)
        .lean();
      if (recent.length >= limit) {
        const oldest = recent[0]?.at.getTime() ?? Date.now();
        const retryAfter = Math.max(
          1,
          Math.ceil((oldest + this.limits.windowSeconds * 1000 - Date.now()) / 1000),
        );
        throw tooManyRequests(
          `Too many failed logins. Wait ${Math.ceil(retryAfter / 60)} minute(s) and try again, or ask your administrator.`,
          retryAfter,
        );
      }
    }
  }
}
