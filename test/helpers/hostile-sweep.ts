import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { mapWithConcurrency } from '../../src/lib/concurrency';
import { api, createTenant, testDb } from './api';

/** Hostile bodies for every documented route that takes one: none may produce a 5xx. */
const BODIES: unknown[] = [
  null,
  [],
  'text',
  42,
  true,
  {},
  { a: { b: { c: { d: { e: { f: [null, { g: '\u0000\uffff' }] } } } } } },
  { key: 'x'.repeat(10_000) },
];

/** The hostile path parameters, one sweep (and test file) each. */
export const HOSTILE_PARAMS = ['%00', '..%2F..', 'a'.repeat(300)] as const;

/**
 * Every route of the OpenAPI document with `param` in each path parameter, hostile query strings and bodies; returns
 * the calls that answered 5xx. One parameter per test file: inside the test worker every request makes the next a
 * little slower (GET /health: 5 ms at the start, ~0.9 s after 900 requests; not seen in wrangler dev or the bench),
 * and a file starts a fresh worker, so three files of ~400 calls take a fraction of one file of ~1,200.
 */
export async function hostileSweep(param: string): Promise<string[]> {
  const t = await createTenant();
  // Every call must reach validation, not the per-key rate limit.
  await testDb().execute(sql`UPDATE tenants SET api_rate_limit_per_second = 100000 WHERE id = ${t.tenantId}`);
  const doc = (await api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const failures: string[] = [];
  const calls: { method: string; path: string; body: unknown }[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      const path = template.replace(/\{[^}]+\}/g, param);
      const query = method === 'get' ? '?limit=-1&after=%ff&from=not-a-date&status=%00&channel=' : '';
      const bodies = method === 'get' || method === 'delete' ? [undefined] : BODIES;
      for (const body of bodies) calls.push({ method: method.toUpperCase(), path: `${path}${query}`, body });
    }
  }
  expect(calls.length).toBeGreaterThan(200);
  await mapWithConcurrency(calls, 6, async ({ method, path, body }) => {
    const res = await api(method, path, { key: t.key, ...(body === undefined ? {} : { body }) });
    if (res.status >= 500) failures.push(`${method} ${path} ${JSON.stringify(body)?.slice(0, 60)} → ${res.status}`);
  });
  return failures;
}
