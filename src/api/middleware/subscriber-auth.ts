import type { MiddlewareHandler } from 'hono';
import { type SubscriberScope, verifySubscriberToken } from '../../domain/subscribers/subscriber-token';
import { ApiError } from '../../errors';
import type { AppEnv } from '../context';

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
