import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AllowedMethods } from './allowed-methods';

/**
 * CORS for the routes a subscriber token opens (`/v1/inbox*`, `/v1/me/*`): they are called from tenants' own sites
 * (docs/inbox.md) with a bearer token, never cookies, so any origin may call them. A preflight is told the methods
 * the path really has (from the route table), and a page may read the headers it needs to back off and retry.
 * Tenant routes get none of this: API keys never belong in a browser.
 */
export function subscriberCors(allowedMethods: AllowedMethods): MiddlewareHandler {
  return cors({
    origin: '*',
    allowMethods: (_origin, c) => allowedMethods(c.req.path).filter((m) => m !== 'HEAD'),
    allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
    exposeHeaders: [
      'retry-after',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
      'idempotency-replay',
      'x-request-id',
    ],
    maxAge: 86_400,
  });
}
