import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tenants } from '../../src/db/schema';
import { generateApiKey } from '../../src/domain/api-keys/key-format';
import { api, createKey, createTenant, expectEnvelope, testDb } from '../helpers/api';

describe('authentication', () => {
  it('401 missing_api_key without an Authorization header', async () => {
    expectEnvelope(await api('GET', '/v1/subscribers'), 401, 'missing_api_key');
  });

  it('401 invalid_api_key for a non-Bearer header', async () => {
    const t = await createTenant();
    const res = await api('GET', '/v1/subscribers', { headers: { authorization: `Basic ${t.key}` } });
    expectEnvelope(res, 401, 'invalid_api_key');
  });

  it('401 for a key with a one-character typo (checksum)', async () => {
    const t = await createTenant();
    const i = 20;
    const typo = t.key.slice(0, i) + (t.key[i] === 'x' ? 'y' : 'x') + t.key.slice(i + 1);
    const error = expectEnvelope(await api('GET', '/v1/subscribers', { key: typo }), 401, 'invalid_api_key');
    expect(error.message).toMatch(/checksum/);
  });

  it('401 for a well-formed key that was never issued', async () => {
    const error = expectEnvelope(
      await api('GET', '/v1/subscribers', { key: generateApiKey('live') }),
      401,
      'invalid_api_key',
    );
    expect(error.message).toMatch(/not recognised/);
  });
});

describe('scopes', () => {
  it('403 insufficient_scope when a key lacks the scope of the route', async () => {
    const t = await createTenant();
    const reader = await createKey(t, ['read']);
    expect((await api('GET', '/v1/subscribers', { key: reader.key })).status).toBe(200);
    expectEnvelope(
      await api('PUT', '/v1/subscribers/u1', { key: reader.key, body: { name: 'x' } }),
      403,
      'insufficient_scope',
    );
    expectEnvelope(
      await api('POST', '/v1/api-keys', { key: reader.key, body: { name: 'x', mode: 'live' } }),
      403,
      'insufficient_scope',
    );
    const writer = await createKey(t, ['subscribers:write']);
    expect((await api('PUT', '/v1/subscribers/u1', { key: writer.key, body: { name: 'x' } })).status).toBe(201);
    expectEnvelope(await api('GET', '/v1/subscribers/u1', { key: writer.key }), 403, 'insufficient_scope');
  });

  it('422 for an unknown scope', async () => {
    const t = await createTenant();
    const res = await api('POST', '/v1/api-keys', { key: t.key, body: { name: 'x', mode: 'live', scopes: ['root'] } });
    expectEnvelope(res, 422, 'validation_failed');
  });
});

describe('tenant isolation for API keys', () => {
  it("another tenant's key sees 404 when revoking or rolling, and never lists them", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const aExtra = await createKey(a, ['read']);
    expectEnvelope(await api('DELETE', `/v1/api-keys/${aExtra.keyId}`, { key: b.key }), 404, 'not_found');
    expectEnvelope(await api('POST', `/v1/api-keys/${aExtra.keyId}/roll`, { key: b.key }), 404, 'not_found');
    const listed = await api('GET', '/v1/api-keys', { key: b.key });
    expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([b.keyId]);
    expect((await api('GET', '/v1/subscribers', { key: aExtra.key })).status).toBe(200);
  });
});

describe('lifecycle guards', () => {
  it("refuses to revoke the tenant's last active admin key (409), allows it once another exists", async () => {
    const t = await createTenant();
    expectEnvelope(await api('DELETE', `/v1/api-keys/${t.keyId}`, { key: t.key }), 409, 'conflict');
    await createKey(t, ['admin']);
    expect((await api('DELETE', `/v1/api-keys/${t.keyId}`, { key: t.key })).status).toBe(204);
  });

  it('a rolled key cannot be rolled again (409), and a revoked key cannot be used to roll', async () => {
    const t = await createTenant();
    const spare = await createKey(t, ['admin']);
    expect((await api('POST', `/v1/api-keys/${t.keyId}/roll`, { key: spare.key })).status).toBe(201);
    expectEnvelope(await api('POST', `/v1/api-keys/${t.keyId}/roll`, { key: spare.key }), 409, 'conflict');
  });
});

describe('per-key API rate limit', () => {
  it('sends RateLimit-* headers and answers 429 + Retry-After once the bucket is empty', async () => {
    const t = await createTenant();
    const ok = await api('GET', '/v1/subscribers', { key: t.key });
    expect(ok.headers.get('ratelimit-limit')).toBe('100');
    expect(Number(ok.headers.get('ratelimit-remaining'))).toBeLessThan(100);

    const sibling = await createKey(t, ['read']);
    await testDb().update(tenants).set({ apiRateLimitPerSecond: 2 }).where(eq(tenants.id, t.tenantId));
    const burst = await Promise.all(Array.from({ length: 10 }, () => api('GET', '/v1/subscribers', { key: t.key })));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(burst.filter((r) => r.status === 200).length).toBeLessThanOrEqual(3);
    const first = limited[0]!;
    expectEnvelope(first, 429, 'rate_limited');
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('0');

    // Buckets are per key: another key of the same tenant still has its own tokens.
    const fromSibling = await api('GET', '/v1/subscribers', { key: sibling.key });
    expect(fromSibling.status).toBe(200);
    expect(fromSibling.headers.get('ratelimit-limit')).toBe('2');
  });
});
