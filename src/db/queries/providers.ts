import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../client';
import { providerConfigs } from '../schema';
import { type PageRequest, toPage } from './pagination';

export type NewProviderConfig = typeof providerConfigs.$inferInsert;

export const insertProviderConfig = (db: Db, row: NewProviderConfig) =>
  db.insert(providerConfigs).values(row).returning();

export async function getProviderConfig(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(providerConfigs)
    .where(and(eq(providerConfigs.tenantId, tenantId), eq(providerConfigs.id, id)));
  return row;
}

export async function listProviderConfigs(db: Db, tenantId: string, channel: string | undefined, page: PageRequest) {
  const rows = await db
    .select()
    .from(providerConfigs)
    .where(
      and(
        eq(providerConfigs.tenantId, tenantId),
        channel ? eq(providerConfigs.channel, channel) : undefined,
        page.after ? lt(providerConfigs.id, page.after) : undefined,
      ),
    )
    .orderBy(desc(providerConfigs.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

export const updateProviderConfig = (db: Db, tenantId: string, id: string, set: Partial<NewProviderConfig>) =>
  db
    .update(providerConfigs)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(providerConfigs.tenantId, tenantId), eq(providerConfigs.id, id)))
    .returning();

export const deleteProviderConfig = (db: Db, tenantId: string, id: string) =>
  db
    .delete(providerConfigs)
    .where(and(eq(providerConfigs.tenantId, tenantId), eq(providerConfigs.id, id)))
    .returning({ id: providerConfigs.id });

/** The failover chains of a consumer batch: every enabled configuration of these tenants, by priority. */
export async function loadEnabledProviderConfigs(db: Db, tenantIds: string[]) {
  if (tenantIds.length === 0) return [];
  return db
    .select()
    .from(providerConfigs)
    .where(and(inArray(providerConfigs.tenantId, tenantIds), eq(providerConfigs.enabled, true)))
    .orderBy(asc(providerConfigs.priority), asc(providerConfigs.id));
}

/** Every configuration (enabled or not: receipts for earlier sends still arrive) of one provider for a tenant. */
export function providerConfigsOf(db: Db, tenantId: string, provider: string) {
  return db
    .select()
    .from(providerConfigs)
    .where(and(eq(providerConfigs.tenantId, tenantId), eq(providerConfigs.provider, provider)));
}
