import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { exposition, scrape } from './scrape';

export const getTenantMetricsRoute = operation({
  method: 'get',
  path: '/v1/metrics',
  operationId: 'getTenantMetrics',
  tags: ['Analytics'],
  summary: "The same metrics for the caller's tenant only",
  description:
    'Prometheus text exposition filtered to the calling tenant, so a tenant can scrape its own delivery metrics.',
  middleware: [requireScope('read')] as const,
  responses: { 200: exposition('Prometheus text format 0.0.4 for this tenant'), ...errorResponses(...AUTHED_ERRORS) },
});

export function registerGetTenantMetrics(app: App) {
  app.openapi(getTenantMetricsRoute, (c) => scrape(c, authOf(c).tenantId));
}
