import { integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

export interface UsageSettings {
  trackOpens?: boolean;
  trackClicks?: boolean;
  /** USD per unit, by channel or `channel:provider`. */
  prices?: Record<string, number>;
  monthlyBudget?: number | null;
  budgetHardStop?: boolean;
}

export const tenants = pgTable(
  'tenants',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    /** Per-key API rate limit override (requests per second); null = the API_RATE_LIMIT_PER_SECOND default. */
    apiRateLimitPerSecond: integer('api_rate_limit_per_second'),
    /** Per-recipient send limits by channel; absent channels use the defaults in domain/rate-limit/recipient-limits. */
    /** HS256 secret for subscriber tokens, encrypted like provider credentials; created on first use. */
    subscriberTokenSecret: text('subscriber_token_secret'),
    subscriberTokenKeyId: text('subscriber_token_key_id'),
    recipientLimits:
      jsonb('recipient_limits').$type<Partial<Record<string, { limit: number; periodSeconds: number }>>>(),
    /** The unguessable path segment of the tenant's inbound receipt URLs (/hooks/{provider}/{token}); created on first use. */
    hooksToken: text('hooks_token'),
    /** Broadcast fan-out rate (notifications per second) for this tenant; null = BROADCAST_RATE_PER_SECOND. */
    broadcastRatePerSecond: integer('broadcast_rate_per_second'),
    /** Tracking, unit prices and budget (docs/analytics.md); absent fields take the defaults. */
    usageSettings: jsonb('usage_settings').$type<UsageSettings>(),
    /** The month (YYYY-MM) the 80% budget warning was sent, and the month sends were stopped by the budget. */
    budgetWarnedMonth: text('budget_warned_month'),
    budgetStoppedMonth: text('budget_stopped_month'),
    /** Days message bodies and attempt details are kept (docs/operations.md#retention); null = the 30-day default. */
    retentionDays: integer('retention_days'),
    ...timestamps,
  },
  (t) => [uniqueIndex('tenants_hooks_token_idx').on(t.hooksToken)],
);

export type TenantRow = typeof tenants.$inferSelect;
