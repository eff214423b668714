import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys, auditLog } from '../../src/db/schema';
import { api, createTenant, testDb } from '../helpers/api';

describe('API keys', () => {
  it('creates a live key with chosen scopes; the secret is shown once and works', async () => {
    const t = await createTenant();
    const res = await api('POST', '/v1/api-keys', {
      key: t.key,
      body: { name: 'server', mode: 'live', scopes: ['notifications:write', 'read'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'server', mode: 'live', scopes: ['notifications:write', 'read'] });
    expect(res.body.key).toMatch(/^nk_live_/);

    const list = await api('GET', '/v1/api-keys', { key: res.body.key });
    expect(list.status).toBe(403); // listing keys needs admin
    const asAdmin = await api('GET', '/v1/api-keys', { key: t.key });
    const listed = asAdmin.body.data.find((k: { id: string }) => k.id === res.body.id);
    expect(listed).toMatchObject({ prefix: 'nk_live_', last4: res.body.key.slice(-4), status: 'active' });
    expect(listed.key).toBeUndefined();
  });

  it('paginates with a cursor, newest first', async () => {
    const t = await createTenant();
    for (let i = 0; i < 3; i++) {
      await api('POST', '/v1/api-keys', { key: t.key, body: { name: `k${i}`, mode: 'test' } });
    }
    const first = await api('GET', '/v1/api-keys?limit=2', { key: t.key });
    expect(first.body.data.map((k: { name: string }) => k.name)).toEqual(['k2', 'k1']);
    expect(first.body.next).toBe(first.body.data[1].id);
    const second = await api('GET', `/v1/api-keys?limit=2&after=${first.body.next}`, { key: t.key });
    expect(second.body.data.map((k: { name: string }) => k.name)).toEqual(['k0', 'Default test key']);
    expect(second.body.next).toBeNull();
  });

  it('revocation takes effect on the very next request and is audited', async () => {
    const t = await createTenant();
    const extra = await api('POST', '/v1/api-keys', { key: t.key, body: { name: 'temp', mode: 'test' } });
    expect((await api('GET', '/v1/subscribers', { key: extra.body.key })).status).toBe(200);

    const revoked = await api('DELETE', `/v1/api-keys/${extra.body.id}`, { key: t.key });
    expect(revoked.status).toBe(204);
    const listed = (await api('GET', '/v1/api-keys', { key: t.key })).body.data;
    expect(listed.find((k: any) => k.id === extra.body.id)).toMatchObject({ status: 'revoked' });
    const after = await api('GET', '/v1/subscribers', { key: extra.body.key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('api_key_revoked');

    const audit = await testDb().select().from(auditLog).where(eq(auditLog.targetId, extra.body.id));
    expect(audit.map((a) => [a.action, a.actorKeyId])).toEqual(
      expect.arrayContaining([
        ['api_key.created', t.keyId],
        ['api_key.revoked', t.keyId],
      ]),
    );
  });

  it('rolling issues a new key; the old one works during the grace period, then expires', async () => {
    const t = await createTenant();
    const rolled = await api('POST', `/v1/api-keys/${t.keyId}/roll`, { key: t.key });
    expect(rolled.status).toBe(201);
    const apiKey = rolled.body;
    const created = await api('POST', '/v1/api-keys', { key: t.key, body: { name: 'same shape', mode: 'test' } });
    expect(Object.keys(apiKey).sort()).toEqual(Object.keys(created.body).sort());
    expect(apiKey.key).toMatch(/^nk_test_/);
    const keys = (await api('GET', '/v1/api-keys', { key: t.key })).body.data;
    const previous = keys.find((k: any) => k.id === t.keyId);
    expect(apiKey).toMatchObject({ name: 'Default test key', scopes: ['admin'], status: 'active' });
    expect(previous).toMatchObject({ id: t.keyId, status: 'expiring' });
    const graceMs = new Date(previous.expiresAt).getTime() - Date.now();
    expect(graceMs).toBeGreaterThan(23 * 3600_000);
    expect(graceMs).toBeLessThanOrEqual(24 * 3600_000);

    expect((await api('GET', '/v1/api-keys', { key: t.key })).status).toBe(200);
    expect((await api('GET', '/v1/api-keys', { key: apiKey.key })).status).toBe(200);

    // The grace period ends (moved into the past rather than waiting 24 h).
    await testDb()
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.id, t.keyId));
    const expired = await api('GET', '/v1/api-keys', { key: t.key });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('api_key_expired');
    expect((await api('GET', '/v1/api-keys', { key: apiKey.key })).status).toBe(200);

    const audit = await testDb().select().from(auditLog).where(eq(auditLog.targetId, t.keyId));
    const roll = audit.find((a) => a.action === 'api_key.rolled');
    expect(roll).toMatchObject({ actorKeyId: t.keyId, details: { newKeyId: apiKey.id } });
  });
});
