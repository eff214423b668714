import { usageByChannel } from '../../../db/queries/usage';
import { addSums, EMPTY_SUMS, hourRange, reportOf } from '../../../domain/analytics/report';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { RangeQuery, SummarySchema } from './schema';

export const getSummaryRoute = operation({
  method: 'get',
  path: '/v1/analytics/summary',
  operationId: 'getSummary',
  tags: ['Analytics'],
  summary: 'Totals per channel: volume, outcomes, engagement, latency, cost',
  description:
    'Aggregates the deliveries of the requested window per channel. Engagement counts opens and clicks reported by tracking and provider receipts; cost uses the unit prices of the usage settings.',
  middleware: [requireScope('read')] as const,
  request: { query: RangeQuery },
  responses: { 200: json(SummarySchema, 'Summary'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerGetSummary(app: App) {
  app.openapi(getSummaryRoute, async (c) => {
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
}
