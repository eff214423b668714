import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { apiKeys, tenants } from '../schema';
import { type PageRequest, pageFilter, pageOrder, toPage } from './pagination';

export type NewApiKey = typeof apiKeys.$inferInsert;

/** What authentication needs of a key: its tenant, mode, scopes, status and the tenant's rate limit. */
const authColumns = {
  id: apiKeys.id,
  tenantId: apiKeys.tenantId,
  mode: apiKeys.mode,
  scopes: apiKeys.scopes,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  tenantRateLimitPerSecond: tenants.apiRateLimitPerSecond,
};

/** The one unscoped lookup: the key hash is what tells us the tenant. */
export async function findApiKeyByHash(db: Db, keyHash: string) {
  const [row] = await db
    .select(authColumns)
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(eq(apiKeys.keyHash, keyHash));
  return row;
}

/** The same for a dashboard session, which names its tenant and key (src/domain/dashboard/session.ts). */
export async function findApiKeyById(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select(authColumns)
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
  return row;
}

/** The names a dashboard session shows in its header: the tenant's and the key's. */
export async function getTenantAndKeyNames(db: Db, tenantId: string, keyId: string) {
  const [row] = await db
    .select({ tenantName: tenants.name, keyName: apiKeys.name })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, keyId)));
  return row;
}

export const insertApiKey = (db: Db, row: NewApiKey) => db.insert(apiKeys).values(row).returning();

export async function getApiKey(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
  return row;
}

export async function listApiKeys(db: Db, tenantId: string, page: PageRequest) {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), pageFilter(apiKeys.id, page)))
    .orderBy(pageOrder(apiKeys.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

/** Active (not revoked, not rolled) keys carrying `admin`: used to refuse locking a tenant out. */
export async function listActiveAdminKeyIds(db: Db, tenantId: string) {
  const rows = await db
    .select({ id: apiKeys.id, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt), isNull(apiKeys.expiresAt)));
  return rows.filter((r) => r.scopes.includes('admin')).map((r) => r.id);
}

export const revokeApiKey = (db: Db, tenantId: string, id: string, at: Date) =>
  db
    .update(apiKeys)
    .set({ revokedAt: at, updatedAt: at })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();

export const expireApiKey = (db: Db, tenantId: string, id: string, at: Date) =>
  db
    .update(apiKeys)
    .set({ expiresAt: at, updatedAt: new Date() })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
