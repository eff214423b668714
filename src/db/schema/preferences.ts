import { boolean, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tenantId, timestamps } from './columns';
import { subscribers } from './subscribers';
import { tenants } from './tenants';

/** A tenant's notification categories; `critical` ones bypass opt-outs (security alerts, password resets). */
export const categories = pgTable(
  'categories',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    critical: boolean('critical').notNull().default(false),
    /** Fatigue budget per subscriber and channel for this category (subscribers may lower or raise it). */
    frequencyCap: jsonb('frequency_cap').$type<FrequencyCap>(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

export interface FrequencyCap {
  limit: number;
  periodSeconds: number;
  /** Over the cap: end `suppressed` (default; a digest is stale tomorrow) or wait for budget. */
  onExceed?: 'suppress' | 'defer';
}

/**
 * What a subscriber agreed to receive. Absent = allowed: `optOut` stops everything non-critical, `channels`
 * switches a channel off, `categories[key]` switches a category off entirely (`enabled: false`) or per channel.
 */
export interface PreferenceSet {
  optOut?: boolean;
  /** Non-critical deliveries inside the window wait until it ends (subscriber's time zone). */
  quietHours?: { start: string; end: string; channels?: string[] };
  /** Per-category caps overriding the category's default (`limit` and `periodSeconds`). */
  frequencyCaps?: Record<string, { limit: number; periodSeconds: number }>;
  channels?: Partial<Record<string, boolean>>;
  categories?: Record<string, { enabled?: boolean; channels?: Partial<Record<string, boolean>> }>;
}

export const subscriberPreferences = pgTable(
  'subscriber_preferences',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    preferences: jsonb('preferences').$type<PreferenceSet>().notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.subscriberId] })],
);

export type CategoryRow = typeof categories.$inferSelect;
