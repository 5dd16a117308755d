import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { Types } from 'mongoose';
import type { SessionResponse, TicketPurpose } from '../contracts/auth';
import type { UserRole } from '../contracts/users';
import { appError, tooManyRequests, unauthenticated } from '../errors';
import { UserModel } from '../users/user.model';
import { userService } from '../users/user.service';
import type { AuthUser, Authenticator } from './auth-user';
import { KeyedQueue } from '../keyed-queue';
import { credentialService } from './credential.service';
import { LoginFailureModel } from './login-failure.model';
import { SessionModel } from './session.model';
import { ticketService } from './ticket.service';
import type { TokenService } from './token.service';

/**
 * Limits on failed logins. SECURITY: failures count per (account, address) pair, so that one
 * person mistyping behind an office proxy locks out neither their colleagues nor their own
 * account elsewhere; after `freePerPair` failures each further attempt of the pair waits
 * `baseDelaySeconds` doubled per failure, up to `maxDelaySeconds`. A much higher ceiling per
 * address (`perAddress` failures whatever the accounts) stops password spraying.
 */
export interface LoginLimits {
  /** Failures older than this are forgotten. */
  windowSeconds: number;
  freePerPair: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  perAddress: number;
}

/** Defaults: 5 free failures per pair, then 1 s, 2 s, 4 s … up to 15 min; 300 per address. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowSeconds: 900,
  freePerPair: 5,
  baseDelaySeconds: 1,
  maxDelaySeconds: 900,
  perAddress: 300,
};

/** The wait before the next attempt of a pair with `failures` recent failures (seconds, 0: none). */
export function pairDelaySeconds(limits: LoginLimits, failures: number): number {
  if (failures < limits.freePerPair) return 0;
  const doublings = Math.min(failures - limits.freePerPair, 30);
  return Math.min(limits.baseDelaySeconds * 2 ** doublings, limits.maxDelaySeconds);
}

const INVALID_CREDENTIALS = 'Wrong username or password.';
const PREVIOUS_TOKEN_GRACE_MS = 60_000;
/** How many superseded refresh secrets a session remembers to recognise their replay. */
const RETIRED_HASHES_KEPT = 8;
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

/** The path of a request as the browser asked for it (`/api/...`), without the query. */
export function requestPath(req: Request): string {
  return req.originalUrl.split('?')[0] ?? '';
}

interface CachedCaller {
  user: AuthUser;
  until: number;
}

/** Logins, refresh-token rotation, logout, and resolving the caller of a request. */
export class AuthService implements Authenticator {
  private readonly cache = new Map<string, CachedCaller>();
  /**
   * Attempts of one (account, address) pair run one after another in this process. SECURITY:
   * otherwise a burst of concurrent guesses would all pass the limit check before the first
   * failure is recorded, and the delay would never apply to them.
   */
  private readonly attempts = new KeyedQueue();

