import { usageSeries } from '../../../db/queries/usage';
import { bucketStarts, EMPTY_SUMS, hourRange, metricValue } from '../../../domain/analytics/report';
import { type App, authOf } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { RangeQuery, SeriesQuery, SeriesSchema } from './schema';

export const getTimeseriesRoute = operation({
  method: 'get',
  path: '/v1/analytics/timeseries',
  operationId: 'getTimeseries',
  tags: ['Analytics'],
  summary: 'One metric over time, per channel (every bucket present)',
  description: 'Buckets with no traffic are returned as zero, so a chart can plot the series without filling gaps.',
  middleware: [requireScope('read')] as const,
  // RangeQuery transforms, so it is merged by hand below rather than `.extend`ed.
  request: { query: SeriesQuery.extend({ from: RangeQuery.in.shape.from, to: RangeQuery.in.shape.to }) },
  responses: { 200: json(SeriesSchema, 'Time series'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerGetTimeseries(app: App) {
  app.openapi(getTimeseriesRoute, async (c) => {
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
}
