import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, JWTPayload, SignJWT } from 'jose';
import { DomainError, Role, ROLES } from '@makebuy/domain';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

export interface VerifiedToken {
  sub: string;
  roles: Role[];
}

/** Verifies bearer tokens: HS256 with AUTH_JWT_SECRET, or RS256 from AUTH_JWKS_URL when configured. */
@Injectable()
export class TokenService {
  private readonly secret: Uint8Array;
  /** The secret as a key object, made once: given the bytes, jose makes one on every verification. */
  private readonly hmacKey: KeyObject;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;
  private readonly maxAgeSeconds: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.secret = new TextEncoder().encode(config.jwtSecret);
    this.hmacKey = createSecretKey(this.secret);
    this.jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : null;
    this.maxAgeSeconds = config.maxTokenAgeSeconds;
  }

  async verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'RS256' && this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, { algorithms: ['RS256'], requiredClaims: ['sub', 'exp'] }));
      } else {
        ({ payload } = await jwtVerify(token, this.hmacKey, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }));
      }
    } catch (e) {
      throw new DomainError('UNAUTHENTICATED', `invalid token: ${describe(e)}`);
    }
    const lifeProblem = tokenLifeProblem(payload, this.maxAgeSeconds);
    if (lifeProblem) throw new DomainError('UNAUTHENTICATED', `invalid token: ${lifeProblem}`);
    const roles = payload.roles;
    if (
      !Array.isArray(roles) ||
      !roles.every((r) => typeof r === 'string' && (ROLES as readonly string[]).includes(r))
    ) {
      throw new DomainError('UNAUTHENTICATED', `invalid token: roles must be an array of ${ROLES.join(', ')}`);
    }
    if (typeof payload.sub !== 'string' || !payload.sub)
      throw new DomainError('UNAUTHENTICATED', 'invalid token: sub missing');
    return { sub: payload.sub, roles: [...new Set(roles as Role[])] };
  }

  /** Development and test tokens (HS256). */
  sign(sub: string, roles: Role[], expiresIn: string | number = '12h'): Promise<string> {
    return signToken(this.secret, sub, roles, expiresIn);
  }
}

/** Tolerated difference between the issuer's clock and ours for `iat`. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * AUTH_MAX_TOKEN_AGE: a token may live at most `maxAgeSeconds` (`exp - iat`, or `exp - now`
 * without `iat`), and may not claim to be issued in the future beyond the clock skew.
 */
export function tokenLifeProblem(
  payload: { exp?: number; iat?: number },
  maxAgeSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | null {
  if (typeof payload.exp !== 'number') return 'exp missing';
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) return 'iat is not a number';
    if (payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) return 'issued in the future (iat)';
  }
  const life = payload.exp - (payload.iat ?? nowSeconds);
  if (life > maxAgeSeconds) return `lives longer than the accepted ${maxAgeSeconds} s (AUTH_MAX_TOKEN_AGE)`;
  return null;
}

export function signToken(
  secret: Uint8Array | string,
  sub: string,
  roles: Role[],
  expiresIn: string | number = '12h',
): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

/** When a token this service signed expires (for the CLIs that print it). */
export function expiryOf(token: string): Date {
  return new Date((decodeJwt(token).exp ?? 0) * 1000);
}

function describe(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm not allowed';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return (e as Error).message;
    default:
      return 'malformed';
  }
}
