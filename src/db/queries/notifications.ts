import { and, asc, desc, eq, exists, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { ENQUEUE_AHEAD_SECONDS } from '../../lib/queue-limits';
import type { Db } from '../client';
import {
  type Channel,
  type DeliveryError,
  type DeliveryStatus,
  deliveries,
  deliveryAttempts,
  type NotificationContent,
  notifications,
  type Priority,
  subscribers,
} from '../schema';
import { isoUtc } from '../sql-time';
import { type PageRequest, toPage } from './pagination';
import { emitEvents, emittedOf } from './webhook-events';

/** Rows to insert for one accepted notification. */
export interface PlannedNotification {
  notification: {
    id: string;
    tenantId: string;
    mode: 'test' | 'live';
    priority: Priority;
    category: string | null;
    content: NotificationContent;
    data: Record<string, unknown> | null;
    metadata: Record<string, unknown> | null;
    sendAt: string | null;
    fallback: Channel[] | null;
    templateId: string | null;
    templateKey: string | null;
    templateVersion: number | null;
    broadcastId?: string | null;
    scheduleId?: string | null;
    dedupeKey?: string | null;
    requestId?: string | null;
    traceparent?: string | null;
  };
  deliveries: {
    id: string;
    tenantId: string;
    notificationId: string;
    channel: Channel;
    status: DeliveryStatus;
    priority: Priority;
    subscriberId: string | null;
    recipient: string;
    address: string;
    lastError: DeliveryError | null;
    nextAttemptAt: string | null;
    fallback: { channel: Channel; address: string }[] | null;
    locale: string | null;
  }[];
  /** Deliveries to enqueue now (not scheduled, not already failed). */
  dueNow: boolean;
}

export async function getSubscribersByExternalIds(db: Db, tenantId: string, externalIds: string[]) {
  if (externalIds.length === 0) return [];
  return db
    .select()
    .from(subscribers)
    .where(and(eq(subscribers.tenantId, tenantId), inArray(subscribers.externalId, externalIds)));
}

/**
 * Inserts any number of planned notifications and their deliveries in one transaction and one round trip:
 * each table gets a single INSERT … SELECT FROM jsonb_to_recordset($1), so 1,000 notifications cost the same
 * two statements as one (and stay far from Postgres' 65,535-parameter limit).
 */
export async function insertPlanned(db: Db, planned: PlannedNotification[], enqueuedAt: string | null) {
  const notificationRows = planned.map((p) => ({
    ...p.notification,
    broadcastId: p.notification.broadcastId ?? null,
    scheduleId: p.notification.scheduleId ?? null,
    dedupeKey: p.notification.dedupeKey ?? null,
    requestId: p.notification.requestId ?? null,
    traceparent: p.notification.traceparent ?? null,
  }));
  const deliveryRows = planned.flatMap((p) =>
    p.deliveries.map((d) => ({ ...d, enqueuedAt: p.dueNow && d.status === 'queued' ? enqueuedAt : null })),
  );
  const deduping = notificationRows.some((n) => n.dedupeKey);
  const tenantIds = [...new Set(notificationRows.map((n) => n.tenantId))].map((tenantId) => ({ tenantId }));
  // One statement: notifications (a dedupe key already used → skipped), the deliveries of those inserted, and
  // their events. Then, only when deduping, which of the planned notifications were actually inserted.
  const insert = db.execute(
    emitEvents(
      // Built from the inserted rows, and only when the tenant has an endpoint (a one-time gate), so sends of
      // tenants without webhooks pay nothing for events.
      sql`
          SELECT n.tenant_id, 'notification.accepted' AS type, jsonb_build_object('notificationId', n.id,
            'mode', n.mode, 'priority', n.priority, 'category', n.category, 'sendAt', ${isoUtc(sql`n.send_at`)},
            'deliveries', COALESCE(g.deliveries, '[]'::jsonb), 'metadata', COALESCE(n.metadata, '{}'::jsonb)) AS data
          FROM ins_n n
          LEFT JOIN (
            SELECT notification_id, jsonb_agg(jsonb_build_object('deliveryId', id, 'channel', channel,
              'recipient', recipient, 'status', status) ORDER BY id) AS deliveries
            FROM ins_d GROUP BY notification_id
          ) g ON g.notification_id = n.id
          WHERE (SELECT has FROM gate)
          UNION ALL
          SELECT d.tenant_id, 'delivery.failed', jsonb_build_object('deliveryId', d.id,
            'notificationId', d.notification_id, 'channel', d.channel, 'recipient', d.recipient, 'status', d.status,
            'provider', NULL, 'providerMessageId', NULL, 'error', d.last_error, 'attempts', 0,
            'metadata', COALESCE(n.metadata, '{}'::jsonb))
          FROM ins_d d JOIN ins_n n ON n.id = d.notification_id
          WHERE d.status = 'failed' AND (SELECT has FROM gate)`,
      sql`
          ins_n AS (
            INSERT INTO notifications (id, tenant_id, mode, priority, category, content, data, metadata, send_at,
              fallback, template_id, template_key, template_version, broadcast_id, schedule_id, dedupe_key, request_id,
              traceparent)
            SELECT id, "tenantId", mode, priority, category, content, data, metadata, "sendAt", fallback,
              "templateId", "templateKey", "templateVersion", "broadcastId", "scheduleId", "dedupeKey", "requestId",
              traceparent
            FROM jsonb_to_recordset(${JSON.stringify(notificationRows)}::jsonb) AS x(
              id text, "tenantId" text, mode text, priority text, category text, content jsonb, data jsonb,
              metadata jsonb, "sendAt" timestamptz, fallback jsonb, "templateId" text, "templateKey" text,
              "templateVersion" int,
              "broadcastId" text, "scheduleId" text, "dedupeKey" text, "requestId" text, traceparent text)
            ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            RETURNING id, tenant_id, mode, priority, category, send_at, metadata
          ),
          gate AS (
            SELECT EXISTS (SELECT 1 FROM webhook_endpoints
              WHERE tenant_id IN (SELECT DISTINCT "tenantId" FROM jsonb_to_recordset(${JSON.stringify(tenantIds)}::jsonb)
                AS t("tenantId" text))) AS has
          ),
          ins_d AS (
            INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, subscriber_id,
              recipient, address, last_error, next_attempt_at, enqueued_at, fallback, locale)
            SELECT id, "tenantId", "notificationId", channel, status, priority, "subscriberId", recipient, address,
              "lastError", "nextAttemptAt", "enqueuedAt", fallback, locale
            FROM jsonb_to_recordset(${JSON.stringify(deliveryRows)}::jsonb) AS x(
              id text, "tenantId" text, "notificationId" text, channel text, status text, priority text,
              "subscriberId" text, recipient text, address text, "lastError" jsonb, "nextAttemptAt" timestamptz,
              "enqueuedAt" timestamptz, fallback jsonb, locale text)
            WHERE x."notificationId" IN (SELECT id FROM ins_n)
            RETURNING id, tenant_id, notification_id, channel, recipient, status, last_error
          )`,
    ),
  );
  if (!deduping) {
    const [emitted] = await db.batch([insert]);
    return { emitted: emittedOf(emitted), insertedIds: null };
  }
  const [emitted, inserted] = await db.batch([
    insert,
    db.execute<{ id: string }>(sql`
      SELECT id FROM notifications
      WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(notificationRows.map((n) => n.id))}::jsonb))`),
  ]);
  return { emitted: emittedOf(emitted), insertedIds: new Set(inserted.rows.map((r) => r.id)) };
}

export async function getNotification(db: Db, tenantId: string, id: string) {
  const [notification] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.id, id)));
  if (!notification) return undefined;
  const [rows, attempts] = await db.batch([
    db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.notificationId, id)))
      .orderBy(asc(deliveries.id)),
    db
      .select()
      .from(deliveryAttempts)
      .where(
        and(
          eq(deliveryAttempts.tenantId, tenantId),
          inArray(
            deliveryAttempts.deliveryId,
            db
              .select({ id: deliveries.id })
              .from(deliveries)
              .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.notificationId, id))),
          ),
        ),
      )
      .orderBy(asc(deliveryAttempts.startedAt), asc(deliveryAttempts.attemptNo)),
  ]);
  return { notification, deliveries: rows, attempts };
}

