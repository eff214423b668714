import type { App } from '../../context';
import { requireMetricsToken } from '../../middleware/metrics-token';
import { errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { exposition, scrape } from './scrape';

export const getPlatformMetricsRoute = operation({
  method: 'get',
  path: '/metrics',
  operationId: 'getPlatformMetrics',
  tags: ['System'],
  summary: 'Prometheus metrics of the whole platform (operator token; docs/operations.md)',
  description:
    "Prometheus text exposition of queue depth, delivery outcomes and latencies across every tenant, for the operator's scraper.",
  middleware: [requireMetricsToken] as const,
  responses: {
    200: exposition('Prometheus text format 0.0.4, every tenant added up, no tenant labels'),
    ...errorResponses(401, 404, 503),
  },
});

export function registerGetPlatformMetrics(app: App) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'MetricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: "The operator's METRICS_TOKEN secret (not an API key)",
  });
  app.openapi(getPlatformMetricsRoute, (c) => scrape(c, null));
}
