/// <reference types="vite/client" />
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../src/lib/concurrency';
import { api, createKey, createTenant, expectEnvelope, testDb } from '../helpers/api';

/**
 * Generated from the OpenAPI document, so a new operation follows the conventions (or fails this test):
 * lists are `{data, next}`; a PUT on an item creates (201) or replaces (200); a DELETE takes no body and answers
 * 204; a replay is accepted work (202); the `read` scope reaches every GET but the admin-only ones README names.
 */

type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; required?: string[] };
type Operation = {
  security?: Record<string, unknown>[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/** GETs that need `admin`, as README.md ("API conventions") lists them. */
const ADMIN_ONLY_GETS = ['/v1/api-keys', '/v1/audit-log', '/v1/inbound-hooks'];

/** The one DELETE that may answer with a body: an erasure returns what it erased (`?erase=true`). */
const DELETE_WITH_REPORT = 'DELETE /v1/subscribers/{externalId}';

async function document() {
  const doc = (await api('GET', '/openapi.json')).body as Doc;
  const resolve = (s: Schema | undefined): Schema | undefined =>
    s?.$ref ? resolve(doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]) : s;
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
  return { ops, resolve };
}

describe('API conventions (generated from /openapi.json)', () => {
  it('every list answers {data, next}, and the lists that were bare now carry next', async () => {
    const { ops, resolve } = await document();
    const lists = ops.filter(({ op }) => {
      const schema = resolve(op.responses['200']?.content?.['application/json']?.schema);
      return resolve(schema?.properties?.data)?.type === 'array';
    });
    expect(lists.length).toBeGreaterThan(20);
    const bare = lists
      .filter(({ op }) => {
        const schema = resolve(op.responses['200']!.content!['application/json']!.schema)!;
        return !schema.properties?.next || !schema.required?.includes('next');
      })
      .map(({ method, path }) => `${method} ${path}`);
    expect(bare).toEqual([]);

    const t = await createTenant();
    await api('POST', '/v1/templates', {
      key: t.key,
      body: { key: 'welcome', name: 'Welcome', defaultLocale: 'en', locales: { en: { sms: { text: 'Hi' } } } },
    });
    for (const path of [
      '/v1/categories',
      '/v1/layouts',
      '/v1/starter-templates',
      '/v1/analytics/providers',
      '/v1/templates/welcome/versions',
    ]) {
      const res = await api('GET', path, { key: t.key });
      expect(res.status, path).toBe(200);
      expect(Object.keys(res.body).sort(), path).toEqual(['data', 'next']);
      expect(res.body.next, path).toBeNull();
    }
  });

  it('a PUT on an item declares 201 (created) and 200 (replaced); a DELETE has no body and answers 204', async () => {
    const { ops } = await document();
    const puts = ops.filter((o) => o.method === 'PUT' && /\}$/.test(o.path));
    expect(puts.map((o) => o.path).sort()).toEqual(['/v1/layouts/{key}', '/v1/subscribers/{externalId}']);
    for (const o of puts) expect(Object.keys(o.op.responses), o.path).toEqual(expect.arrayContaining(['200', '201']));

    const deletes = ops.filter((o) => o.method === 'DELETE');
    expect(deletes.length).toBeGreaterThan(8);
    const offenders = deletes.flatMap(({ method, path, op }) => {
      const name = `${method} ${path}`;
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      const expected = name === DELETE_WITH_REPORT ? ['200', '204'] : ['204'];
      return [
        ...(op.requestBody ? [`${name} takes a body`] : []),
        ...(success.sort().join() === expected.join() ? [] : [`${name} answers ${success.join(',')}`]),
      ];
    });
    expect(offenders).toEqual([]);

    // The two that broke the rule, live: a layout PUT twice, an API key revoked.
    const t = await createTenant();
    const layout = { name: 'Brand', html: '<main>{{ content }}</main>' };
    expect((await api('PUT', '/v1/layouts/brand', { key: t.key, body: layout })).status).toBe(201);
    expect((await api('PUT', '/v1/layouts/brand', { key: t.key, body: layout })).status).toBe(200);
    const extra = await createKey(t, ['read']);
    const revoked = await api('DELETE', `/v1/api-keys/${extra.keyId}`, { key: t.key });
    expect([revoked.status, revoked.body]).toEqual([204, '']);
  });

  it('every replay is accepted work: 202', async () => {
    const { ops } = await document();
    const replays = ops.filter((o) => o.path.endsWith('/replay'));
    expect(replays.length).toBeGreaterThanOrEqual(2);
    for (const o of replays) {
      expect(
        Object.keys(o.op.responses).filter((s) => s.startsWith('2')),
        o.path,
      ).toEqual(['202']);
    }
    const t = await createTenant();
    const res = await api('POST', '/v1/dead-letters/replay', { key: t.key, body: { filter: { channel: 'email' } } });
    expect([res.status, res.body]).toEqual([202, { replayed: 0, ids: [], more: false }]);
  });

  it('a read key gets what an admin key gets on every GET, except the admin-only ones README names', async () => {
    const readme = (await import('../../README.md?raw')).default;
    const scopesLine = readme.slice(readme.indexOf('- Scopes:'), readme.indexOf('- Signup gives'));
    for (const path of ADMIN_ONLY_GETS) expect(scopesLine).toContain(`\`GET ${path}\``);

    const t = await createTenant();
    await testDb().execute(sql`UPDATE tenants SET api_rate_limit_per_second = 100000 WHERE id = ${t.tenantId}`);
    const reader = await createKey(t, ['read']);
    const { ops } = await document();
    const gets = ops.filter((o) => o.method === 'GET' && o.op.security?.some((s) => 'ApiKey' in s));
    expect(gets.length).toBeGreaterThan(30);
    // Placeholder ids: the answer (404, 422, 200) only has to be the same for both keys.
    const fill = (path: string) => path.replace(/\{[^}]+\}/g, 'nothing-here');
    const differ: string[] = [];
    await mapWithConcurrency(gets, 4, async ({ path }) => {
      const asAdmin = await api('GET', fill(path), { key: t.key });
      const asReader = await api('GET', fill(path), { key: reader.key });
      if (ADMIN_ONLY_GETS.includes(path)) {
        expect(asAdmin.status, path).toBe(200);
        expectEnvelope(asReader, 403, 'insufficient_scope');
      } else if (asReader.status !== asAdmin.status) {
        differ.push(`${path}: admin ${asAdmin.status}, read ${asReader.status}`);
      }
    });
    expect(differ).toEqual([]);
  });
});
