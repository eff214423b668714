import { describe, expect, it } from 'vitest';
import { api, createTenant } from '../helpers/api';
import { HOSTILE_PARAMS, hostileSweep } from '../helpers/hostile-sweep';

describe('client input never reaches a 500 (a NUL)', () => {
  it('every route from the OpenAPI document, with hostile bodies, queries and a NUL in every path parameter', async () => {
    expect(await hostileSweep(HOSTILE_PARAMS[0])).toEqual([]);
  }, 200_000);

  it('values Postgres cannot store (NUL in text and jsonb) inside otherwise valid bodies → 4xx, never 5xx', async () => {
    const t = await createTenant();
    for (const [method, path, body] of [
      ['PUT', '/v1/subscribers/nul', { name: 'a\u0000b', data: { x: 'c\u0000d' } }],
      ['POST', '/v1/tenants', { name: 'Acme\u0000', email: 'nul@example.test' }],
      ['POST', '/v1/notifications', { to: { email: 'a@b.test' }, content: { subject: 's\u0000', text: 't' } }],
      ['POST', '/v1/api-keys', { name: 'k\u0000', mode: 'test' }],
    ] as const) {
      const res = await api(method, path, { key: t.key, body });
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
    }
  });
});
