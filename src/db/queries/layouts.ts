import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { layouts } from '../schema';

/** `created` comes from Postgres' xmax: 0 on a fresh insert, the locking transaction id on an update. */
export async function upsertLayout(db: Db, tenantId: string, key: string, fields: { name: string; html: string }) {
  const now = new Date();
  const [row] = await db
    .insert(layouts)
    .values({ tenantId, key, ...fields, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [layouts.tenantId, layouts.key], set: { ...fields, updatedAt: now } })
    .returning({ ...getTableColumns(layouts), created: sql<boolean>`(xmax = 0)` });
  const { created, ...layout } = row!;
  return { layout, created };
}

export const listLayouts = (db: Db, tenantId: string) =>
  db.select().from(layouts).where(eq(layouts.tenantId, tenantId)).orderBy(asc(layouts.key));

export const deleteLayout = (db: Db, tenantId: string, key: string) =>
  db
    .delete(layouts)
    .where(and(eq(layouts.tenantId, tenantId), eq(layouts.key, key)))
    .returning({ key: layouts.key });

export async function loadLayouts(db: Db, tenantIds: string[]) {
  if (tenantIds.length === 0) return [];
  return db.select().from(layouts).where(inArray(layouts.tenantId, tenantIds));
}

/** Whether the tenant has its own layout with this key (built-in layouts are not rows). */
export async function tenantHasLayout(db: Db, tenantId: string, key: string) {
  const [row] = await db
    .select({ key: layouts.key })
    .from(layouts)
    .where(and(eq(layouts.tenantId, tenantId), eq(layouts.key, key)))
    .limit(1);
  return row !== undefined;
}