export interface NotificationFilter {
  status?: DeliveryStatus | undefined;
  channel?: Channel | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Newest first. `status`/`channel` match notifications having at least one delivery in that status/channel. */
export async function listNotifications(db: Db, tenantId: string, filter: NotificationFilter, page: PageRequest) {
  const deliveryMatch =
    filter.status || filter.channel
      ? exists(
          db
            .select({ one: sql`1` })
            .from(deliveries)
            .where(
              and(
                eq(deliveries.tenantId, tenantId),
                eq(deliveries.notificationId, notifications.id),
                filter.status ? eq(deliveries.status, filter.status) : undefined,
                filter.channel ? eq(deliveries.channel, filter.channel) : undefined,
              ),
            ),
        )
      : undefined;
  const rows = await db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.tenantId, tenantId),
        page.after ? lt(notifications.id, page.after) : undefined,
        filter.from ? gte(notifications.createdAt, filter.from) : undefined,
        filter.to ? lte(notifications.createdAt, filter.to) : undefined,
        deliveryMatch,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(page.limit + 1);
  const result = toPage(rows, page.limit);
  const ids = result.data.map((n) => n.id);
  const deliveryRows = ids.length
    ? await db
        .select({
          id: deliveries.id,
          notificationId: deliveries.notificationId,
          channel: deliveries.channel,
          status: deliveries.status,
          recipient: deliveries.recipient,
        })
        .from(deliveries)
        .where(and(eq(deliveries.tenantId, tenantId), inArray(deliveries.notificationId, ids)))
        .orderBy(asc(deliveries.id))
    : [];
  return { ...result, deliveries: deliveryRows };
}

