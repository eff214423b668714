import { providerHealth } from '../../../db/queries/usage';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { ProvidersSchema, RangeQuery } from './schema';

export const getProviderHealthRoute = operation({
  method: 'get',
  path: '/v1/analytics/providers',
  operationId: 'getProviderHealth',
  tags: ['Analytics'],
  summary: 'Per provider configuration: attempts, error rate, latency and open problem',
  description:
    "Computed from delivery attempts in the requested window, one row per provider configuration used; use it to spot a provider whose errors or latency are climbing before failover kicks in. `problem` is an account-side error (credentials, sender, sandbox, permissions) the configuration's sends currently end with; a configuration with a problem is listed even without attempts in the window.",
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
          providerConfigId: r.provider_config_id,
          attempts: r.attempts,
          errors: r.errors,
          errorRate: r.attempts ? Math.round((r.errors / r.attempts) * 10_000) / 10_000 : 0,
          latencyP50Ms: r.p50 === null ? null : Number(r.p50),
          latencyP95Ms: r.p95 === null ? null : Number(r.p95),
          problem: r.problem,
        })),
        next: null,
      },
      200,
    );
  });
}
