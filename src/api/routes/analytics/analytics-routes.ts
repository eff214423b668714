import { createRoute } from '@hono/zod-openapi';
import { providerHealth, usageByChannel, usageSeries } from '../../../db/queries/usage';
import { addSums, bucketStarts, EMPTY_SUMS, hourRange, metricValue, reportOf } from '../../../domain/analytics/report';
import { type App, authOf } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { ProvidersSchema, RangeQuery, SeriesQuery, SeriesSchema, SummarySchema } from './schema';

const summaryRoute = createRoute({
  method: 'get',
  path: '/v1/analytics/summary',
  tags: ['Analytics'],
  summary: 'Totals per channel: volume, outcomes, engagement, latency, cost',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { query: RangeQuery },
  responses: { 200: json(SummarySchema, 'Summary'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

const seriesRoute = createRoute({
  method: 'get',
  path: '/v1/analytics/timeseries',
  tags: ['Analytics'],
  summary: 'One metric over time, per channel (every bucket present)',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  // RangeQuery transforms, so it is merged by hand below rather than `.extend`ed.
  request: { query: SeriesQuery.extend({ from: RangeQuery.in.shape.from, to: RangeQuery.in.shape.to }) },
  responses: { 200: json(SeriesSchema, 'Time series'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

const providersRoute = createRoute({
  method: 'get',
  path: '/v1/analytics/providers',
  tags: ['Analytics'],
  summary: 'Per provider: attempts, error rate and latency',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { query: RangeQuery },
  responses: { 200: json(ProvidersSchema, 'Provider health'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerAnalyticsRoutes(app: App) {
  app.openapi(summaryRoute, async (c) => {
    const range = hourRange(c.req.valid('query').from, c.req.valid('query').to);
    const usage = await usageByChannel(c.var.db, { tenantId: authOf(c).tenantId, ...range });
    const totals = usage.channels.reduce((acc, ch) => addSums(acc, ch), EMPTY_SUMS);
    return c.json(
      {
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        currency: 'USD' as const,
        totals: reportOf(totals, usage.sentLatency, usage.deliveredLatency),
        channels: usage.channels.map((ch) => ({
          channel: ch.channel,
          ...reportOf(ch, ch.sentLatency, ch.deliveredLatency),
        })),
      },
      200,
    );
  });

  app.openapi(seriesRoute, async (c) => {
    const query = c.req.valid('query');
    const parsed = RangeQuery.safeParse({ from: query.from, to: query.to });
    if (!parsed.success) throw validationError(parsed.error, 'query');
    const range = hourRange(parsed.data.from, parsed.data.to);
    const rows = await usageSeries(
      c.var.db,
      { tenantId: authOf(c).tenantId, ...range, channel: query.channel, template: query.template },
      query.granularity,
    );
    const starts = bucketStarts(range.from, range.to, query.granularity);
    const channels = query.channel ? [query.channel] : [...new Set(rows.map((r) => r.channel))].sort();
    return c.json(
      {
        metric: query.metric,
        granularity: query.granularity,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        series: channels.map((channel) => ({
          channel,
          points: starts.map((t) => {
            const row = rows.find((r) => r.channel === channel && r.t.getTime() === t.getTime());
            return { t: t.toISOString(), value: metricValue(query.metric, row ?? EMPTY_SUMS) };
          }),
        })),
      },
      200,
    );
  });

  app.openapi(providersRoute, async (c) => {
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
      },
      200,
    );
  });
}