/** Pending (queued) deliveries become canceled; sending/sent ones are left as they are. */
export async function cancelPendingDeliveries(db: Db, tenantId: string, notificationId: string) {
  return db
    .update(deliveries)
    .set({ status: 'canceled', updatedAt: sql`now()` })
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.notificationId, notificationId),
        eq(deliveries.status, 'queued'),
      ),
    )
    .returning({ id: deliveries.id });
}

/**
 * Moves the queued deliveries of a notification to `sendAt`. Those due within the minute are marked enqueued (the
 * caller sends their message); later ones are left to the cron. Messages already in flight for the old time find
 * the delivery not yet due and step aside (pipeline/deliver/due-time.ts). Returns the moved deliveries.
 */
export async function rescheduleQueued(db: Db, tenantId: string, id: string, sendAt: string) {
  const result = await db.execute<{ id: string; priority: string; channel: string }>(sql`
    WITH n AS (
      UPDATE notifications SET send_at = ${sendAt}::timestamptz, updated_at = now()
      WHERE tenant_id = ${tenantId} AND id = ${id}
        AND EXISTS (SELECT 1 FROM deliveries WHERE tenant_id = ${tenantId} AND notification_id = ${id} AND status = 'queued')
      RETURNING id
    )
    UPDATE deliveries SET next_attempt_at = ${sendAt}::timestamptz, updated_at = now(),
      enqueued_at = CASE WHEN ${sendAt}::timestamptz <= now() + ${ENQUEUE_AHEAD_SECONDS}::int * interval '1 second' THEN now() ELSE NULL END
    WHERE tenant_id = ${tenantId} AND notification_id IN (SELECT id FROM n) AND status = 'queued'
    RETURNING id, priority, channel`);
  return result.rows;
}
