import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { newId } from '../../lib/ids';
import { ENQUEUE_AHEAD_SECONDS } from '../../lib/queue-limits';
import type { Db } from '../client';
import { type Channel, deliveries, notifications, subscribers, tenants } from '../schema';
import { appendInboxStatements, type InboxAppended, type InboxInsert } from './inbox';
import { type HealthNote, healthChanges, recordHealthChanges } from './provider-health';
import { deliveryEvents, emitEvents, emittedOf } from './webhook-events';

/**
 * Queries of the queue consumers and cron. Each is scoped by tenant id taken from the queue message or the row,
 * never by a delivery id alone.
 */

/** A claim older than this is presumed abandoned (consumer crashed); far beyond any provider timeout. */
export const STALE_CLAIM_SECONDS = 600;

export async function loadDeliveriesForSend(db: Db, tenantIds: string[], ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: deliveries.id,
      tenantId: deliveries.tenantId,
      notificationId: deliveries.notificationId,
      channel: deliveries.channel,
      status: deliveries.status,
      priority: deliveries.priority,
      recipient: deliveries.recipient,
      address: deliveries.address,
      claimedAt: deliveries.claimedAt,
      nextAttemptAt: deliveries.nextAttemptAt,
      enqueuedAt: deliveries.enqueuedAt,
      createdAt: deliveries.createdAt,
      subscriberId: deliveries.subscriberId,
      fallback: deliveries.fallback,
      mode: notifications.mode,
      locale: deliveries.locale,
      templateId: notifications.templateId,
      templateVersion: notifications.templateVersion,
      content: notifications.content,
      data: notifications.data,
      metadata: notifications.metadata,
      category: notifications.category,
      requestId: notifications.requestId,
      traceparent: notifications.traceparent,
      recipientLimits: tenants.recipientLimits,
      usageSettings: tenants.usageSettings,
      timezone: subscribers.timezone,
    })
    .from(deliveries)
    .innerJoin(notifications, eq(notifications.id, deliveries.notificationId))
    .innerJoin(tenants, eq(tenants.id, deliveries.tenantId))
    .leftJoin(
      subscribers,
      and(eq(subscribers.id, deliveries.subscriberId), eq(subscribers.tenantId, deliveries.tenantId)),
    )
    .where(and(inArray(deliveries.tenantId, tenantIds), inArray(deliveries.id, ids)));
}

export type DeliveryToSend = Awaited<ReturnType<typeof loadDeliveriesForSend>>[number];

/**
 * queued → sending, atomically, for a whole batch: of two consumers holding the same message, exactly one gets
 * the row back. A `sending` row whose claim is stale (its consumer died) can be claimed again.
 */
