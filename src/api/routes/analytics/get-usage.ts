import { getUsageSettings } from '../../../db/queries/tenants';
import { usageByChannel } from '../../../db/queries/usage';
import { monthStart } from '../../../domain/analytics/budget';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { UsageSchema } from './schema';

export const getUsageRoute = operation({
  method: 'get',
  path: '/v1/usage',
  operationId: 'getUsage',
  tags: ['Analytics'],
  summary: "This month's volume and cost against the budget",
  description:
    'Counts and costs the deliveries of the current calendar month (UTC) per channel, with the share of the monthly budget used.',
  middleware: [requireScope('read')] as const,
  responses: { 200: json(UsageSchema, 'Usage'), ...errorResponses(...AUTHED_ERRORS) },
});

export function registerGetUsage(app: App) {
  app.openapi(getUsageRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const now = new Date();
    const from = monthStart(now);
    const [tenant, usage] = await Promise.all([
      getUsageSettings(c.var.db, tenantId),
      usageByChannel(c.var.db, { tenantId, from, to: new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000) }),
    ]);
    if (!tenant) throw notFound('Tenant');
    const month = from.toISOString().slice(0, 7);
    const round = (n: number) => Math.round(n * 1e6) / 1e6;
    const cost = round(usage.channels.reduce((a, ch) => a + ch.cost, 0));
    const budget = tenant.settings?.monthlyBudget ?? null;
    return c.json(
      {
        month,
        deliveries: usage.channels.reduce((a, ch) => a + ch.accepted, 0),
        cost,
        currency: 'USD' as const,
        byChannel: usage.channels.map((ch) => ({ channel: ch.channel, deliveries: ch.accepted, cost: round(ch.cost) })),
        budget: {
          monthly: budget,
          used: budget ? Math.round((cost / budget) * 10_000) / 10_000 : null,
          hardStop: tenant.settings?.budgetHardStop ?? false,
          warned: tenant.warnedMonth === month,
          stopped: tenant.stoppedMonth === month,
        },
      },
      200,
    );
  });
}
