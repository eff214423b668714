import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs module without types (shared with scripts/fuzz.mjs)
import { operationsOf, requestFor, violation } from '../fuzz/request-generators.mjs';
import { api, createTenant, testDb } from '../helpers/api';
import { tenantFingerprint } from '../helpers/tenant-fingerprint';

/**
 * A fixed-seed sample of the property-based fuzzing (`npm run fuzz` runs ≥ 10,000 cases per route family): every
 * documented operation gets generated hostile requests. Never a 5xx, always the error envelope, and a rejected
 * request writes nothing.
 */

async function fingerprint(tenantId: string) {
  return JSON.stringify(await tenantFingerprint(tenantId));
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
