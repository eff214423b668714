import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { tenants } from '../schema';

/**
 * Per-tenant retention of message bodies (docs/operations.md#retention). Every purge statement touches at most
 * PURGE_BATCH rows of its table and is scoped by tenant; what stays (deliveries' statuses, timestamps, costs,
 * engagement counts, usage_hourly) is exactly what the analytics read.
 */
export const PURGE_BATCH = 5_000;
/** Notifications looked at per step; the deliveries under them are kept to PURGE_BATCH as well. */
const NOTIFICATION_CANDIDATES = 1_000;

/** What stands in for a removed error message: the code stays for statistics. */
export const PURGED = '[purged]';

export async function getRetentionDays(db: Db, tenantId: string) {
  const [row] = await db.select({ days: tenants.retentionDays }).from(tenants).where(eq(tenants.id, tenantId));
  return row;
}

export async function setRetentionDays(db: Db, tenantId: string, days: number | null) {
  const [row] = await db
    .update(tenants)
    .set({ retentionDays: days, updatedAt: sql`now()` })
    .where(eq(tenants.id, tenantId))
    .returning({ days: tenants.retentionDays });
  return row;
}

/** Bodies may only go once the usage roll-up has covered their hour, so totals never depend on a body. */
const ROLLED_THROUGH = sql`(SELECT rolled_through FROM usage_rollup_state WHERE id = 1)`;

/**
 * Tenants with something past their retention, and their retention in days. One statement: each condition is an
 * index probe (notifications_unpurged_idx, sandbox and event indexes), so idle tenants cost next to nothing.
 */
export async function tenantsWithExpiredBodies(db: Db, now: Date, defaultDays: number, webhookEventDays: number) {
  const result = await db.execute<{ tenantId: string; days: number }>(sql`
    WITH t AS (
      SELECT id, COALESCE(retention_days, ${defaultDays}::int) AS days,
        ${now.toISOString()}::timestamptz - make_interval(days => COALESCE(retention_days, ${defaultDays}::int)) AS cutoff
      FROM tenants
    )
    SELECT t.id AS "tenantId", t.days FROM t
    WHERE EXISTS (
        SELECT 1 FROM notifications n
        WHERE n.tenant_id = t.id AND n.purged_at IS NULL AND COALESCE(n.send_at, n.created_at) < t.cutoff
          AND n.created_at < ${ROLLED_THROUGH})
      OR (SELECT s.created_at FROM sandbox_messages s WHERE s.tenant_id = t.id ORDER BY s.id LIMIT 1) < t.cutoff
      OR CASE WHEN t.days < ${webhookEventDays}::int THEN
          EXISTS (SELECT 1 FROM webhook_events e WHERE e.tenant_id = t.id AND e.created_at < t.cutoff)
          OR EXISTS (SELECT 1 FROM webhook_attempts a
            WHERE a.tenant_id = t.id AND a.started_at < t.cutoff AND a.response_snippet IS NOT NULL)
        ELSE false END
    ORDER BY t.id`);
  return result.rows.map((r) => ({ tenantId: r.tenantId, days: Number(r.days) }));
}

export interface NotificationCursor {
  due: string;
  id: string;
}

export const FIRST_CURSOR: NotificationCursor = { due: '-infinity', id: '' };

/**
 * The next notifications whose bodies can go, oldest due first: past the cutoff (a scheduled send counts from its
 * send time), rolled up, and with no delivery still queued or sending (rendering needs the content). Cut so their
 * deliveries stay within PURGE_BATCH. `next` is where the following step starts (pending ones are stepped over).
 */
export async function nextPurgeableNotifications(db: Db, tenantId: string, cutoff: Date, after: NotificationCursor) {
  const result = await db.execute<{ id: string; due: string; pending: boolean }>(sql`
    WITH cand AS (
      SELECT n.id, COALESCE(n.send_at, n.created_at) AS due FROM notifications n
      WHERE n.tenant_id = ${tenantId} AND n.purged_at IS NULL
        AND COALESCE(n.send_at, n.created_at) < ${cutoff.toISOString()}::timestamptz
        AND n.created_at < ${ROLLED_THROUGH}
        AND (COALESCE(n.send_at, n.created_at), n.id) > (${after.due}::timestamptz, ${after.id}::text)
      ORDER BY COALESCE(n.send_at, n.created_at), n.id
      LIMIT ${NOTIFICATION_CANDIDATES}
    ),
    sized AS (
      SELECT c.id, c.due, s.n, COALESCE(s.pending, false) AS pending FROM cand c
      CROSS JOIN LATERAL (
        SELECT count(*) AS n, bool_or(d.status IN ('queued', 'sending')) AS pending
        FROM deliveries d WHERE d.tenant_id = ${tenantId} AND d.notification_id = c.id
      ) s
    ),
    run AS (
      SELECT *, sum(n) OVER (ORDER BY due, id) AS total, row_number() OVER (ORDER BY due, id) AS rn FROM sized
    )
    SELECT id, to_char(due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due, pending
    FROM run WHERE total <= ${PURGE_BATCH} OR rn = 1 ORDER BY due, id`);
  const rows = result.rows;
  const last = rows[rows.length - 1];
  return {
    ids: rows.filter((r) => !r.pending).map((r) => r.id),
    next: last ? { due: last.due, id: last.id } : null,
  };
}

