import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** The console's session: the bearer token itself, in an httpOnly, SameSite=Strict cookie. */
export const SESSION_COOKIE = 'mb_session';
/** Readable by the console's script, sent back as X-CSRF-Token on every write (double submit). */
export const CSRF_COOKIE = 'mb_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Credential {
  token: string;
  via: 'header' | 'cookie';
}

/**
 * The caller's token: an Authorization header wins; otherwise the session cookie. A cookie-borne
 * write must carry the CSRF token bound to that session, or the cookie does not count.
 */
export function credentialOf(req: Request, secret: string): Credential | { error: string } | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? { token: m[1], via: 'header' } : null;
  }
  const token = cookieOf(req, SESSION_COOKIE);
  if (!token) return null;
  if (!SAFE_METHODS.has(req.method.toUpperCase())) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, csrfTokenFor(secret, token))) {
      return { error: 'a write with the session cookie needs the X-CSRF-Token header of that session' };
    }
  }
  return { token, via: 'cookie' };
}

/** Whether the request carries credentials at all (a bearer header or the console's session cookie). */
export function carriesCredentials(req: Request): boolean {
  return req.headers.authorization !== undefined || cookieOf(req, SESSION_COOKIE) !== null;
}

/** Bound to the session token, so a token from another session (or none) fails. */
export function csrfTokenFor(secret: string, sessionToken: string): string {
  return createHmac('sha256', secret).update(`csrf:${sessionToken}`).digest('base64url');
}

export function cookieOf(req: Request, name: string): string | null {
  const fromParser = (req as Request & { cookies?: Record<string, unknown> }).cookies?.[name];
  if (typeof fromParser === 'string' && fromParser) return fromParser;
  return null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
