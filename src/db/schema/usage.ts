import { doublePrecision, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tenantId, tstz } from './columns';
import { tenants } from './tenants';

/**
 * Deliveries folded per tenant, hour of acceptance, channel, provider, category and template (src/cron/jobs/
 * roll-up-usage.ts). An hour's rows are replaced whenever it is rolled up again, so re-runs are idempotent and late
 * receipts (delivered, opens) are picked up by the next run that covers the hour.
 */
/** Upper bounds (ms) of the latency histogram buckets kept in usage_hourly; the last bucket is open-ended. */
export const LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000] as const;

export const usageHourly = pgTable(
  'usage_hourly',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    hour: tstz('hour').notNull(),
    channel: text('channel').notNull(),
    /** '' when no provider was involved (never sent). */
    provider: text('provider').notNull(),
    category: text('category').notNull(),
    template: text('template').notNull(),
    accepted: integer('accepted').notNull(),
    sent: integer('sent').notNull(),
    delivered: integer('delivered').notNull(),
    failed: integer('failed').notNull(),
    bounced: integer('bounced').notNull(),
    suppressed: integer('suppressed').notNull(),
    deadLettered: integer('dead_lettered').notNull(),
    opened: integer('opened').notNull(),
    clicked: integer('clicked').notNull(),
    cost: doublePrecision('cost').notNull(),
    /** Counts per latency bucket (LATENCY_BUCKETS_MS), accept → sent and accept → delivered. */
    sentLatency: integer('sent_latency').array().notNull(),
    deliveredLatency: integer('delivered_latency').array().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.hour, t.channel, t.provider, t.category, t.template] }),
    // Across tenants by hour: the roll-up's re-roll and /metrics' recent hours (src/db/queries/metrics.ts).
    index('usage_hourly_hour_idx').on(t.hour),
  ],
);

/** One row: the hour up to which every closed hour has been rolled up at least once. */
export const usageRollupState = pgTable('usage_rollup_state', {
  id: integer('id').primaryKey(),
  rolledThrough: tstz('rolled_through').notNull(),
});
