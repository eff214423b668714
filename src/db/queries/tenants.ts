import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { tenants } from '../schema';

export type NewTenant = typeof tenants.$inferInsert;

/** Unexecuted, so callers can put it in a `db.batch` with the tenant's first key. */
export const insertTenant = (db: Db, row: NewTenant) => db.insert(tenants).values(row).returning();

export async function getTenant(db: Db, tenantId: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}