export async function claimDeliveries(db: Db, tenantIds: string[], ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .update(deliveries)
    .set({ status: 'sending', claimedAt: sql`now()`, attempts: sql`${deliveries.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        inArray(deliveries.tenantId, tenantIds),
        inArray(deliveries.id, ids),
        or(
          eq(deliveries.status, 'queued'),
          and(
            eq(deliveries.status, 'sending'),
            lt(deliveries.claimedAt, sql`now() - make_interval(secs => ${STALE_CLAIM_SECONDS})`),
          ),
        ),
      ),
    )
    .returning({ id: deliveries.id, tenantId: deliveries.tenantId, attempts: deliveries.attempts });
}

/** One provider call (or a provider skipped by its open circuit breaker). */
export interface AttemptRecord {
  provider: string;
  providerConfigId: string | null;
  outcome: 'sent' | 'retryable_error' | 'permanent_error' | 'skipped';
  responseCode: number | null;
  durationMs: number;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: string;
  units: number | null;
}

/** The end of one delivery attempt, ready to be written. */
export interface Outcome {
  tenantId: string;
  deliveryId: string;
  attemptNo: number;
  attempts: AttemptRecord[];
  status: 'sent' | 'queued' | 'failed' | 'suppressed';
  provider: string | null;
  providerMessageId: string | null;
  error: { code: string; message: string } | null;
  /** For `queued` (a retry): when the retry is due. */
  nextAttemptAt: string | null;
  /**
   * No provider was called, so the claim's attempt is given back. On a retry (every provider skipped by its open
   * circuit breaker) a fresh delayed message carries the wait, so waiting out a breaker spends neither the backoff nor
   * the retry budget; on a terminal outcome the count stays the number of provider calls.
   */
  releaseAttempt?: boolean;
  /** Template sends: the locale variant that was rendered. */
  renderedLocale?: string | null;
  /** What the provider calls said about the tenant's configurations (provider health; only what changes something). */
  health?: HealthNote[];
  /** A provider said the address is invalid: suppress it for the tenant. */
  suppress?: { channel: string; address: string; reason: string; provider: string };
  /** Test mode: the rendered message for the sandbox. */
  sandbox?: {
    notificationId: string;
    channel: string;
    recipient: string;
    address: string;
    message: Record<string, unknown>;
  };
  /** A sent delivery's billing units and cost (USD). */
  units?: number;
  cost?: number;
  /** Email click tracking: the original URLs of the rewritten links. */
  links?: string[];
  /** in_app: the message to store in the subscriber's inbox. */
  inbox?: InboxInsert;
  /** Channel fallback: the next delivery to create when this one ended failed or suppressed. */
  fallback?: {
    id: string;
    notificationId: string;
    channel: string;
    priority: string;
    subscriberId: string | null;
    recipient: string;
    address: string;
    rest: { channel: string; address: string }[];
  };
}

/**
 * Writes a batch of outcomes in one transaction and one round trip: attempt rows, each delivery's new status (only
 * if still `sending`, i.e. still ours), new suppressions, sandbox messages, inbox messages, fallback deliveries and
 * provider-health changes (with their `provider.misconfigured` events).
 * Returns the webhook events emitted and what each subscriber's inbox gained (for the Inbox objects).
 */
export async function recordOutcomes(
  db: Db,
  outcomes: Outcome[],
): Promise<{ emitted: ReturnType<typeof emittedOf>; inbox: InboxAppended[] }> {
  const attempts = outcomes.flatMap((o) =>
    o.attempts.map((a) => ({
      id: newId('att'),
      tenantId: o.tenantId,
      deliveryId: o.deliveryId,
      attemptNo: o.attemptNo,
      ...a,
    })),
  );
  const updates = outcomes.map((o) => ({
    id: o.deliveryId,
    tenantId: o.tenantId,
    status: o.status,
    provider: o.provider,
    providerMessageId: o.providerMessageId,
    lastError: o.error,
    nextAttemptAt: o.nextAttemptAt,
    renderedLocale: o.renderedLocale ?? null,
    units: o.units ?? null,
    cost: o.cost ?? null,
    links: o.links ?? null,
    releaseAttempt: o.releaseAttempt ?? false,
  }));
  const suppress = outcomes.flatMap((o) =>
    o.suppress ? [{ tenantId: o.tenantId, deliveryId: o.deliveryId, ...o.suppress }] : [],
  );
  const sandbox = outcomes.flatMap((o) =>
    o.sandbox ? [{ id: newId('sbx'), tenantId: o.tenantId, deliveryId: o.deliveryId, ...o.sandbox }] : [],
  );
  const fallback = outcomes.flatMap((o) => (o.fallback ? [{ tenantId: o.tenantId, ...o.fallback }] : []));
  const statements = [
    // Status changes and their delivery.sent/failed/suppressed events, in one statement (retries emit nothing).
    db.execute(
      emitEvents(
        deliveryEvents(sql`c.status IN ('sent', 'failed', 'suppressed')`),
        sql`changed AS (
          UPDATE deliveries d SET
            status = x.status,
            provider = COALESCE(x.provider, d.provider),
            provider_message_id = COALESCE(x."providerMessageId", d.provider_message_id),
            last_error = x."lastError",
            sent_at = CASE WHEN x.status = 'sent' THEN now() ELSE d.sent_at END,
            next_attempt_at = CASE WHEN x.status = 'queued' THEN x."nextAttemptAt" ELSE d.next_attempt_at END,
            rendered_locale = COALESCE(x."renderedLocale", d.rendered_locale),
            units = COALESCE(x.units, d.units),
            cost = COALESCE(x.cost, d.cost),
            links = COALESCE(x.links, d.links),
            attempts = CASE WHEN x."releaseAttempt" THEN greatest(d.attempts - 1, 0) ELSE d.attempts END,
            enqueued_at = CASE WHEN x."releaseAttempt" AND x.status = 'queued' THEN now() ELSE d.enqueued_at END,
            claimed_at = NULL,
            updated_at = now()
          FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS x(id text, "tenantId" text, status text,
            provider text, "providerMessageId" text, "lastError" jsonb, "nextAttemptAt" timestamptz,
            "renderedLocale" text, units int, cost float8, links jsonb, "releaseAttempt" boolean)
          WHERE d.id = x.id AND d.tenant_id = x."tenantId" AND d.status = 'sending'
          RETURNING d.*)`,
      ),
    ),
    db.execute(sql`
      INSERT INTO delivery_attempts (id, tenant_id, delivery_id, attempt_no, provider, provider_config_id, outcome,
        response_code, duration_ms, error_code, error_message, started_at, units)
      SELECT id, "tenantId", "deliveryId", "attemptNo", provider, "providerConfigId", outcome, "responseCode",
        "durationMs", "errorCode", "errorMessage", "startedAt", units
      FROM jsonb_to_recordset(${JSON.stringify(attempts)}::jsonb) AS x(id text, "tenantId" text, "deliveryId" text,
        "attemptNo" int, provider text, "providerConfigId" text, outcome text, "responseCode" int, "durationMs" int,
        "errorCode" text, "errorMessage" text, "startedAt" timestamptz, units int)`),
  ] as const;
  const extra = [];
  if (suppress.length) {
    extra.push(
      db.execute(sql`
        INSERT INTO suppressions (tenant_id, channel, address, reason, provider, delivery_id)
        SELECT "tenantId", channel, address, reason, provider, "deliveryId"
        FROM jsonb_to_recordset(${JSON.stringify(suppress)}::jsonb) AS x("tenantId" text, channel text, address text,
          reason text, provider text, "deliveryId" text)
        ON CONFLICT DO NOTHING`),
    );
  }
  if (sandbox.length) {
    extra.push(
      db.execute(sql`
        INSERT INTO sandbox_messages (id, tenant_id, delivery_id, notification_id, channel, recipient, address, message)
        SELECT id, "tenantId", "deliveryId", "notificationId", channel, recipient, address, message
        FROM jsonb_to_recordset(${JSON.stringify(sandbox)}::jsonb) AS x(id text, "tenantId" text, "deliveryId" text,
          "notificationId" text, channel text, recipient text, address text, message jsonb)`),
    );
  }
  if (fallback.length) {
    extra.push(
      db.execute(sql`
        INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, subscriber_id, recipient,
          address, fallback, next_attempt_at, enqueued_at)
        SELECT id, "tenantId", "notificationId", channel, 'queued', priority, "subscriberId", recipient, address, rest,
          now(), now()
        FROM jsonb_to_recordset(${JSON.stringify(fallback)}::jsonb) AS x(id text, "tenantId" text,
          "notificationId" text, channel text, priority text, "subscriberId" text, recipient text, address text,
          rest jsonb)`),
    );
  }
  const health = healthChanges(
    outcomes.flatMap((o) => (o.health ?? []).map((note) => ({ tenantId: o.tenantId, note }))),
  );
  const healthAt = health.length ? statements.length + extra.length : -1;
  if (health.length) extra.push(recordHealthChanges(db, health));
  const inboxItems = outcomes.flatMap((o) => (o.inbox ? [o.inbox] : []));
  const inbox = inboxItems.length ? appendInboxStatements(db, inboxItems) : null;
  // The inbox statements go last: they read the statuses written above.
  const results = await db.batch([...statements, ...extra, ...(inbox?.statements ?? [])]);
  const [emitted] = results;
  const [, inserted, state] = results.slice(results.length - 3) as unknown as { rows: unknown[] }[];
  return {
    emitted: [...emittedOf(emitted), ...(healthAt < 0 ? [] : emittedOf(results[healthAt]))],
    inbox: inbox ? inbox.read(inserted!, state!) : [],
  };
}

/**
 * Deferred (recipient limit, quiet hours): stays `queued`, due again at its time (a new delayed message carries it);
 * `reason` is recorded so the API shows why it waits.
 */
export function deferDeliveries(
  db: Db,
  deferred: { tenantId: string; id: string; at: string; reason?: { code: string; message: string } }[],
) {
  return db.execute(sql`
    UPDATE deliveries d SET next_attempt_at = x.at, enqueued_at = now(), updated_at = now(),
      last_error = COALESCE(x.reason, d.last_error)
    FROM jsonb_to_recordset(${JSON.stringify(deferred)}::jsonb) AS x(id text, "tenantId" text, at timestamptz, reason jsonb)
    WHERE d.id = x.id AND d.tenant_id = x."tenantId" AND d.status = 'queued'`);
}

/** DLQ consumer: whatever was still pending is now visibly dead-lettered (with its event). Terminal rows are left alone. */
export async function markDeadLettered(db: Db, tenantId: string, ids: string[]) {
  const result = await db.execute(
    emitEvents(
      deliveryEvents(sql`true`),
      sql`changed AS (
        UPDATE deliveries SET status = 'dead_lettered', dead_lettered_at = now(), claimed_at = NULL, updated_at = now()
        WHERE tenant_id = ${tenantId} AND id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)) AND status IN ('queued', 'sending')
        RETURNING *)`,
    ),
  );
  return emittedOf(result);
}

/**
 * Cron: deliveries that need a queue message now. Due scheduled ones never enqueued, enqueues that failed,
 * messages that vanished (`queued` long past due), and claims abandoned by a crashed consumer.
 * Marks them enqueued in the same statement so overlapping cron runs do not pick the same rows.
 */
export async function claimDueForEnqueue(db: Db, limit: number) {
  const result = await db.execute<{
    id: string;
    tenant_id: string;
    priority: string;
    channel: Channel;
    next_attempt_at: string | null;
  }>(sql`
    UPDATE deliveries SET enqueued_at = now(), updated_at = now()
    WHERE id IN (
      SELECT id FROM deliveries
      WHERE (status = 'queued' AND enqueued_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now() + ${ENQUEUE_AHEAD_SECONDS}::int * interval '1 second'))
         OR (status = 'queued' AND enqueued_at < now() - interval '15 minutes' AND next_attempt_at < now() - interval '15 minutes')
         OR (status = 'sending' AND claimed_at < now() - make_interval(secs => ${STALE_CLAIM_SECONDS}))
      ORDER BY next_attempt_at NULLS FIRST
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, tenant_id, priority, channel, next_attempt_at`);
  return result.rows;
}

/** The enqueue after accept failed: leave the rows for the cron to pick up within a minute. */
export function markNotEnqueued(db: Db, tenantId: string, ids: string[]) {
  return db
    .update(deliveries)
    .set({ enqueuedAt: null })
    .where(and(eq(deliveries.tenantId, tenantId), inArray(deliveries.id, ids)));
}

/** Ends queued deliveries as `suppressed` before any provider call (frequency cap), with the reason and event. */
export async function suppressQueued(
  db: Db,
  items: { tenantId: string; id: string; reason: { code: string; message: string } }[],
) {
  const result = await db.execute(
    emitEvents(
      deliveryEvents(sql`true`),
      sql`changed AS (
        UPDATE deliveries d SET status = 'suppressed', last_error = x.reason, updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS x(id text, "tenantId" text, reason jsonb)
        WHERE d.id = x.id AND d.tenant_id = x."tenantId" AND d.status = 'queued'
        RETURNING d.*)`,
    ),
  );
  return emittedOf(result);
}
