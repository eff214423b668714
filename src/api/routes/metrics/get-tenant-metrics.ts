import { createRoute } from '@hono/zod-openapi';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses } from '../../openapi';
import { exposition, scrape } from './scrape';

export const getTenantMetricsRoute = createRoute({
  method: 'get',
  path: '/v1/metrics',
  tags: ['Analytics'],
  summary: "The same metrics for the caller's tenant only",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: { 200: exposition('Prometheus text format 0.0.4 for this tenant'), ...errorResponses(...AUTHED_ERRORS) },
});

export function registerGetTenantMetrics(app: App) {
  app.openapi(getTenantMetricsRoute, (c) => scrape(c, authOf(c).tenantId));
}
