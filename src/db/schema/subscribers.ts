import { index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantId, timestamps } from './columns';
import { tenants } from './tenants';

/** Where a subscriber can be reached besides email/phone. Shape validated by the API (routes/subscribers/schema). */
export interface SubscriberChannels {
  pushTokens?: { provider: 'fcm' | 'apns'; token: string }[];
  slack?: { webhookUrl?: string; channelId?: string; accessToken?: string };
  discord?: { webhookUrl: string };
  teams?: { webhookUrl: string };
  webhookUrl?: string;
}

export const subscribers = pgTable(
  'subscribers',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    /** The tenant's own user id; unique per tenant. */
    externalId: text('external_id').notNull(),
    email: text('email'),
    phone: text('phone'),
    name: text('name'),
    locale: text('locale'),
    timezone: text('timezone'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    channels: jsonb('channels').$type<SubscriberChannels>(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('subscribers_tenant_external_id_uq').on(t.tenantId, t.externalId),
    index('subscribers_tenant_id_idx').on(t.tenantId, t.id),
  ],
);

export type SubscriberRow = typeof subscribers.$inferSelect;
