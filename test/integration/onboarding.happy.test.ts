import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys, auditLog } from '../../src/db/schema';
import { api, testDb } from '../helpers/api';

describe('POST /v1/tenants (signup)', () => {
  it('creates a tenant with a test admin key shown once, stored only as a hash', async () => {
    const res = await api('POST', '/v1/tenants', { body: { name: 'Acme', email: 'dev@acme.test' } });
    expect(res.status).toBe(201);
    const { tenant, apiKey } = res.body;
    expect(tenant).toMatchObject({ name: 'Acme', email: 'dev@acme.test' });
    expect(tenant.id).toMatch(/^ten_[0-9a-z]{26}$/);
    expect(apiKey).toMatchObject({ mode: 'test', scopes: ['admin'], prefix: 'nk_test_', status: 'active' });
    expect(apiKey.key).toMatch(/^nk_test_/);
    expect(apiKey.last4).toBe(apiKey.key.slice(-4));

    const [stored] = await testDb().select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(stored!.tenantId).toBe(tenant.id);
    expect(stored!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(apiKey.key);

    const me = await api('GET', '/v1/api-keys', { key: apiKey.key });
    expect(me.status).toBe(200);
    expect(me.body.data.map((k: { id: string }) => k.id)).toEqual([apiKey.id]);
    expect(JSON.stringify(me.body)).not.toContain(apiKey.key);
  });

  it('records the signup in the audit log with the request id', async () => {
    const res = await api('POST', '/v1/tenants', {
      body: { name: 'Audited', email: 'a@b.test' },
      headers: { 'x-request-id': 'signup-req-1' },
    });
    const rows = await testDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, res.body.tenant.id)));
    expect(rows.map((r) => r.action).sort()).toEqual(['api_key.created', 'tenant.created']);
    for (const row of rows) {
      expect(row.requestId).toBe('signup-req-1');
      expect(row.actorKeyId).toBeNull();
    }
  });
});
