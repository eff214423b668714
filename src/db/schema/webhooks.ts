import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns';
import { tenants } from './tenants';

/** A tenant's receiver of outgoing events (docs/webhooks.md). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    /** Event types it receives; empty = every type. */
    eventTypes: text('event_types').array().notNull().default(sql`'{}'::text[]`),
    enabled: boolean('enabled').notNull().default(true),
    /** `{ current, previous?, previousUntil? }` (whsec_ secrets), AES-GCM sealed like provider credentials. */
    secretsCiphertext: text('secrets_ciphertext').notNull(),
    keyId: text('key_id').notNull(),
    /** Why it was disabled by us (`gone` for a 410, `failing` after days of failures); null when a human did it. */
    disabledReason: text('disabled_reason'),
    /** Start of the current run of failed attempts; cleared by any success. */
    failingSince: tstz('failing_since'),
    ...timestamps,
  },
  (t) => [index('webhook_endpoints_tenant_idx').on(t.tenantId, t.id)],
);

/** An event as it happened (the source of replays); stored only for tenants that have an endpoint. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_events_tenant_created_idx').on(t.tenantId, t.createdAt)],
);

export const WEBHOOK_MESSAGE_STATUSES = ['pending', 'sending', 'succeeded', 'failed', 'dead_lettered'] as const;

/** One event for one endpoint: its delivery state. At most one per pair; a replay resets it. */
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    status: text('status', { enum: WEBHOOK_MESSAGE_STATUSES }).notNull(),
    /** Attempts in the current cycle (a replay starts a new cycle); indexes the retry schedule. */
    attempts: integer('attempts').notNull().default(0),
    replays: integer('replays').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at'),
    enqueuedAt: tstz('enqueued_at'),
    claimedAt: tstz('claimed_at'),
    lastError: text('last_error'),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.endpointId, t.eventId] }),
    index('webhook_messages_pending_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** Every HTTP attempt, kept for the attempts API. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    attemptNo: integer('attempt_no').notNull(),
    outcome: text('outcome', { enum: ['succeeded', 'failed'] }).notNull(),
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    /** At most 1 KB of the response body. */
    responseSnippet: text('response_snippet'),
    error: text('error'),
    startedAt: tstz('started_at').notNull(),
  },
  (t) => [index('webhook_attempts_endpoint_idx').on(t.tenantId, t.endpointId, t.id)],
);

/** Inbound provider receipts already applied (provider + its event key): the same event twice changes nothing. */
export const providerReceipts = pgTable(
  'provider_receipts',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    eventKey: text('event_key').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.provider, t.eventKey] }),
    index('provider_receipts_created_idx').on(t.createdAt),
  ],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
