import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns';
import { tenants } from './tenants';

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mode: text('mode', { enum: ['test', 'live'] }).notNull(),
    scopes: text('scopes').array().notNull(),
    /** SHA-256 (hex) of the full key: the secret itself is never stored. */
    keyHash: text('key_hash').notNull(),
    /** `nk_test_` / `nk_live_` and the last 4 characters, so lists can identify a key without revealing it. */
    prefix: text('prefix').notNull(),
    last4: text('last4').notNull(),
    createdByKeyId: text('created_by_key_id'),
    /** Set when the key is rolled: the old key keeps working until then (grace period). */
    expiresAt: tstz('expires_at'),
    revokedAt: tstz('revoked_at'),
    ...timestamps,
  },
  (t) => [uniqueIndex('api_keys_key_hash_uq').on(t.keyHash), index('api_keys_tenant_id_idx').on(t.tenantId, t.id)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
