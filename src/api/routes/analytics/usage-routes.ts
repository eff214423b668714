import { createRoute, z } from '@hono/zod-openapi';
import { getUsageSettings, patchUsageSettings } from '../../../db/queries/tenants';
import { usageByChannel } from '../../../db/queries/usage';
import { CHANNELS, type UsageSettings } from '../../../db/schema';
import { monthStart } from '../../../domain/analytics/budget';
import { DEFAULT_PRICES } from '../../../domain/analytics/pricing';
import { notFound } from '../../../errors';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';

const UsageSchema = z
  .object({
    month: z.string().openapi({ example: '2026-11' }),
    deliveries: z.number().int(),
    cost: z.number(),
    currency: z.literal('USD'),
    byChannel: z.array(z.object({ channel: z.string(), deliveries: z.number().int(), cost: z.number() })),
    budget: z.object({
      monthly: z.number().nullable(),
      used: z.number().nullable().openapi({ description: 'Share of the budget spent (1 = all of it)' }),
      hardStop: z.boolean(),
      warned: z.boolean(),
      stopped: z.boolean(),
    }),
  })
  .openapi('Usage');

const priceKey = z
  .string()
  .refine((k) => (CHANNELS as readonly string[]).includes(k.split(':')[0]!) && k.split(':').length <= 2, {
    message: 'a channel, or channel:provider',
  });

const SettingsBody = z
  .object({
    trackOpens: z.boolean().nullable().optional(),
    trackClicks: z.boolean().nullable().optional(),
    prices: z.record(priceKey, z.number().min(0).max(100)).nullable().optional(),
    monthlyBudget: z.number().positive().max(1e9).nullable().optional(),
    budgetHardStop: z.boolean().nullable().optional(),
  })
  .strict()
  .openapi('UsageSettingsPatch');

const SettingsSchema = z
  .object({
    trackOpens: z.boolean(),
    trackClicks: z.boolean(),
    prices: z.record(z.string(), z.number()).openapi({ description: 'Effective unit prices (USD)' }),
    monthlyBudget: z.number().nullable(),
    budgetHardStop: z.boolean(),
  })
  .openapi('UsageSettings');

const presentSettings = (s: UsageSettings | null) => ({
  trackOpens: s?.trackOpens ?? true,
  trackClicks: s?.trackClicks ?? true,
  prices: { ...DEFAULT_PRICES, ...(s?.prices ?? {}) },
  monthlyBudget: s?.monthlyBudget ?? null,
  budgetHardStop: s?.budgetHardStop ?? false,
});

const usageRoute = createRoute({
  method: 'get',
  path: '/v1/usage',
  tags: ['Analytics'],
  summary: "This month's volume and cost against the budget",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: { 200: json(UsageSchema, 'Usage'), ...errorResponses(...AUTHED_ERRORS) },
});

const getSettingsRoute = createRoute({
  method: 'get',
  path: '/v1/usage/settings',
  tags: ['Analytics'],
  summary: 'Tracking, unit prices and budget',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: { 200: json(SettingsSchema, 'Settings'), ...errorResponses(...AUTHED_ERRORS) },
});

const patchSettingsRoute = createRoute({
  method: 'patch',
  path: '/v1/usage/settings',
  tags: ['Analytics'],
  summary: 'Change tracking, unit prices or budget (null resets a field to its default)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(SettingsBody) },
  responses: { 200: json(SettingsSchema, 'Settings'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS) },
});

export function registerUsageRoutes(app: App) {
  app.openapi(usageRoute, async (c) => {
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

  app.openapi(getSettingsRoute, async (c) => {
    const tenant = await getUsageSettings(c.var.db, authOf(c).tenantId);
    if (!tenant) throw notFound('Tenant');
    return c.json(presentSettings(tenant.settings), 200);
  });

  app.openapi(patchSettingsRoute, async (c) => {
    const patch = c.req.valid('json');
    const settings = await patchUsageSettings(c.var.db, authOf(c).tenantId, patch);
    await audit(c, {
      action: 'usage_settings.updated',
      targetType: 'tenant',
      targetId: authOf(c).tenantId,
      details: { after: presentSettings(settings) },
    });
    return c.json(presentSettings(settings), 200);
  });
}
