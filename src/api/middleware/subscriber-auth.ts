import type { Context, MiddlewareHandler } from 'hono';
import type { Scope } from '../../domain/api-keys/scopes';
import { type SubscriberScope, verifySubscriberToken } from '../../domain/subscribers/subscriber-token';
import { ApiError, notFound } from '../../errors';
import type { AppEnv } from '../context';
import { withAccess } from './access';
import { requireScope, throttleFailures } from './auth';
import { idempotentPost } from './idempotency';
import { enforceRateLimit } from './rate-limit';

/**
 * Authenticates a subscriber token (`Authorization: Bearer <jwt>`), applies the subscriber's rate limit, checks the
 * token's scope and runs a POST under its Idempotency-Key (per subscriber). The limit is per subscriber, not per
 * token: a page can mint as many tokens as it likes, but they all draw from one bucket
 * (SUBSCRIBER_RATE_LIMIT_PER_SECOND, burst = one second's worth), with the same RateLimit-* headers as API keys.
 */
export function requireSubscriber(scope: SubscriberScope): MiddlewareHandler<AppEnv> {
  return withAccess(async (c, next) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) throw new ApiError('missing_api_key', 'Send the subscriber token as "Authorization: Bearer <token>"');
    const claims = await throttleFailures(c, verifySubscriberToken(c.var.db, c.var.config, token));
    c.set('subscriber', claims);
    c.set('log', c.var.log.child({ tenantId: claims.tenantId, subscriberId: claims.subscriberId }));
    await limitSubscriber(c, claims.subscriberId);
    if (!claims.scopes.includes(scope))
      throw new ApiError('insufficient_scope', `This token lacks the '${scope}' scope`);
    return idempotentPost(c, { tenantId: claims.tenantId, subscriberId: claims.subscriberId }, next);
  }, subscriberAccess(scope));
}

/** A subscriber token carrying `scope`, sent as `Authorization: Bearer <token>`. */
export const subscriberAccess = (scope: SubscriberScope) => ({
  security: [{ SubscriberToken: [] }],
  scope,
  line: `Required scope: \`${scope}\` (a subscriber token that carries it; POST /v1/subscribers/{externalId}/token).`,
  idempotent: true,
});

/** Takes one request from the subscriber's bucket (RateLimit-* headers; 429 + Retry-After when it is empty). */
export function limitSubscriber(c: Context<AppEnv>, subscriberId: string): Promise<void> {
  const perSecond = c.var.config.SUBSCRIBER_RATE_LIMIT_PER_SECOND;
  return enforceRateLimit(c, `subscriber:${subscriberId}`, { capacity: perSecond, refillPerSecond: perSecond });
}

/**
 * For routes both a tenant (API key with `scope`) and the subscriber themselves (subscriber token for
 * `{externalId}`) may call: the bearer's shape decides which check runs. A subscriber token for someone else is 404.
 */
export function requireScopeOrSelf(scope: Scope, subscriberScope: SubscriberScope): MiddlewareHandler<AppEnv> {
  const asTenant = requireScope(scope);
  const asSubscriber = requireSubscriber(subscriberScope);
  return withAccess(
    async (c, next) => {
      const bearer = /^Bearer\s+(\S+)/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      if (!bearer || bearer.startsWith('nk_')) return asTenant(c, next);
      return asSubscriber(c, async () => {
        const me = c.get('subscriber')!;
        if (decodeURIComponent(c.req.param('externalId') ?? '') !== me.externalId) throw notFound('Subscriber');
        await next();
      });
    },
    {
      security: [{ ApiKey: [] }, { SubscriberToken: [] }],
      scope,
      line:
        `Required scope: \`${scope}\` (an API key with \`${scope}\` or \`admin\`), or a subscriber token with ` +
        `\`${subscriberScope}\` for this same subscriber.`,
      idempotent: true,
    },
  );
}
