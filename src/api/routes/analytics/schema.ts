import { z } from '@hono/zod-openapi';
import { CHANNELS, type UsageSettings } from '../../../db/schema';
import { DEFAULT_PRICES } from '../../../domain/analytics/pricing';
import { SERIES_METRICS } from '../../../domain/analytics/report';
import { pageOf } from '../../openapi';

const MAX_RANGE_DAYS = 400;
const isoDate = z.iso.datetime({ offset: true });

/** `from`/`to` (default: the last 7 days), at most 400 days apart; rounded out to whole hours. */
export const RangeQuery = z
  .object({
    from: isoDate.optional().openapi({ description: 'Default: 7 days before `to`' }),
    to: isoDate.optional().openapi({ description: 'Default: now' }),
  })
  .transform((q, ctx) => {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000);
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `at most ${MAX_RANGE_DAYS} days before to` });
    }
    return { from, to };
  });

const Latency = z.object({
  sentP50Ms: z.number().nullable(),
  sentP95Ms: z.number().nullable(),
  deliveredP50Ms: z.number().nullable(),
  deliveredP95Ms: z.number().nullable(),
});

export const ReportSchema = z
  .object({
    accepted: z.number().int(),
    sent: z.number().int(),
    delivered: z.number().int(),
    failed: z.number().int(),
    bounced: z.number().int(),
    suppressed: z.number().int(),
    deadLettered: z.number().int(),
    opened: z.number().int(),
    clicked: z.number().int(),
    deliveryRate: z.number(),
    openRate: z.number(),
    clickRate: z.number(),
    latency: Latency,
    cost: z.number(),
  })
  .openapi('UsageReport');

export const SummarySchema = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    currency: z.literal('USD'),
    totals: ReportSchema,
    channels: z.array(ReportSchema.extend({ channel: z.string() })),
  })
  .openapi('AnalyticsSummary');

export const SeriesQuery = z.object({
  metric: z.enum(SERIES_METRICS),
  granularity: z.enum(['hour', 'day']).default('day'),
  channel: z.enum(CHANNELS).optional(),
  template: z.string().min(1).max(100).optional(),
});

export const SeriesSchema = z
  .object({
    metric: z.enum(SERIES_METRICS),
    granularity: z.enum(['hour', 'day']),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    series: z.array(
      z.object({ channel: z.string(), points: z.array(z.object({ t: z.iso.datetime(), value: z.number() })) }),
    ),
  })
  .openapi('AnalyticsTimeseries');

const ProblemFields = z.object({
  code: z.string().openapi({ description: "The provider's error code, as recorded on the attempts" }),
  message: z.string(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  count: z.number().int().openapi({ description: 'Attempts that ended with this error since it was first seen' }),
});

const PROBLEM_EXAMPLE: z.input<typeof ProblemFields> = {
  code: 'apns_BadDeviceToken',
  message: 'HTTP 400: {"reason":"BadDeviceToken"}',
  firstSeenAt: '2026-11-21T10:05:11.940Z',
  lastSeenAt: '2026-11-21T10:41:03.118Z',
  count: 37,
};

/**
 * An account-side error a configuration's sends end with (bad credentials, unverified sender, sandbox, an ambiguous
 * answer on a configuration that has never delivered). Cleared by its next successful send.
 */
export const ProviderProblemSchema = ProblemFields.openapi('ProviderProblem', {
  description:
    "An account-side error the configuration's sends end with; cleared by its next successful send. Such errors " +
    'never suppress the recipient.',
  example: PROBLEM_EXAMPLE,
});

/**
 * One row per provider configuration used in the range, plus any configuration with an open problem (bounded by
 * the providers configured): one page, `next` always null.
 */
export const ProvidersSchema = pageOf(
  z.object({
    provider: z.string(),
    channel: z.string(),
    providerConfigId: z.string().nullable().openapi({
      description: 'The configuration (`prv_…`); null for a built-in provider the tenant has not configured',
    }),
    attempts: z.number().int(),
    errors: z.number().int(),
    errorRate: z.number(),
    latencyP50Ms: z.number().nullable(),
    latencyP95Ms: z.number().nullable(),
    problem: ProviderProblemSchema.nullable(),
  }),
).openapi('ProviderHealth');

export const UsageSchema = z
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

export const UsageSettingsBody = z
  .object({
    trackOpens: z.boolean().nullable().optional(),
    trackClicks: z.boolean().nullable().optional(),
    prices: z.record(priceKey, z.number().min(0).max(100)).nullable().optional(),
    monthlyBudget: z.number().positive().max(1e9).nullable().optional(),
    budgetHardStop: z.boolean().nullable().optional(),
  })
  .strict()
  .openapi('UsageSettingsPatch');

export const UsageSettingsSchema = z
  .object({
    trackOpens: z.boolean(),
    trackClicks: z.boolean(),
    prices: z.record(z.string(), z.number()).openapi({ description: 'Effective unit prices (USD)' }),
    monthlyBudget: z.number().nullable(),
    budgetHardStop: z.boolean(),
  })
  .openapi('UsageSettings');

export const presentUsageSettings = (s: UsageSettings | null) => ({
  trackOpens: s?.trackOpens ?? true,
  trackClicks: s?.trackClicks ?? true,
  prices: { ...DEFAULT_PRICES, ...(s?.prices ?? {}) },
  monthlyBudget: s?.monthlyBudget ?? null,
  budgetHardStop: s?.budgetHardStop ?? false,
});
