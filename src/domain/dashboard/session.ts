import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import type { Db } from '../../db/client';
import type { AppConfig } from '../../env';
import { ApiError } from '../../errors';
import { tenantSecret } from '../subscribers/subscriber-token';

/**
 * Dashboard sessions: after signing in with an API key, the browser holds only a short-lived HS256 JWT in an
 * HttpOnly cookie, never the key. It names the tenant and the key; every request re-reads the key, so revoking it
 * ends the session at once. Signed with the tenant's own secret (the one of subscriber tokens) under a distinct
 * audience, so it is never accepted as a subscriber or unsubscribe token, nor they as a session.
 */
export const SESSION_COOKIE = 'nk_session';
export const SESSION_TTL_SECONDS = 8 * 3600;
const ISSUER = 'notifykit';
const AUDIENCE = 'dashboard';

export interface DashboardSession {
  tenantId: string;
  keyId: string;
  expiresAt: Date;
}

/** Signs a session for `keyId` of `tenantId` (creating the tenant's secret on first use). */
export async function issueDashboardSession(
  db: Db,
  config: AppConfig,
  claims: { tenantId: string; keyId: string },
  now = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  const secret = await tenantSecret(db, config, claims.tenantId, true);
  if (!secret) throw new ApiError('invalid_api_key', 'API key not recognised');
  const exp = Math.floor(now / 1000) + SESSION_TTL_SECONDS;
  const token = await new SignJWT({ tid: claims.tenantId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.keyId)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(exp)
    .sign(secret);
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * Verifies signature (HS256 only), issuer, audience and expiry against the tenant's secret. Refusals are 401
 * `invalid_api_key` and clear the cookie, so a browser does not keep sending a dead session.
 */
export async function verifyDashboardSession(
  db: Db,
  config: AppConfig,
  token: string,
  secure: boolean,
): Promise<DashboardSession> {
  const invalid = (why: string) =>
    new ApiError('invalid_api_key', `Dashboard session rejected: ${why}; sign in again`, undefined, {
      'Set-Cookie': sessionCookie('', { secure, maxAgeSeconds: 0 }),
    });
  let tenantId: unknown;
  try {
    tenantId = decodeJwt(token).tid;
  } catch {
    throw invalid('malformed');
  }
  if (typeof tenantId !== 'string') throw invalid('malformed');
  const secret = await tenantSecret(db, config, tenantId, false);
  if (!secret) throw invalid('unknown tenant');
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    if (!payload.sub || typeof payload.exp !== 'number') throw invalid('incomplete claims');
    return { tenantId, keyId: payload.sub, expiresAt: new Date(payload.exp * 1000) };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof errors.JWTExpired) throw invalid('expired');
    throw invalid('bad signature or claims');
  }
}

/**
 * The `Set-Cookie` value: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Path=/
 * (the dashboard calls /v1), Secure outside local development. An empty value with max-age 0 clears it.
 */
export function sessionCookie(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    `Max-Age=${opts.maxAgeSeconds}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
