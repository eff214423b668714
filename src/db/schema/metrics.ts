import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tenantId, tstz } from './columns';

/**
 * All-time counts behind the Prometheus counters (docs/operations.md#metrics-and-alerts), frozen hour by hour by
 * src/cron/jobs/freeze-metric-totals.ts. A scrape adds what happened since the freeze to these rows, so it costs the
 * same after a year as after a day, and counters stay monotonic after the raw rows are deleted (webhook attempts
 * after 30 days). No foreign key to tenants on purpose: deleting a tenant must not make /metrics counters go back.
 */
export const metricTotals = pgTable(
  'metric_totals',
  {
    tenantId: tenantId(),
    /** notifications | deliveries | sent_latency | delivered_latency | provider_attempts | webhook_attempts */
    family: text('family').notNull(),
    /** '' where the family has no such label. */
    channel: text('channel').notNull(),
    provider: text('provider').notNull(),
    /** A status, an attempt outcome, or a latency bucket index. */
    outcome: text('outcome').notNull(),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.family, t.channel, t.provider, t.outcome] })],
);

/**
 * One row (id 1): how far each kind of source has been folded into metric_totals. `cohortsThrough` is an hour of
 * usage_hourly (deliveries by acceptance hour, frozen once the usage roll-up no longer rewrites it);
 * `eventsThroughId` is the ULID time part below which notifications, delivery attempts and webhook attempts are
 * counted (ids are time-sortable, so the primary keys serve as time indexes); `eventsThrough` is the same instant.
 */
export const metricTotalsState = pgTable('metric_totals_state', {
  id: integer('id').primaryKey(),
  cohortsThrough: tstz('cohorts_through'),
  eventsThrough: tstz('events_through'),
  eventsThroughId: text('events_through_id'),
});
