import { sql } from 'drizzle-orm';
import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns';
import { tenants } from './tenants';

export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Channels a delivery can go out on. `in_app` goes to the subscriber's inbox (docs/inbox.md), no provider. */
export const CHANNELS = ['email', 'sms', 'push', 'chat', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Exclusive delivery statuses (DESIGN.md). Terminal: everything but queued and sending. */
export const DELIVERY_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'bounced',
  'suppressed',
  'canceled',
  'dead_lettered',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface NotificationContent {
  subject?: string;
  text?: string;
  html?: string;
  title?: string;
  body?: string;
  /** in_app: where a click on the message leads. */
  actionUrl?: string;
  data?: Record<string, unknown>;
}

export interface DeliveryError {
  code: string;
  message: string;
}

export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    /** The API key mode that accepted it: test notifications never reach real recipients (channels issue). */
    mode: text('mode', { enum: ['test', 'live'] }).notNull(),
    priority: text('priority', { enum: PRIORITIES }).notNull(),
    category: text('category'),
    content: jsonb('content').$type<NotificationContent>().notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    sendAt: tstz('send_at'),
    /**
     * A template send: the template, the key it was sent by and the version resolved at acceptance (published or
     * pinned), which is the one rendered. The key is kept so the send still says what it used after the template is
     * deleted.
     */
    templateId: text('template_id'),
    templateKey: text('template_key'),
    templateVersion: integer('template_version'),
    /** Channels to fall back to, in order, when a delivery's channel ends permanently failed. */
    fallback: jsonb('fallback').$type<Channel[]>(),
    /** Created by a broadcast fan-out or a schedule occurrence; the dedupe key makes that creation exactly-once. */
    broadcastId: text('broadcast_id'),
    scheduleId: text('schedule_id'),
    dedupeKey: text('dedupe_key'),
    /** The API request that accepted it and its W3C traceparent: logs and outgoing calls of every later hop carry them. */
    requestId: text('request_id'),
    traceparent: text('traceparent'),
    /** When retention or an erasure removed its bodies (content, data, rendered copies); null while they are kept. */
    purgedAt: tstz('purged_at'),
    ...timestamps,
  },
  (t) => [
    index('notifications_tenant_id_idx').on(t.tenantId, t.id),
    // The retention job's work list per tenant: what still has a body, by the time it was (or is) due.
    index('notifications_unpurged_idx')
      .on(t.tenantId, sql`COALESCE(send_at, created_at)`, t.id)
      .where(sql`purged_at IS NULL`),
    uniqueIndex('notifications_dedupe_idx').on(t.tenantId, t.dedupeKey).where(sql`dedupe_key IS NOT NULL`),
    index('notifications_broadcast_idx').on(t.tenantId, t.broadcastId).where(sql`broadcast_id IS NOT NULL`),
  ],
);

export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    notificationId: text('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    /** Copied from the notification: re-enqueues (sweeper, replay) need the lane without a join. */
    priority: text('priority', { enum: PRIORITIES }).notNull(),
    subscriberId: text('subscriber_id'),
    /** The subscriber's externalId, or the inline address: who this was for, for humans and rate limits. */
    recipient: text('recipient').notNull(),
    /** Where it goes: an email address or a URL, resolved when the notification was accepted. */
    address: text('address').notNull(),
    attempts: integer('attempts').notNull().default(0),
    replays: integer('replays').notNull().default(0),
    lastError: jsonb('last_error').$type<DeliveryError>(),
    provider: text('provider'),
    providerMessageId: text('provider_message_id'),
    /** When the next queue message for it is due; the sweeper re-enqueues deliveries long past it. */
    nextAttemptAt: tstz('next_attempt_at'),
    /** Set when a queue message was sent for it; null = not yet enqueued (scheduled, or the enqueue failed). */
    enqueuedAt: tstz('enqueued_at'),
    claimedAt: tstz('claimed_at'),
    sentAt: tstz('sent_at'),
    deadLetteredAt: tstz('dead_lettered_at'),
    /** The recipient's locale (template sends pick their variant from it); then the locale actually rendered. */
    locale: text('locale'),
    renderedLocale: text('rendered_locale'),
    /** Where to try next if this delivery ends permanently failed (the notification's `fallback`, resolved). */
    fallback: jsonb('fallback').$type<{ channel: Channel; address: string }[]>(),
    /** Receipts from the provider (webhooks issue): delivered/complained times, first open/click and counts. */
    deliveredAt: tstz('delivered_at'),
    complainedAt: tstz('complained_at'),
    firstOpenedAt: tstz('first_opened_at'),
    opens: integer('opens').notNull().default(0),
    firstClickedAt: tstz('first_clicked_at'),
    clicks: integer('clicks').notNull().default(0),
    /** What the send cost (USD) and in how many billing units (SMS segments, else 1), computed when sent. */
    cost: doublePrecision('cost'),
    units: integer('units'),
    /** Email click tracking: the original URLs of the rendered message, by the index in their /t/c/ token. */
    links: jsonb('links').$type<string[]>(),
    ...timestamps,
  },
  (t) => [
    index('deliveries_notification_idx').on(t.tenantId, t.notificationId),
    index('deliveries_tenant_status_idx').on(t.tenantId, t.status, t.id),
    index('deliveries_pending_idx').on(t.status, t.nextAttemptAt),
    index('deliveries_provider_message_idx').on(t.tenantId, t.providerMessageId),
    // Usage roll-ups and live analytics read deliveries by acceptance hour, across tenants.
    index('deliveries_created_idx').on(t.createdAt),
  ],
);

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    attemptNo: integer('attempt_no').notNull(),
    provider: text('provider').notNull(),
    outcome: text('outcome', { enum: ['sent', 'retryable_error', 'permanent_error', 'skipped'] }).notNull(),
    responseCode: integer('response_code'),
    durationMs: integer('duration_ms').notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** The provider configuration used (null for built-in providers and the sandbox). */
    providerConfigId: text('provider_config_id'),
    /** SMS segments, or another unit a provider bills by. */
    units: integer('units'),
    startedAt: tstz('started_at').notNull(),
  },
  (t) => [
    index('delivery_attempts_delivery_idx').on(t.tenantId, t.deliveryId),
    // Provider health (GET /v1/analytics/providers) reads a tenant's attempts by time.
    index('delivery_attempts_started_idx').on(t.tenantId, t.startedAt),
  ],
);

/** Idempotency-Key records: one per tenant + key, kept 24 h. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: text('status', { enum: ['in_flight', 'done'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

export type NotificationRow = typeof notifications.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type DeliveryAttemptRow = typeof deliveryAttempts.$inferSelect;
