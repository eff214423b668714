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
  const [row] = await upsertQuery(db, tenantId, { externalId, id, fields }, new Date());
  const { created, ...subscriber } = row!;
  return { subscriber, created };
}

/** Several upserts, each merging like upsertSubscriber, in one round trip and one transaction. */
export async function upsertSubscribers(
  db: Db,
  tenantId: string,
  profiles: { externalId: string; id: string; fields: SubscriberFields }[],
) {
  if (!profiles.length) return [];
  const now = new Date();
  const [first, ...rest] = profiles.map((p) => upsertQuery(db, tenantId, p, now));
  const results = await db.batch([first!, ...rest]);
  return results.map(([row]) => {
    const { created: _, ...subscriber } = row!;
    return subscriber;
  });
}

function upsertQuery(
  db: Db,
  tenantId: string,
  { externalId, id, fields }: { externalId: string; id: string; fields: SubscriberFields },
  now: Date,
) {
  return db
    .insert(subscribers)
    .values({ id, tenantId, externalId, ...fields, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [subscribers.tenantId, subscribers.externalId], set: { ...fields, updatedAt: now } })
    .returning({ ...getTableColumns(subscribers), created: sql<boolean>`(xmax = 0)` });
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
