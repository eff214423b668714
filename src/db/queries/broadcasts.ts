import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { broadcasts } from '../schema';
import { type PageRequest, pageFilter, pageOrder, toPage } from './pagination';

export type NewBroadcast = typeof broadcasts.$inferInsert;

/** Inserts a broadcast; with a dedupe key already used (a schedule occurrence run twice) nothing is inserted. */
export async function insertBroadcast(db: Db, row: NewBroadcast) {
  const [created] = await db
    .insert(broadcasts)
    .values(row)
    .onConflictDoNothing({ target: [broadcasts.tenantId, broadcasts.dedupeKey], where: sql`dedupe_key IS NOT NULL` })
    .returning();
  return created;
}

export async function getBroadcast(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(broadcasts)
    .where(and(eq(broadcasts.tenantId, tenantId), eq(broadcasts.id, id)));
  return row;
}

export async function listBroadcasts(db: Db, tenantId: string, page: PageRequest) {
  const rows = await db
    .select()
    .from(broadcasts)
    .where(and(eq(broadcasts.tenantId, tenantId), pageFilter(broadcasts.id, page)))
    .orderBy(pageOrder(broadcasts.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

/**
 * Moves the cursor past a processed chunk, only if no one else did (two consumers holding the same message both
 * process the chunk, harmlessly thanks to dedupe keys, but only one continues the chain).
 */
export async function advanceCursor(
  db: Db,
  b: { tenantId: string; id: string; cursor: string | null },
  next: string | null,
  done: boolean,
) {
  const rows = await db
    .update(broadcasts)
    .set({
      cursor: next ?? b.cursor,
      chunks: sql`${broadcasts.chunks} + 1`,
      updatedAt: new Date(),
      ...(done ? { status: 'completed' as const, completedAt: new Date() } : {}),
    })
    .where(
      and(
        eq(broadcasts.tenantId, b.tenantId),
        eq(broadcasts.id, b.id),
        eq(broadcasts.status, 'fanning_out'),
        b.cursor === null ? sql`${broadcasts.cursor} IS NULL` : eq(broadcasts.cursor, b.cursor),
      ),
    )
    .returning({ id: broadcasts.id });
  return rows.length === 1;
}

export function endBroadcast(
  db: Db,
  tenantId: string,
  id: string,
  status: 'canceled' | 'failed',
  error: { code: string; message: string } | null,
) {
  return db
    .update(broadcasts)
    .set({ status, error, completedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(broadcasts.tenantId, tenantId), eq(broadcasts.id, id), eq(broadcasts.status, 'fanning_out')))
    .returning({ id: broadcasts.id });
}

/** Delivery progress across the broadcast's notifications (one indexed aggregate). */
export async function broadcastProgress(db: Db, tenantId: string, id: string) {
  const result = await db.execute<Record<string, number>>(sql`
    SELECT count(DISTINCT n.id)::int AS notifications,
      count(d.id)::int AS deliveries,
      count(d.id) FILTER (WHERE d.status IN ('queued', 'sending'))::int AS pending,
      count(d.id) FILTER (WHERE d.status IN ('sent', 'delivered'))::int AS sent,
      count(d.id) FILTER (WHERE d.status IN ('failed', 'bounced', 'dead_lettered'))::int AS failed,
      count(d.id) FILTER (WHERE d.status = 'suppressed')::int AS suppressed,
      count(d.id) FILTER (WHERE d.status = 'canceled')::int AS canceled
    FROM notifications n LEFT JOIN deliveries d ON d.tenant_id = n.tenant_id AND d.notification_id = n.id
    WHERE n.tenant_id = ${tenantId} AND n.broadcast_id = ${id}`);
  const r = result.rows[0] ?? {};
  const n = (k: string) => Number(r[k] ?? 0);
  return {
    notifications: n('notifications'),
    deliveries: n('deliveries'),
    pending: n('pending'),
    sent: n('sent'),
    failed: n('failed'),
    suppressed: n('suppressed'),
    canceled: n('canceled'),
  };
}

/** Cancel: queued deliveries of the broadcast's notifications end `canceled`. */
export function cancelBroadcastDeliveries(db: Db, tenantId: string, id: string) {
  return db.execute(sql`
    UPDATE deliveries SET status = 'canceled', updated_at = now()
    WHERE tenant_id = ${tenantId} AND status = 'queued' AND notification_id IN
      (SELECT n.id FROM notifications n WHERE n.tenant_id = ${tenantId} AND n.broadcast_id = ${id})`);
}

/** Cron: fan-outs whose chain stopped (a lost message) for more than five minutes. */
export async function stalledBroadcasts(db: Db, limit: number) {
  const result = await db.execute<{ id: string; tenant_id: string }>(sql`
    UPDATE broadcasts SET updated_at = now()
    WHERE id IN (SELECT id FROM broadcasts WHERE status = 'fanning_out' AND updated_at < now() - interval '5 minutes'
      ORDER BY updated_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, tenant_id`);
  return result.rows;
}
