import { and, desc, eq, gte, inArray, lt, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { type Channel, deliveries } from '../schema';
import { ERASED } from './gdpr';
import { type PageRequest, toPage } from './pagination';

export async function listDeadLetters(db: Db, tenantId: string, channel: Channel | undefined, page: PageRequest) {
  const rows = await db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.status, 'dead_lettered'),
        channel ? eq(deliveries.channel, channel) : undefined,
        page.after ? lt(deliveries.id, page.after) : undefined,
      ),
    )
    .orderBy(desc(deliveries.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

export type ReplaySelection =
  | { ids: string[] }
  | { filter: { channel?: Channel | undefined; from?: Date | undefined; to?: Date | undefined } };

/**
 * dead_lettered → queued for the selected deliveries (at most `limit`), marked enqueued now. Only rows that
 * were still dead-lettered come back, so replaying twice enqueues each delivery once.
 */
export async function requeueDeadLetters(db: Db, tenantId: string, selection: ReplaySelection, limit: number) {
  const match =
    'ids' in selection
      ? inArray(deliveries.id, selection.ids)
      : and(
          selection.filter.channel ? eq(deliveries.channel, selection.filter.channel) : undefined,
          selection.filter.from ? gte(deliveries.deadLetteredAt, selection.filter.from) : undefined,
          selection.filter.to ? lte(deliveries.deadLetteredAt, selection.filter.to) : undefined,
        );
  const candidates = db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.status, 'dead_lettered'),
        match,
        // Bodies removed by retention or an erasure: there is nothing (or no one) left to send to.
        ne(deliveries.recipient, ERASED),
        sql`NOT EXISTS (SELECT 1 FROM notifications n
          WHERE n.tenant_id = ${tenantId} AND n.id = ${deliveries.notificationId} AND n.purged_at IS NOT NULL)`,
      ),
    )
    .orderBy(deliveries.id)
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(deliveries)
    .set({
      status: 'queued',
      replays: sql`${deliveries.replays} + 1`,
      deadLetteredAt: null,
      claimedAt: null,
      nextAttemptAt: sql`now()`,
      enqueuedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.status, 'dead_lettered'),
        inArray(deliveries.id, candidates),
      ),
    )
    .returning({ id: deliveries.id, priority: deliveries.priority, channel: deliveries.channel });
}
