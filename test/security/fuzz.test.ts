import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs module without types (shared with scripts/fuzz.mjs)
import { operationsOf, requestFor, violation } from '../fuzz/request-generators.mjs';
import { api, createTenant, testDb } from '../helpers/api';

/**
 * A fixed-seed sample of the property-based fuzzing (`npm run fuzz` runs ≥ 10,000 cases per route family): every
 * documented operation gets generated hostile requests. Never a 5xx, always the error envelope, and a rejected
 * request writes nothing.
 */

/** Every row count and last update of the tenant's data, as one string: equal before and after = nothing written. */
async function fingerprint(tenantId: string) {
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
  return JSON.stringify(result.rows);
}

type FuzzRequest = { method: string; path: string; headers: Record<string, string>; body?: string };

describe('fuzzing (fixed-seed sample)', () => {
  it('hostile requests on every operation: no 5xx, always the envelope, nothing written when rejected', async () => {
    const t = await createTenant('fuzz');
    await testDb().execute(sql`UPDATE tenants SET api_rate_limit_per_second = 100000 WHERE id = ${t.tenantId}`);
    const doc = (await api('GET', '/openapi.json')).body;
    const ops = operationsOf(doc).filter((o: { template: string }) => o.template !== '/v1/tenants');
    const problems: string[] = [];
    for (const op of ops) {
      const samples = fc.sample(requestFor(op), { seed: 20261122, numRuns: 2 }) as FuzzRequest[];
      for (const req of samples) {
        const mutating = req.method !== 'GET';
        const before = mutating ? await fingerprint(t.tenantId) : null;
        const res = await api(req.method, req.path, {
          key: t.key,
          headers: req.headers,
          ...(req.body === undefined ? {} : { rawBody: req.body }),
        });
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
        const broken = violation(res.status, res.headers.get('content-type'), text);
        if (broken) problems.push(`${req.method} ${req.path.slice(0, 80)}: ${broken}`);
        if (mutating && res.status >= 400 && (await fingerprint(t.tenantId)) !== before) {
          problems.push(`${req.method} ${req.path.slice(0, 80)}: rejected (${res.status}) but wrote`);
        }
      }
    }
    expect(ops.length).toBeGreaterThan(60);
    expect(problems).toEqual([]);
  }, 300_000);
});