/**
 * Removes the bodies of these notifications in one statement: content and template data, the deliveries' tracked
 * links and error messages (codes stay), attempts' error messages, and their inbox copies. Re-checks "nothing
 * pending" itself, so a delivery re-queued meanwhile keeps its content.
 */
export async function purgeNotificationBodies(db: Db, tenantId: string, ids: string[]) {
  if (ids.length === 0) return 0;
  const result = await db.execute<{ notifications: number }>(sql`
    WITH n AS (
      UPDATE notifications x SET content = '{}'::jsonb, data = NULL, purged_at = now(), updated_at = now()
      WHERE x.tenant_id = ${tenantId} AND x.purged_at IS NULL
        AND x.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.tenant_id = ${tenantId} AND d.notification_id = x.id
          AND d.status IN ('queued', 'sending'))
      RETURNING x.id
    ),
    dl AS (
      SELECT d.id FROM deliveries d WHERE d.tenant_id = ${tenantId} AND d.notification_id IN (SELECT id FROM n)
    ),
    upd AS (
      UPDATE deliveries d SET links = NULL,
        last_error = CASE WHEN d.last_error IS NULL THEN NULL
          ELSE jsonb_build_object('code', d.last_error->>'code', 'message', ${PURGED}::text) END,
        updated_at = now()
      WHERE d.tenant_id = ${tenantId} AND d.id IN (SELECT id FROM dl)
        AND (d.links IS NOT NULL OR d.last_error IS NOT NULL)
      RETURNING 1
    ),
    att AS (
      UPDATE delivery_attempts a SET error_message = NULL
      WHERE a.tenant_id = ${tenantId} AND a.delivery_id IN (SELECT id FROM dl) AND a.error_message IS NOT NULL
      RETURNING 1
    ),
    inbox AS (
      DELETE FROM inbox_messages i WHERE i.tenant_id = ${tenantId} AND i.id IN (SELECT id FROM dl) RETURNING 1
    )
    SELECT (SELECT count(*) FROM n)::int AS notifications, (SELECT count(*) FROM upd)::int AS deliveries,
      (SELECT count(*) FROM att)::int AS attempts, (SELECT count(*) FROM inbox)::int AS inbox`);
  return result.rows[0]?.notifications ?? 0;
}

/** Test-mode renderings past the cutoff (oldest first: ids are time-ordered). */
export async function deleteExpiredSandbox(db: Db, tenantId: string, cutoff: Date) {
  const result = await db.execute(sql`
    DELETE FROM sandbox_messages WHERE tenant_id = ${tenantId} AND id IN (
      SELECT id FROM sandbox_messages
      WHERE tenant_id = ${tenantId} AND created_at < ${cutoff.toISOString()}::timestamptz
      ORDER BY id LIMIT ${PURGE_BATCH})`);
  return result.rowCount ?? 0;
}

/**
 * Webhook events of a tenant whose retention is shorter than the replay window (the hourly job removes them at
 * 30 days for everyone). An event still being delivered stays until its message is done.
 */
export async function deleteExpiredWebhookEvents(db: Db, tenantId: string, cutoff: Date) {
  const result = await db.execute(sql`
    DELETE FROM webhook_events WHERE tenant_id = ${tenantId} AND id IN (
      SELECT e.id FROM webhook_events e
      WHERE e.tenant_id = ${tenantId} AND e.created_at < ${cutoff.toISOString()}::timestamptz
        AND e.id NOT IN (SELECT m.event_id FROM webhook_messages m
          WHERE m.tenant_id = ${tenantId} AND m.status IN ('pending', 'sending'))
      ORDER BY e.created_at LIMIT ${PURGE_BATCH})`);
  return result.rowCount ?? 0;
}

/** What endpoints answered (≤ 1 KB each, may echo the payload); the attempt rows stay for the attempts API. */
export async function clearExpiredWebhookSnippets(db: Db, tenantId: string, cutoff: Date) {
  const result = await db.execute(sql`
    UPDATE webhook_attempts SET response_snippet = NULL WHERE tenant_id = ${tenantId} AND id IN (
      SELECT id FROM webhook_attempts
      WHERE tenant_id = ${tenantId} AND started_at < ${cutoff.toISOString()}::timestamptz
        AND response_snippet IS NOT NULL
      LIMIT ${PURGE_BATCH})`);
  return result.rowCount ?? 0;
}
