import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { webhookAttempts, webhookEndpoints } from '../schema';
import { type PageRequest, pageFilter, pageOrder, toPage } from './pagination';

export type NewWebhookEndpoint = typeof webhookEndpoints.$inferInsert;

export const insertWebhookEndpoint = (db: Db, row: NewWebhookEndpoint) =>
  db.insert(webhookEndpoints).values(row).returning();

export async function getWebhookEndpoint(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)));
  return row;
}

export async function listWebhookEndpoints(db: Db, tenantId: string, page: PageRequest) {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), pageFilter(webhookEndpoints.id, page)))
    .orderBy(pageOrder(webhookEndpoints.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

export const updateWebhookEndpoint = (db: Db, tenantId: string, id: string, set: Partial<NewWebhookEndpoint>) =>
  db
    .update(webhookEndpoints)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)))
    .returning();

export const deleteWebhookEndpoint = (db: Db, tenantId: string, id: string) =>
  db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });

export async function listWebhookAttempts(
  db: Db,
  tenantId: string,
  endpointId: string,
  filter: { eventId?: string | undefined; outcome?: 'succeeded' | 'failed' | undefined },
  page: PageRequest,
) {
  const rows = await db
    .select()
    .from(webhookAttempts)
    .where(
      and(
        eq(webhookAttempts.tenantId, tenantId),
        eq(webhookAttempts.endpointId, endpointId),
        filter.eventId ? eq(webhookAttempts.eventId, filter.eventId) : undefined,
        filter.outcome ? eq(webhookAttempts.outcome, filter.outcome) : undefined,
        pageFilter(webhookAttempts.id, page),
      ),
    )
    .orderBy(pageOrder(webhookAttempts.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

/** How many stored events a replay of this window would re-send to the endpoint. */
export async function countReplayable(db: Db, tenantId: string, endpointId: string, window: ReplayWindow) {
  const result = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM webhook_events ev JOIN webhook_endpoints e ON e.id = ${endpointId} AND e.tenant_id = ev.tenant_id
    WHERE ${replayWhere(tenantId, window)}`);
  return Number(result.rows[0]?.n ?? 0);
}

export interface ReplayWindow {
  since: string;
  until: string;
  types?: string[] | undefined;
}

// An endpoint never receives the event of its own disabling (it goes to the others), replayed or not.
const replayWhere = (tenantId: string, w: ReplayWindow) => sql`
  ev.tenant_id = ${tenantId} AND ev.created_at >= ${w.since}::timestamptz AND ev.created_at < ${w.until}::timestamptz
  AND ev.type <> 'webhook.test'
  AND NOT (ev.type = 'webhook_endpoint.disabled' AND ev.data->>'endpointId' = e.id)
  AND (cardinality(e.event_types) = 0 OR ev.type = ANY(e.event_types))
  ${w.types?.length ? sql`AND ev.type IN (SELECT jsonb_array_elements_text(${JSON.stringify(w.types)}::jsonb))` : sql``}`;

/**
 * Re-sends a window of events to one endpoint: a new cycle of attempts for each (same event id, so receivers that
 * already have it drop the duplicate by webhook-id). A message in flight is left to finish.
 */
export function replayWindow(db: Db, tenantId: string, endpointId: string, window: ReplayWindow) {
  return db.execute(sql`
    INSERT INTO webhook_messages (tenant_id, endpoint_id, event_id, status, next_attempt_at, enqueued_at)
    SELECT ev.tenant_id, e.id, ev.id, 'pending', now(), now()
    FROM webhook_events ev JOIN webhook_endpoints e ON e.id = ${endpointId} AND e.tenant_id = ev.tenant_id
    WHERE ${replayWhere(tenantId, window)}
    ON CONFLICT (endpoint_id, event_id) DO UPDATE SET status = 'pending', attempts = 0,
      replays = webhook_messages.replays + 1, next_attempt_at = now(), enqueued_at = now(), last_error = NULL,
      updated_at = now()
      WHERE webhook_messages.status <> 'sending'
    RETURNING tenant_id AS "tenantId", endpoint_id AS "endpointId", event_id AS "eventId"`);
}

/** The test call: a `webhook.test` event and its message, claimed for the synchronous attempt. */
export async function insertTestEvent(db: Db, tenantId: string, endpointId: string, eventId: string, data: object) {
  const [events] = await db.batch([
    db.execute<{ created_at: string }>(sql`
      INSERT INTO webhook_events (id, tenant_id, type, data) VALUES (${eventId}, ${tenantId}, 'webhook.test', ${JSON.stringify(data)}::jsonb)
      RETURNING created_at`),
    db.execute(sql`
      INSERT INTO webhook_messages (tenant_id, endpoint_id, event_id, status, attempts, claimed_at, next_attempt_at)
      VALUES (${tenantId}, ${endpointId}, ${eventId}, 'sending', 1, now(), now())`),
  ]);
  return events.rows[0]!.created_at;
}
