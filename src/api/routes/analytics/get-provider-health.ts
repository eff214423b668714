import { createRoute } from '@hono/zod-openapi';
import { providerHealth } from '../../../db/queries/usage';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { ProvidersSchema, RangeQuery } from './schema';

export const getProviderHealthRoute = createRoute({
  method: 'get',
  path: '/v1/analytics/providers',
  tags: ['Analytics'],
  summary: 'Per provider: attempts, error rate and latency',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { query: RangeQuery },
  responses: { 200: json(ProvidersSchema, 'Provider health'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerGetProviderHealth(app: App) {
  app.openapi(getProviderHealthRoute, async (c) => {
    const range = c.req.valid('query');
    const rows = await providerHealth(c.var.db, { tenantId: authOf(c).tenantId, ...range });
    return c.json(
      {
        data: rows.map((r) => ({
          provider: r.provider,
          channel: r.channel,
          attempts: r.attempts,
          errors: r.errors,
          errorRate: r.attempts ? Math.round((r.errors / r.attempts) * 10_000) / 10_000 : 0,
          latencyP50Ms: r.p50 === null ? null : Number(r.p50),
          latencyP95Ms: r.p95 === null ? null : Number(r.p95),
        })),
        next: null,
      },
      200,
    );
  });
}
