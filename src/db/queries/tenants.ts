import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { tenants } from '../schema';

export type NewTenant = typeof tenants.$inferInsert;

/** Unexecuted, so callers can put it in a `db.batch` with the tenant's first key. */
export const insertTenant = (db: Db, row: NewTenant) => db.insert(tenants).values(row).returning();

/** The tenant whose inbound receipt URLs carry this token. */
export async function getTenantIdByHooksToken(db: Db, token: string) {
  const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.hooksToken, token));
  return row?.id;
}

/** The tenant's hooks token: `candidate` becomes it only if it has none yet (concurrent first uses agree). */
export async function ensureHooksToken(db: Db, tenantId: string, candidate: string) {
  const [row] = await db
    .update(tenants)
    .set({ hooksToken: sql`COALESCE(${tenants.hooksToken}, ${candidate})` })
    .where(eq(tenants.id, tenantId))
    .returning({ token: tenants.hooksToken });
  return row!.token!;
}

export const setHooksToken = (db: Db, tenantId: string, token: string) =>
  db.update(tenants).set({ hooksToken: token, updatedAt: new Date() }).where(eq(tenants.id, tenantId));

export async function getBroadcastRate(db: Db, tenantId: string) {
  const [row] = await db.select({ rate: tenants.broadcastRatePerSecond }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.rate ?? null;
}

export async function getUsageSettings(db: Db, tenantId: string) {
  const [row] = await db
    .select({
      settings: tenants.usageSettings,
      warnedMonth: tenants.budgetWarnedMonth,
      stoppedMonth: tenants.budgetStoppedMonth,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row ?? null;
}

/** Merges a patch into the settings (null clears a field) and re-evaluates a budget stop at the next check. */
export async function patchUsageSettings(db: Db, tenantId: string, patch: Record<string, unknown>) {
  const [row] = await db
    .update(tenants)
    .set({
      usageSettings: sql`jsonb_strip_nulls(COALESCE(${tenants.usageSettings}, '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb)`,
      budgetStoppedMonth: null,
      updatedAt: sql`now()`,
    })
    .where(eq(tenants.id, tenantId))
    .returning({ settings: tenants.usageSettings });
  return row?.settings ?? null;
}

export async function isBudgetStopped(db: Db, tenantId: string, month: string) {
  const [row] = await db.select({ stopped: tenants.budgetStoppedMonth }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.stopped === month;
}
