import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { subscribers } from '../schema';
import { type PageRequest, pageFilter, pageOrder, toPage } from './pagination';

export type SubscriberFields = Partial<
  Pick<typeof subscribers.$inferInsert, 'email' | 'phone' | 'name' | 'locale' | 'timezone' | 'data' | 'channels'>
>;

/**
 * Insert or merge: fields present in `fields` overwrite (null clears), absent fields keep their value.
 * `created` comes from Postgres' xmax trick: 0 on a fresh insert, the locking transaction id on an update.
 */
export async function upsertSubscriber(
  db: Db,
  tenantId: string,
  externalId: string,
  id: string,
  fields: SubscriberFields,
) {
  const now = new Date();
  const [row] = await db
    .insert(subscribers)
    .values({ id, tenantId, externalId, ...fields, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [subscribers.tenantId, subscribers.externalId], set: { ...fields, updatedAt: now } })
    .returning({ ...getTableColumns(subscribers), created: sql<boolean>`(xmax = 0)` });
  const { created, ...subscriber } = row!;
  return { subscriber, created };
}

export async function getSubscriber(db: Db, tenantId: string, externalId: string) {
  const [row] = await db
    .select()
    .from(subscribers)
    .where(and(eq(subscribers.tenantId, tenantId), eq(subscribers.externalId, externalId)));
  return row;
}

export async function listSubscribers(db: Db, tenantId: string, page: PageRequest) {
  const rows = await db
    .select()
    .from(subscribers)
    .where(and(eq(subscribers.tenantId, tenantId), pageFilter(subscribers.id, page)))
    .orderBy(pageOrder(subscribers.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

/** True if a row was deleted. */
export async function deleteSubscriber(db: Db, tenantId: string, externalId: string) {
  const rows = await db
    .delete(subscribers)
    .where(and(eq(subscribers.tenantId, tenantId), eq(subscribers.externalId, externalId)))
    .returning({ id: subscribers.id });
  return rows.length > 0;
}
