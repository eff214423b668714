import { and, eq, isNull } from 'drizzle-orm';
import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import type { Db } from '../../db/client';
import { tenants } from '../../db/schema';
import type { AppConfig } from '../../env';
import { ApiError } from '../../errors';
import { cipherKeysOf, decryptCredentials, encryptCredentials } from '../../lib/credentials-cipher';

/**
 * Subscriber tokens: short-lived HS256 JWTs a tenant's backend obtains with its API key and hands to its
 * front end, so a subscriber can manage their own preferences (and, later, read their inbox) without the key.
 * Each tenant has its own secret, so a token can never be replayed against another tenant.
 */
export const SUBSCRIBER_SCOPES = ['preferences', 'inbox'] as const;
export type SubscriberScope = (typeof SUBSCRIBER_SCOPES)[number];
export const MAX_TOKEN_TTL_SECONDS = 24 * 3600;
const ISSUER = 'notifykit';

export interface SubscriberClaims {
  tenantId: string;
  subscriberId: string;
  externalId: string;
  scopes: SubscriberScope[];
}

export async function tenantSecret(
  db: Db,
  config: AppConfig,
  tenantId: string,
  create: boolean,
): Promise<Uint8Array | null> {
  const [row] = await db
    .select({ secret: tenants.subscriberTokenSecret, keyId: tenants.subscriberTokenKeyId })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!row) return null;
  if (row.secret && row.keyId) {
    return Uint8Array.from(
      atob((await decryptCredentials(cipherKeysOf(config), tenantId, row.keyId, row.secret)) as string),
      (c) => c.charCodeAt(0),
    );
  }
  if (!create) return null;
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const sealed = await encryptCredentials(cipherKeysOf(config), tenantId, btoa(String.fromCharCode(...raw)));
  // Only set if still empty, so two first requests racing agree on one secret.
  await db
    .update(tenants)
    .set({ subscriberTokenSecret: sealed.ciphertext, subscriberTokenKeyId: sealed.keyId })
    .where(and(eq(tenants.id, tenantId), isNull(tenants.subscriberTokenSecret)));
  return tenantSecret(db, config, tenantId, false);
}

/** One-click unsubscribe tokens (RFC 8058 links): same per-tenant secret, a distinct audience, long-lived. */
const UNSUBSCRIBE_AUDIENCE = 'unsubscribe';
export const UNSUBSCRIBE_TTL_SECONDS = 365 * 86400;

/** Signs with a secret the caller already holds (the consumer fetches it once per tenant per batch). */
export function signUnsubscribeToken(
  secret: Uint8Array,
  claims: { tenantId: string; subscriberId: string; category: string | null },
) {
  return new SignJWT({ tid: claims.tenantId, cat: claims.category })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(UNSUBSCRIBE_AUDIENCE)
    .setSubject(claims.subscriberId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + UNSUBSCRIBE_TTL_SECONDS)
    .sign(secret);
}

export async function verifyUnsubscribeToken(db: Db, config: AppConfig, token: string) {
  const invalid = (why: string) => new ApiError('invalid_request', `Unsubscribe link is not valid: ${why}`);
  let tenantId: unknown;
  try {
    tenantId = decodeJwt(token).tid;
  } catch {
    throw invalid('malformed');
  }
  if (typeof tenantId !== 'string') throw invalid('malformed');
  const secret = await tenantSecret(db, config, tenantId, false);
  if (!secret) throw invalid('unknown sender');
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: UNSUBSCRIBE_AUDIENCE,
    });
    if (!payload.sub) throw invalid('incomplete');
    return { tenantId, subscriberId: payload.sub, category: typeof payload.cat === 'string' ? payload.cat : null };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof errors.JWTExpired) throw invalid('expired');
    throw invalid('bad signature');
  }
}

export async function issueSubscriberToken(db: Db, config: AppConfig, claims: SubscriberClaims, ttlSeconds: number) {
  const secret = await tenantSecret(db, config, claims.tenantId, true);
  if (!secret) throw new ApiError('not_found', 'Tenant not found');
  const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT({ tid: claims.tenantId, ext: claims.externalId, scope: claims.scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject(claims.subscriberId)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(secret);
  return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

/** Verifies signature (HS256 only: `alg: none` and others are refused), expiry, issuer and tenant; 401 otherwise. */
export async function verifySubscriberToken(db: Db, config: AppConfig, token: string): Promise<SubscriberClaims> {
  const invalid = (why: string) => new ApiError('invalid_api_key', `Subscriber token rejected: ${why}`);
  let tenantId: unknown;
  try {
    tenantId = decodeJwt(token).tid;
  } catch {
    throw invalid('malformed');
  }
  if (typeof tenantId !== 'string') throw invalid('no tenant');
  const secret = await tenantSecret(db, config, tenantId, false);
  if (!secret) throw invalid('unknown tenant');
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER });
    if (payload.aud !== undefined) throw invalid('not a subscriber token');
    const scopes = String(payload.scope ?? '')
      .split(' ')
      .filter((s): s is SubscriberScope => (SUBSCRIBER_SCOPES as readonly string[]).includes(s));
    if (!payload.sub || typeof payload.ext !== 'string') throw invalid('incomplete claims');
    return { tenantId, subscriberId: payload.sub, externalId: payload.ext, scopes };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof errors.JWTExpired) throw invalid('expired');
    throw invalid('bad signature or claims');
  }
}
