import { and, asc, desc, eq, exists, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { PlannedNotification } from '../../domain/notifications/plan-deliveries';
import type { Db } from '../client';
import { type Channel, type DeliveryStatus, deliveries, deliveryAttempts, notifications, subscribers } from '../schema';
import { type PageRequest, toPage } from './pagination';
import { emitEvents, emittedOf } from './webhook-events';

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
  const notificationRows = planned.map((p) => p.notification);
  const deliveryRows = planned.flatMap((p) =>
    p.deliveries.map((d) => ({ ...d, enqueuedAt: p.dueNow && d.status === 'queued' ? enqueuedAt : null })),
  );
  const events = planned.flatMap((p) => acceptEvents(p));
  const [, , emitted] = await db.batch([
    db.execute(sql`
      INSERT INTO notifications (id, tenant_id, mode, priority, category, content, data, metadata, send_at, fallback,
        template_id, template_version)
      SELECT id, "tenantId", mode, priority, category, content, data, metadata, "sendAt", fallback, "templateId",
        "templateVersion"
      FROM jsonb_to_recordset(${JSON.stringify(notificationRows)}::jsonb) AS x(
        id text, "tenantId" text, mode text, priority text, category text, content jsonb, data jsonb,
        metadata jsonb, "sendAt" timestamptz, fallback jsonb, "templateId" text, "templateVersion" int)`),
    db.execute(sql`
      INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, subscriber_id, recipient,
        address, last_error, next_attempt_at, enqueued_at, fallback, locale)
      SELECT id, "tenantId", "notificationId", channel, status, priority, "subscriberId", recipient, address,
        "lastError", "nextAttemptAt", "enqueuedAt", fallback, locale
      FROM jsonb_to_recordset(${JSON.stringify(deliveryRows)}::jsonb) AS x(
        id text, "tenantId" text, "notificationId" text, channel text, status text, priority text,
        "subscriberId" text, recipient text, address text, "lastError" jsonb, "nextAttemptAt" timestamptz,
        "enqueuedAt" timestamptz, fallback jsonb, locale text)`),
    db.execute(
      emitEvents(sql`
        SELECT x."tenantId" AS tenant_id, x.type, x.data
        FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS x("tenantId" text, type text, data jsonb)`),
    ),
  ]);
  return emittedOf(emitted);
}

/** notification.accepted, and delivery.failed for deliveries that failed at acceptance (no address). */
function acceptEvents({ notification: n, deliveries: ds }: PlannedNotification) {
  const metadata = n.metadata ?? {};
  return [
    {
      tenantId: n.tenantId,
      type: 'notification.accepted',
      data: {
        notificationId: n.id,
        mode: n.mode,
        priority: n.priority,
        category: n.category,
        sendAt: n.sendAt,
        deliveries: ds.map((d) => ({ deliveryId: d.id, channel: d.channel, recipient: d.recipient, status: d.status })),
        metadata,
      },
    },
    ...ds
      .filter((d) => d.status === 'failed')
      .map((d) => ({
        tenantId: n.tenantId,
        type: 'delivery.failed',
        data: {
          deliveryId: d.id,
          notificationId: n.id,
          channel: d.channel,
          recipient: d.recipient,
          status: d.status,
          provider: null,
          providerMessageId: null,
          error: d.lastError,
          attempts: 0,
          metadata,
        },
      })),
  ];
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
