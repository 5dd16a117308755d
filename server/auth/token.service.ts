import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { appError, unauthenticated } from '../errors';

const ISSUER = 'dienhong';
const AUDIENCE = 'dienhong';

/** Claims of an access token. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

/**
 * Signs and verifies short-lived access tokens (JWT, HS256). The same token authenticates the
 * REST API, the live-state stream and the co-editing WebSocket.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** A new access token for a user's session. */
  async sign(userId: string, sessionId: string): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.accessTtlSeconds;
    const token = await new SignJWT({ sid: sessionId, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Verifies a token's signature, issuer, audience and expiry.
   * @throws AppError 401 `token_expired` or `unauthenticated`.
   */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      if (
        payload.typ !== 'access' ||
        typeof payload.sub !== 'string' ||
        typeof payload.sid !== 'string' ||
        typeof payload.exp !== 'number'
      ) {
        throw unauthenticated('The access token is not valid. Log in again.');
      }
      return {
        userId: payload.sub,
        sessionId: payload.sid,
        expiresAt: new Date(payload.exp * 1000),
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        throw appError(
          'token_expired',
          401,
          'The access token has expired. Refresh it or log in again.',
        );
      }
      if (err instanceof joseErrors.JOSEError) {
        throw unauthenticated('The access token is not valid. Log in again.');
      }
      throw err;
    }
  }
}