  constructor(
    private readonly tokens: TokenService,
    private readonly refreshTtlSeconds: number,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly logger: Pick<Logger, 'warn'> | null = null,
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
    const keys = [`pair:${username.toLowerCase()}|${client.ip}`, `ip:${client.ip}`];
    const found = await this.attempts.run(keys[0] as string, async () => {
      await this.enforceLimits(keys);
      const user = await userService.findByUsername(username);
      const ok = await credentialService.check(user?.id, password);
      if (!user || !ok) {
        const at = new Date();
        await LoginFailureModel.insertMany(keys.map((key) => ({ key, at })));
        throw appError('invalid_credentials', 401, INVALID_CREDENTIALS);
      }
      return user;
    });
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
   * SECURITY: a superseded token presented after that minute is a replay: someone holds a
   * copy. The session ends (every refresh and access token of it) and the event is logged.
   * @throws AppError 401 when the token is unknown, expired, revoked or replayed.
   */
  async refresh(refreshToken: string, client?: { ip: string }): Promise<SessionResponse> {
    const parsed = parseRefreshToken(refreshToken);
    const invalid = unauthenticated('The session has ended. Log in again.');
    if (!parsed) throw invalid;
    const session = await SessionModel.findById(parsed.sessionId).lean();
    const now = new Date();
    if (!session || session.revokedAt || session.expiresAt <= now) throw invalid;
    const presented = sha256(parsed.secret);
    const current = sameHash(presented, session.tokenHash);
    const isPrevious =
      !current && session.previousHash != null && sameHash(presented, session.previousHash);
    const previous =
      isPrevious && session.previousValidUntil != null && session.previousValidUntil > now;
    // Sessions opened before `retired` existed lack it (lean reads apply no defaults).
    const retired = Array.isArray(session.retired) ? session.retired : [];
    if (!current && !previous) {
      const replayed =
        isPrevious ||
        retired.some(
          (r) => sameHash(presented, r.hash) && (r.validUntil == null || r.validUntil <= now),
        );
      if (replayed) {
        await this.endReplayedSession(
          session._id.toHexString(),
          session.userId.toHexString(),
          client,
        );
      }
      throw invalid;
    }
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
          retired: [
            ...retired,
            ...(session.previousHash
              ? [{ hash: session.previousHash, validUntil: session.previousValidUntil }]
              : []),
          ].slice(-RETIRED_HASHES_KEPT),
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

  /** Ends a session whose superseded refresh token came back (theft), and says so in the log. */
  private async endReplayedSession(
    sessionId: string,
    userId: string,
    client: { ip: string } | undefined,
  ): Promise<void> {
    await SessionModel.updateOne(
      { _id: new Types.ObjectId(sessionId), revokedAt: null },
      { $set: { revokedAt: new Date(), revokedReason: 'refresh_replay' } },
    );
    this.cache.delete(sessionId);
    this.logger?.warn(
      { event: 'auth.refresh_replay', sessionId, userId, ip: client?.ip ?? null },
      'a superseded refresh token was presented again: the session is ended (possible theft)',
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
      { $set: { revokedAt: new Date(), revokedReason: 'logout' } },
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
    const caller = await this.callerOf(claims.userId, claims.sessionId);
    return { ...caller, expiresAt: claims.expiresAt };
  }

  /** The caller of an open session of an active account (cached 5 s per session). @throws AppError 401. */
  private async callerOf(userId: string, sessionId: string): Promise<AuthUser> {
    const cached = this.cache.get(sessionId);
    if (cached && cached.until > Date.now() && cached.user.id === userId) return cached.user;
    const [session, user] = await Promise.all([
      SessionModel.findById(sessionId, { revokedAt: 1, userId: 1 }).lean(),
      UserModel.findById(userId).lean(),
    ]);
    if (!session || session.revokedAt || !session.userId.equals(userId)) {
      throw unauthenticated('The session has ended. Log in again.');
    }
    if (!user?.active) throw unauthenticated('This account is deactivated.');
    const caller: AuthUser = {
      id: user._id.toHexString(),
      username: user.username,
      fullName: user.fullName,
      unitId: user.unitId.toHexString(),
      roles: [...user.roles] as UserRole[],
      sessionId,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(sessionId, { user: caller, until: Date.now() + CACHE_TTL_MS });
    return caller;
  }

  /**
   * The caller of a request: the `Authorization: Bearer` access token, or on routes that
   * allow it a ticket (`?ticket=`, see ticket.service.ts) for that route's purpose and path.
   * SECURITY: an access token in the URL (`?token=`) is refused outright, so that a client
   * still sending one fails loudly instead of leaking it into proxy logs unnoticed.
   */
  async fromRequest(req: Request, opts: { ticket?: TicketPurpose }): Promise<AuthUser | null> {
    if (req.query.token !== undefined) {
      throw unauthenticated(
        'Access tokens are not accepted in URLs. Send the Authorization header, or a ticket from POST /api/tickets.',
      );
    }
    const header = req.headers.authorization;
    if (typeof header === 'string' && header.startsWith('Bearer ')) {
      const { expiresAt: _expiresAt, ...user } = await this.verifyAccessToken(
        header.slice(7).trim(),
      );
      return user;
    }
    const ticket = req.query.ticket;
    if (opts.ticket && typeof ticket === 'string') {
      const holder = await ticketService.redeem(ticket, opts.ticket, requestPath(req));
      // A copy: the cached caller is shared by the session's requests.
      return { ...(await this.callerOf(holder.userId, holder.sessionId)) };
    }
    return null;
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
    const now = Date.now();
    const since = new Date(now - this.limits.windowSeconds * 1000);
    await LoginFailureModel.deleteMany({ at: { $lt: since } });
    const [pairKey, addressKey] = keys as [string, string];
    const [pairFailures, lastPairFailure, addressFailures] = await Promise.all([
      LoginFailureModel.countDocuments({ key: pairKey, at: { $gte: since } }),
      LoginFailureModel.findOne({ key: pairKey, at: { $gte: since } }, { at: 1 })
        .sort({ at: -1 })
        .lean(),
      LoginFailureModel.find({ key: addressKey, at: { $gte: since } }, { at: 1 })
        .sort({ at: 1 })
        .limit(this.limits.perAddress)
        .lean(),
    ]);
    const delay = pairDelaySeconds(this.limits, pairFailures);
    if (delay > 0 && lastPairFailure) {
      const waitMs = lastPairFailure.at.getTime() + delay * 1000 - now;
      if (waitMs > 0) {
        const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
        throw tooManyRequests(
          `Too many failed logins for this account from this address. Wait ${waitLabel(retryAfter)} and try again, or ask your administrator.`,
          retryAfter,
        );
      }
    }
    if (addressFailures.length >= this.limits.perAddress) {
      const oldest = addressFailures[0]?.at.getTime() ?? now;
      const retryAfter = Math.max(
        1,
        Math.ceil((oldest + this.limits.windowSeconds * 1000 - now) / 1000),
      );
      throw tooManyRequests(
        `Too many failed logins from this address. Wait ${waitLabel(retryAfter)} and try again, or ask your administrator.`,
        retryAfter,
      );
    }
  }
}

function waitLabel(seconds: number): string {
  return seconds < 120 ? `${seconds} second(s)` : `${Math.ceil(seconds / 60)} minute(s)`;
}
