import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { readMetrics } from '../../../db/queries/metrics';
import { EXPOSITION_CONTENT_TYPE, renderExposition } from '../../../domain/metrics/exposition';
import { BACKLOG_AFTER_SECONDS, metricFamilies } from '../../../domain/metrics/families';
import { type App, type AppEnv, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { requireMetricsToken } from '../../middleware/metrics-token';
import { AUTHED_ERRORS, bearerSecurity, errorResponses } from '../../openapi';

const exposition = (description: string) => ({
  description,
  content: {
    [EXPOSITION_CONTENT_TYPE]: {
      schema: z.string().openapi({ example: '# TYPE notifykit_notifications_accepted_total counter\n…' }),
    },
  },
});

const operatorRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['System'],
  summary: 'Prometheus metrics of the whole platform (operator token; docs/operations.md)',
  security: [{ MetricsToken: [] }],
  middleware: [requireMetricsToken] as const,
  responses: {
    200: exposition('Prometheus text format 0.0.4, every tenant added up, no tenant labels'),
    ...errorResponses(401, 404, 503),
  },
});

const tenantRoute = createRoute({
  method: 'get',
  path: '/v1/metrics',
  tags: ['Analytics'],
  summary: "The same metrics for the caller's tenant only",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: { 200: exposition('Prometheus text format 0.0.4 for this tenant'), ...errorResponses(...AUTHED_ERRORS) },
});

/** Everything is read at scrape time: each scrape costs one database round trip and caches nothing. */
async function scrape(c: Context<AppEnv>, tenantId: string | null) {
  const { counts, gauges } = await readMetrics(c.var.db, tenantId, BACKLOG_AFTER_SECONDS);
  // 'Content-Type' spelled as c.text() spells its default, so this one replaces it rather than joining it.
  return c.text(renderExposition(metricFamilies(counts, gauges)), 200, {
    'Content-Type': EXPOSITION_CONTENT_TYPE,
    'Cache-Control': 'no-store',
  });
}

export function registerMetricsRoutes(app: App) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'MetricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: "The operator's METRICS_TOKEN secret (not an API key)",
  });
  app.openapi(operatorRoute, (c) => scrape(c, null));
  app.openapi(tenantRoute, (c) => scrape(c, authOf(c).tenantId));
}
