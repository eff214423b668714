import { sql } from 'drizzle-orm';
import { testDb } from './api';

/**
 * Row count and last update of every table holding the tenant's data (idempotency records aside): equal before and
 * after a request means the request wrote nothing.
 */
export async function tenantFingerprint(tenantId: string): Promise<Record<string, string>> {
  const tables = await testDb().execute<{ table_name: string; has_updated: boolean }>(sql`
    SELECT c.table_name, bool_or(u.column_name IS NOT NULL) AS has_updated
    FROM information_schema.columns c
    LEFT JOIN information_schema.columns u
      ON u.table_name = c.table_name AND u.table_schema = c.table_schema AND u.column_name = 'updated_at'
    WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND c.table_name <> 'idempotency_keys'
    GROUP BY c.table_name ORDER BY c.table_name`);
  const parts = tables.rows.map(
    (t) =>
      sql`SELECT ${t.table_name}::text AS t, count(*)::text || ':' || ${
        t.has_updated ? sql.raw("COALESCE(max(updated_at)::text, '')") : sql.raw("''")
      } AS v FROM ${sql.identifier(t.table_name)} WHERE tenant_id = ${tenantId}`,
  );
  const result = await testDb().execute<{ t: string; v: string }>(sql.join(parts, sql` UNION ALL `));
  return Object.fromEntries(result.rows.map((r) => [r.t, r.v]));
}
