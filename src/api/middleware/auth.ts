import type { MiddlewareHandler } from 'hono';
import { findApiKeyByHash } from '../../db/queries/api-keys';
import { hashApiKey, parseApiKey } from '../../domain/api-keys/key-format';
import { keyStatus } from '../../domain/api-keys/key-status';
import { hasScope, type Scope } from '../../domain/api-keys/scopes';
import { ApiError } from '../../errors';
import type { AppEnv } from '../context';
import { enforceRateLimit } from './rate-limit';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Authenticates `Authorization: Bearer <api key>`, applies the key's rate limit, then checks `scope`.
 * Order matters: a typo is refused by checksum before any I/O, and a revoked key fails on its next request
 * because keys are looked up on every call (no cache to go stale).
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw new ApiError('missing_api_key', 'Send your API key as "Authorization: Bearer <key>"');
    const token = BEARER.exec(header)?.[1];
    if (!token) throw new ApiError('invalid_api_key', 'Authorization header must be "Bearer <key>"');
    if (!parseApiKey(token)) {
      throw new ApiError('invalid_api_key', 'API key is malformed or mistyped (checksum mismatch)');
    }
    const key = await findApiKeyByHash(c.var.db, await hashApiKey(token));
    if (!key) throw new ApiError('invalid_api_key', 'API key not recognised');
    const status = keyStatus(key);
    if (status === 'revoked') throw new ApiError('api_key_revoked', 'API key has been revoked');
    if (status === 'expired') throw new ApiError('api_key_expired', 'API key has expired (it was rolled)');

    c.set('auth', { tenantId: key.tenantId, keyId: key.id, mode: key.mode, scopes: key.scopes });
    c.set('log', c.var.log.child({ tenantId: key.tenantId, keyId: key.id }));
    const perSecond = key.tenantRateLimitPerSecond ?? c.var.config.API_RATE_LIMIT_PER_SECOND;
    await enforceRateLimit(c, `key:${key.id}`, { capacity: perSecond, refillPerSecond: perSecond });

    if (!hasScope(key.scopes, scope)) {
      throw new ApiError('insufficient_scope', `This API key lacks the '${scope}' scope`);
    }
    await next();
  };
}
