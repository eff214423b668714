import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors';
import { timingSafeEqualStrings } from '../../lib/timing-safe';
import type { AppEnv } from '../context';
import { withAccess } from './access';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="metrics"' };

/**
 * The operator's `Authorization: Bearer <METRICS_TOKEN>` for GET /metrics. Without the secret the route does not
 * exist (404): an unconfigured deployment exposes nothing, and says how to turn it on. The comparison is constant
 * time (both sides hashed first), so response timing reveals nothing about the token.
 */
export const requireMetricsToken: MiddlewareHandler<AppEnv> = withAccess(
  async (c, next) => {
    const expected = c.var.config.METRICS_TOKEN;
    if (!expected) throw new ApiError('not_found', 'Metrics are disabled: set the METRICS_TOKEN secret to enable them');
    const header = c.req.header('authorization');
    if (!header) {
      throw new ApiError(
        'invalid_metrics_token',
        'Send the operator token as "Authorization: Bearer <METRICS_TOKEN>"',
        undefined,
        CHALLENGE,
      );
    }
    const presented = BEARER.exec(header)?.[1] ?? '';
    if (!(await timingSafeEqualStrings(presented, expected))) {
      throw new ApiError('invalid_metrics_token', 'Metrics token not recognised', undefined, CHALLENGE);
    }
    await next();
  },
  {
    security: [{ MetricsToken: [] }],
    line: "Requires the operator's `METRICS_TOKEN` (not an API key); without that secret set, 404.",
    idempotent: false,
  },
);
