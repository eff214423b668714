import type { Db } from '../client';
import { tenants } from '../schema';

export type NewTenant = typeof tenants.$inferInsert;

/** Unexecuted, so callers can put it in a `db.batch` with the tenant's first key. */
export const insertTenant = (db: Db, row: NewTenant) => db.insert(tenants).values(row).returning();
