import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';

/** One year; no `preload`: that commits the whole registrable domain, the operator's call, not ours. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * On every response: `X-Content-Type-Options: nosniff` (a JSON error echoing input is never run as a script or
 * page), and HSTS when ENVIRONMENT is production. Dev and tests speak plain http on 127.0.0.1, where the header
 * means nothing, so it is left out there.
 *
 * Not hono's secureHeaders: it writes `c.res.headers` directly, and the inbox socket's 101 comes from a Durable
 * Object with immutable headers (re-creating that response would drop the socket). The pages use secureHeaders
 * (page-security.ts).
 */
export const apiSecurityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status === 101) return;
  c.header('X-Content-Type-Options', 'nosniff');
  if (c.var.config?.ENVIRONMENT === 'production') c.header('Strict-Transport-Security', HSTS);
};

/**
 * `Cache-Control: no-store` on every API response that does not set its own. API answers are one tenant's data, and
 * several carry a secret shown once (a new or rolled API key, a subscriber token, a webhook signing secret, the
 * inbound-hook URLs): no browser, proxy or CDN may keep a copy. A default for the whole of /v1 rather than a list
 * of routes, so a new route that returns a secret cannot be forgotten.
 */
export const noStoreByDefault: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status === 101 || c.res.headers.has('cache-control')) return;
  c.header('Cache-Control', 'no-store');
};
