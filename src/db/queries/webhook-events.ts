import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client';

/**
 * Event emission in SQL, in the same statement as the change that causes it: a status change and its event commit
 * together or not at all, and a redelivered queue message that changes nothing emits nothing.
 *
 * `source` is a SELECT of (tenant_id, type, data); `prefix` holds the CTEs it reads (e.g. `changed AS (UPDATE …)`); names starting with `emit_` are reserved.
 * Events are stored only for tenants that have an endpoint (enabled or not, so a re-enabled endpoint can replay
 * its outage), then fanned out to each enabled endpoint subscribed to the type. The statement returns the
 * webhook messages to enqueue.
 */
export function emitEvents(source: SQL, prefix?: SQL): SQL {
  return sql`
    WITH ${prefix ? sql`${prefix},` : sql``}
    emit_src AS (${source}),
    emit_ev AS (
      INSERT INTO webhook_events (id, tenant_id, type, data)
      SELECT nk_prefixed_ulid('evt'), s.tenant_id, s.type, s.data FROM emit_src s
      WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.tenant_id = s.tenant_id)
      RETURNING id, tenant_id, type
    ),
    emit_msg AS (
      INSERT INTO webhook_messages (tenant_id, endpoint_id, event_id, status, next_attempt_at, enqueued_at)
      SELECT ev.tenant_id, e.id, ev.id, 'pending', now(), now()
      FROM emit_ev ev JOIN webhook_endpoints e ON e.tenant_id = ev.tenant_id AND e.enabled
        AND (cardinality(e.event_types) = 0 OR ev.type = ANY(e.event_types))
      RETURNING tenant_id, endpoint_id, event_id
    )
    SELECT tenant_id AS "tenantId", endpoint_id AS "endpointId", event_id AS "eventId" FROM emit_msg`;
}

/** A webhook message to enqueue. */
export interface EmittedMessage {
  tenantId: string;
  endpointId: string;
  eventId: string;
}

/**
 * Delivery events from changed delivery rows (a CTE named `changed` with the deliveries columns): the type is
 * `delivery.<status>`, or `typeExpr` when given. Tenant metadata from the send is echoed in `data.metadata`.
 */
/** The `data` of every delivery.* event, from a changed delivery row `c` and its notification `n`. */
export const DELIVERY_EVENT_DATA = sql`jsonb_build_object('deliveryId', c.id, 'notificationId', c.notification_id,
  'channel', c.channel, 'recipient', c.recipient, 'status', c.status, 'provider', c.provider,
  'providerMessageId', c.provider_message_id, 'error', c.last_error, 'attempts', c.attempts,
  'metadata', COALESCE(n.metadata, '{}'::jsonb))`;

/**
 * Delivery events from changed delivery rows (a CTE named `changed` with the deliveries columns), typed
 * `delivery.<status>`. Tenant metadata from the send is echoed in `data.metadata`.
 */
export function deliveryEvents(where: SQL) {
  return sql`
    SELECT c.tenant_id, 'delivery.' || c.status AS type, ${DELIVERY_EVENT_DATA} AS data
    FROM changed c JOIN notifications n ON n.id = c.notification_id AND n.tenant_id = c.tenant_id
    WHERE ${where}`;
}

/** The messages a statement built by emitEvents returned. */
export function emittedOf(result: unknown): EmittedMessage[] {
  return ((result as { rows?: EmittedMessage[] }).rows ?? []) as EmittedMessage[];
}

/** subscriber.unsubscribed (one-click link), with the tenant's own subscriber id. */
export function emitUnsubscribed(db: Db, tenantId: string, subscriberId: string, category: string | null) {
  return db.execute(
    emitEvents(sql`
      SELECT s.tenant_id, 'subscriber.unsubscribed' AS type,
        jsonb_build_object('subscriberId', s.external_id, 'category', ${category}::text, 'source', 'one_click_link',
          'metadata', '{}'::jsonb) AS data
      FROM subscribers s WHERE s.tenant_id = ${tenantId} AND s.id = ${subscriberId}`),
  );
}
