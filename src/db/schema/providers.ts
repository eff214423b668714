import { boolean, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns';
import { tenants } from './tenants';

/** An open provider-health problem of a configuration: the account-side error its sends end with. */
export interface ProviderProblem {
  code: string;
  message: string;
  firstSeenAt: string;
  lastSeenAt: string;
  count: number;
}

/** A tenant's account at a provider. Credentials are AES-256-GCM encrypted (lib/credentials-cipher.ts). */
export const providerConfigs = pgTable(
  'provider_configs',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    provider: text('provider').notNull(),
    name: text('name').notNull(),
    /** `v1.<iv b64>.<ciphertext b64>` under the key `keyId`. */
    credentialsCiphertext: text('credentials_ciphertext').notNull(),
    keyId: text('key_id').notNull(),
    /** Shown instead of the credentials: a short hash, enough to tell two configurations apart. */
    fingerprint: text('fingerprint').notNull(),
    /** Lower first in the channel's failover chain. */
    priority: integer('priority').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    /**
     * When this configuration first delivered with its current credentials (null: not yet, or the credentials
     * changed since). A `recipient_if_proven` error suppresses only on a proven configuration (docs/decisions.md).
     */
    provenAt: tstz('proven_at'),
    /**
     * The account-side error its sends currently end with (bad credentials, unverified sender, sandbox…), or null.
     * Set by the delivery pipeline, cleared by the configuration's next success or a credentials change.
     */
    problem: jsonb('problem').$type<ProviderProblem>(),
    ...timestamps,
  },
  (t) => [index('provider_configs_tenant_channel_idx').on(t.tenantId, t.channel, t.priority)],
);

/** Addresses a provider reported as invalid: later sends end `suppressed` without a provider call. */
export const suppressions = pgTable(
  'suppressions',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    reason: text('reason').notNull(),
    provider: text('provider').notNull(),
    deliveryId: text('delivery_id'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channel, t.address] })],
);

/** Test-mode deliveries: the fully rendered message that a provider would have received. */
export const sandboxMessages = pgTable(
  'sandbox_messages',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    deliveryId: text('delivery_id').notNull(),
    notificationId: text('notification_id').notNull(),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    address: text('address').notNull(),
    message: jsonb('message').$type<Record<string, unknown>>().notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('sandbox_messages_tenant_idx').on(t.tenantId, t.id)],
);

export type ProviderConfigRow = typeof providerConfigs.$inferSelect;
export type SuppressionRow = typeof suppressions.$inferSelect;
export type SandboxMessageRow = typeof sandboxMessages.$inferSelect;
