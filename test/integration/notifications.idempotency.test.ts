import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idempotencyKeys, notifications } from '../../src/db/schema';
import { api, createLiveTenant, expectEnvelope, testDb } from '../helpers/api';
import { endpointUrl, uniqueName } from '../helpers/stand-ins';

const body = (url: string) => ({ to: { webhookUrl: url }, content: { body: 'once' } });

describe('Idempotency-Key', () => {
  it('same key + same body → the original response, replayed, and only one notification', async () => {
    const t = await createLiveTenant();
    const url = endpointUrl(uniqueName('idem'));
    const headers = { 'idempotency-key': 'order-42-shipped' };
    const first = await api('POST', '/v1/notifications', { key: t.key, body: body(url), headers });
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotency-replay')).toBeNull();
    const second = await api('POST', '/v1/notifications', { key: t.key, body: body(url), headers });
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotency-replay')).toBe('true');
    expect(second.body).toEqual(first.body);
    const rows = await testDb().select().from(notifications).where(eq(notifications.tenantId, t.tenantId));
    expect(rows).toHaveLength(1);
  });

  it('same key + different body → 422 idempotency_key_reused', async () => {
    const t = await createLiveTenant();
    const headers = { 'idempotency-key': 'k-1' };
    await api('POST', '/v1/notifications', { key: t.key, body: body(endpointUrl('a')), headers });
    const res = await api('POST', '/v1/notifications', { key: t.key, body: body(endpointUrl('b')), headers });
    expectEnvelope(res, 422, 'idempotency_key_reused');
  });

  it('keys are per tenant: another tenant may use the same key', async () => {
    const a = await createLiveTenant();
    const b = await createLiveTenant();
    const headers = { 'idempotency-key': 'shared-key' };
    const ra = await api('POST', '/v1/notifications', { key: a.key, body: body(endpointUrl('x')), headers });
    const rb = await api('POST', '/v1/notifications', { key: b.key, body: body(endpointUrl('x')), headers });
    expect(rb.status).toBe(202);
    expect(rb.headers.get('idempotency-replay')).toBeNull();
    expect(rb.body.id).not.toBe(ra.body.id);
  });

  it('while the first request with a key is in flight → 409 + Retry-After', async () => {
    const t = await createLiveTenant();
    const payload = body(endpointUrl('inflight'));
    // The state a concurrent request sees: the first one has claimed the key and not finished.
    const digest = await crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode(`POST /v1/notifications\n${JSON.stringify(payload)}`),
    );
    const requestHash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    await testDb()
      .insert(idempotencyKeys)
      .values({
        tenantId: t.tenantId,
        key: 'busy-1',
        requestHash,
        status: 'in_flight',
        expiresAt: new Date(Date.now() + 3600_000),
      });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: payload,
      headers: { 'idempotency-key': 'busy-1' },
    });
    expectEnvelope(res, 409, 'idempotency_in_flight');
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('racing identical requests: exactly one runs, the others replay or get 409', async () => {
    const t = await createLiveTenant();
    const headers = { 'idempotency-key': 'race-1' };
    const url = endpointUrl(uniqueName('race'));
    const results = await Promise.all(
      Array.from({ length: 8 }, () => api('POST', '/v1/notifications', { key: t.key, body: body(url), headers })),
    );
    const fresh = results.filter((r) => r.status === 202 && !r.headers.get('idempotency-replay'));
    expect(fresh).toHaveLength(1);
    for (const r of results) {
      if (r === fresh[0]) continue;
      if (r.status === 409) expectEnvelope(r, 409, 'idempotency_in_flight');
      else expect(r.headers.get('idempotency-replay')).toBe('true');
    }
    const rows = await testDb().select().from(notifications).where(eq(notifications.tenantId, t.tenantId));
    expect(rows).toHaveLength(1);
  });

  it('a rejected request (422) is remembered; an over-long key is refused', async () => {
    const t = await createLiveTenant();
    const headers = { 'idempotency-key': 'bad-body' };
    const bad = { to: [], content: {} };
    expect((await api('POST', '/v1/notifications', { key: t.key, body: bad, headers })).status).toBe(422);
    expect((await api('POST', '/v1/notifications', { key: t.key, body: bad, headers })).status).toBe(422);
    const long = await api('POST', '/v1/notifications', {
      key: t.key,
      body: body(endpointUrl('x')),
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expectEnvelope(long, 422, 'validation_failed');
  });

  it('works on other POSTs too (creating an API key)', async () => {
    const t = await createLiveTenant();
    const headers = { 'idempotency-key': 'new-key-1' };
    const a = await api('POST', '/v1/api-keys', { key: t.key, body: { name: 'ci', mode: 'test' }, headers });
    const b = await api('POST', '/v1/api-keys', { key: t.key, body: { name: 'ci', mode: 'test' }, headers });
    expect(b.headers.get('idempotency-replay')).toBe('true');
    expect(b.body.id).toBe(a.body.id);
  });
});
