import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Db } from '../../db/client';
import { findApiKeyByHash, findApiKeyById } from '../../db/queries/api-keys';
import { hashApiKey, parseApiKey } from '../../domain/api-keys/key-format';
import { keyStatus } from '../../domain/api-keys/key-status';
import { hasScope, type Scope } from '../../domain/api-keys/scopes';
import { SESSION_COOKIE, verifyDashboardSession } from '../../domain/dashboard/session';
import { ApiError } from '../../errors';
import type { AppEnv } from '../context';
import { withAccess } from './access';
import { idempotentPost } from './idempotency';
import { enforceRateLimit } from './rate-limit';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

type AuthKey = NonNullable<Awaited<ReturnType<typeof findApiKeyByHash>>>;

/** 403 insufficient_scope unless the key's scopes grant `scope`; `needed` says for what, when not the route. */
export function demandScope(granted: readonly string[], scope: Scope, needed?: string) {
  if (!hasScope(granted, scope)) {
    throw new ApiError(
      'insufficient_scope',
      `This API key lacks the '${scope}' scope${needed ? `, which ${needed} needs` : ''}`,
    );
  }
}

/**
 * Authenticates `Authorization: Bearer <api key>` — or, with no Authorization header, the dashboard's session
 * cookie, which stands for the API key it was signed in with — applies the key's rate limit, checks `scope`, and
 * runs a POST under its Idempotency-Key (per tenant). Order matters: a typo is refused by checksum before any I/O,
 * a revoked key fails on its next request because keys are looked up on every call (no cache to go stale), and
 * a replay is only served to a caller allowed to make the request.
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  const who = scope === 'admin' ? 'an API key with `admin`' : `an API key with \`${scope}\` or \`admin\``;
  return withAccess(
    async (c, next) => {
      const header = c.req.header('authorization');
      const key = header
        ? await throttleFailures(c, keyFromBearer(c.var.db, header))
        : await keyFromDashboardSession(c);

      c.set('auth', { tenantId: key.tenantId, keyId: key.id, mode: key.mode, scopes: key.scopes });
      c.set('log', c.var.log.child({ tenantId: key.tenantId, keyId: key.id }));
      const perSecond = key.tenantRateLimitPerSecond ?? c.var.config.API_RATE_LIMIT_PER_SECOND;
      await enforceRateLimit(c, `key:${key.id}`, { capacity: perSecond, refillPerSecond: perSecond });

      demandScope(key.scopes, scope);
      return idempotentPost(c, { tenantId: key.tenantId }, next);
    },
    {
      security: [{ ApiKey: [] }],
      scope,
      line: `Required scope: \`${scope}\` (${who}).`,
      idempotent: true,
    },
  );
}

/** Failed key checks allowed per client IP: a burst of 30, then one every 2 s (answers 429 beyond). */
const FAILED_KEY_POLICY = { capacity: 30, refillPerSecond: 0.5 };

/**
 * Keys are 256-bit random (and subscriber tokens signed), so guessing is hopeless anyway; throttling failed attempts
 * per IP still keeps a scanner from using us as an oracle at full speed (and keeps its noise out of the database).
 */
export async function throttleFailures<T>(c: Context<AppEnv>, attempt: Promise<T>): Promise<T> {
  try {
    return await attempt;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid_api_key') {
      const ip = c.req.header('cf-connecting-ip') ?? 'unknown';
      await enforceRateLimit(c, `bad-key:${ip}`, FAILED_KEY_POLICY);
    }
    throw err;
  }
}

async function keyFromBearer(db: Db, header: string): Promise<AuthKey> {
  const token = BEARER.exec(header)?.[1];
  if (!token) throw new ApiError('invalid_api_key', 'Authorization header must be "Bearer <key>"');
  return activeApiKey(db, token);
}

/** An API key given in full (a Bearer header, the dashboard's sign-in form), refused unless active or expiring. */
export async function activeApiKey(db: Db, token: string): Promise<AuthKey> {
  if (!parseApiKey(token)) {
    throw new ApiError('invalid_api_key', 'API key is malformed or mistyped (checksum mismatch)');
  }
  return usable(await findApiKeyByHash(db, await hashApiKey(token)));
}

function usable(key: AuthKey | undefined): AuthKey {
  if (!key) throw new ApiError('invalid_api_key', 'API key not recognised');
  const status = keyStatus(key);
  if (status === 'revoked') throw new ApiError('api_key_revoked', 'API key has been revoked');
  if (status === 'expired') throw new ApiError('api_key_expired', 'API key has expired (it was rolled)');
  return key;
}

/**
 * The dashboard's `nk_session` cookie (src/domain/dashboard/session.ts). Browsers attach cookies to requests other
 * pages trigger, so a write must come from our own origin (SameSite=Strict still lets same-site origins through,
 * e.g. another port of the same host).
 */
async function keyFromDashboardSession(c: Context<AppEnv>): Promise<AuthKey> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) throw new ApiError('missing_api_key', 'Send your API key as "Authorization: Bearer <key>"');
  if (!SAFE_METHODS.has(c.req.method) && c.req.header('origin') !== new URL(c.req.url).origin) {
    throw new ApiError('origin_not_allowed', 'A request authenticated by the dashboard cookie must come from its page');
  }
  const secure = c.var.config.ENVIRONMENT === 'production';
  const session = await verifyDashboardSession(c.var.db, c.var.config, token, secure);
  return usable(await findApiKeyById(c.var.db, session.tenantId, session.keyId));
}
