import type { MiddlewareHandler } from 'hono';
import type { Scope } from '../../domain/api-keys/scopes';
import { type SubscriberScope, verifySubscriberToken } from '../../domain/subscribers/subscriber-token';
import { ApiError, notFound } from '../../errors';
import type { AppEnv } from '../context';
import { requireScope } from './auth';

/** Authenticates a subscriber token (`Authorization: Bearer <jwt>`) and checks its scope. */
export function requireSubscriber(scope: SubscriberScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) throw new ApiError('missing_api_key', 'Send the subscriber token as "Authorization: Bearer <token>"');
    const claims = await verifySubscriberToken(c.var.db, c.var.config, token);
    if (!claims.scopes.includes(scope))
      throw new ApiError('insufficient_scope', `This token lacks the '${scope}' scope`);
    c.set('subscriber', claims);
    c.set('log', c.var.log.child({ tenantId: claims.tenantId, subscriberId: claims.subscriberId }));
    await next();
  };
}

/**
 * For routes both a tenant (API key with `scope`) and the subscriber themselves (subscriber token for
 * `{externalId}`) may call: the bearer's shape decides which check runs. A subscriber token for someone else is 404.
 */
export function requireScopeOrSelf(scope: Scope, subscriberScope: SubscriberScope): MiddlewareHandler<AppEnv> {
  const asTenant = requireScope(scope);
  const asSubscriber = requireSubscriber(subscriberScope);
  return async (c, next) => {
    const bearer = /^Bearer\s+(\S+)/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!bearer || bearer.startsWith('nk_')) return asTenant(c, next);
    return asSubscriber(c, async () => {
      const me = c.get('subscriber')!;
      if (decodeURIComponent(c.req.param('externalId') ?? '') !== me.externalId) throw notFound('Subscriber');
      await next();
    });
  };
}
