import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { api, createKey, createTenant, expectEnvelope } from '../helpers/api';

async function tokenFor(key: string, externalId: string, body?: unknown) {
  const res = await api('POST', `/v1/subscribers/${externalId}/token`, { key, ...(body ? { body } : {}) });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

describe('subscriber tokens', () => {
  it('let a subscriber read and change only their own preferences', async () => {
    const t = await createTenant();
    await api('PUT', '/v1/subscribers/kim', { key: t.key, body: {} });
    const issued = await api('POST', '/v1/subscribers/kim/token', { key: t.key });
    expect(issued.body.expiresAt).toMatch(/Z$/);
    const claims = decodeJwt(issued.body.token);
    expect(claims).toMatchObject({ tid: t.tenantId, ext: 'kim', iss: 'notifykit', scope: 'preferences inbox' });
    const auth = { authorization: `Bearer ${issued.body.token}` };
    // `subscriberId` is the tenant's own id, here as everywhere in the API.
    expect((await api('GET', '/v1/me/preferences', { headers: auth })).body).toEqual({
      subscriberId: 'kim',
      preferences: {},
      updatedAt: null,
    });
    const put = await api('PUT', '/v1/me/preferences', { headers: auth, body: { channels: { sms: false } } });
    expect(put.status).toBe(200);
    const seenByTenant = await api('GET', '/v1/subscribers/kim/preferences', { key: t.key });
    expect(seenByTenant.body.preferences).toEqual({ channels: { sms: false } });

    // The tenant's route accepts the subscriber's own token too, but only for that subscriber.
    expect((await api('GET', '/v1/subscribers/kim/preferences', { headers: auth })).body.preferences).toEqual({
      channels: { sms: false },
    });
    expect(
      (await api('PUT', '/v1/subscribers/kim/preferences', { headers: auth, body: { optOut: true } })).status,
    ).toBe(200);
    await api('PUT', '/v1/subscribers/other', { key: t.key, body: {} });
    expectEnvelope(await api('GET', '/v1/subscribers/other/preferences', { headers: auth }), 404, 'not_found');
    // A subscriber token is not an API key.
    expectEnvelope(await api('GET', '/v1/subscribers', { headers: auth }), 401, 'invalid_api_key');
  });

  it('refuses forged, alg:none, expired, wrong-tenant and under-scoped tokens', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    await api('PUT', '/v1/subscribers/kim', { key: a.key, body: {} });
    await api('PUT', '/v1/subscribers/kim', { key: b.key, body: {} });
    const good = await tokenFor(a.key, 'kim');
    const claims = decodeJwt(good);
    const call = (token: string) => api('GET', '/v1/me/preferences', { headers: { authorization: `Bearer ${token}` } });

    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expectEnvelope(await call(forged), 401, 'invalid_api_key');
    const none = new UnsecuredJWT({ ...claims }).encode();
    expectEnvelope(await call(none), 401, 'invalid_api_key');
    // B's token re-labelled as A's tenant: signed with B's secret, so A's secret rejects it.
    const bToken = await tokenFor(b.key, 'kim');
    const [h, , sig] = bToken.split('.');
    const relabelled = `${h}.${btoa(JSON.stringify({ ...decodeJwt(bToken), tid: a.tenantId }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')}.${sig}`;
    expectEnvelope(await call(relabelled), 401, 'invalid_api_key');
    expectEnvelope(await call('not.a.jwt'), 401, 'invalid_api_key');
    expectEnvelope(await api('GET', '/v1/me/preferences'), 401, 'missing_api_key');

    const inboxOnly = await tokenFor(a.key, 'kim', { scopes: ['inbox'] });
    expectEnvelope(await call(inboxOnly), 403, 'insufficient_scope');
    expectEnvelope(
      await api('POST', '/v1/subscribers/kim/token', { key: a.key, body: { ttlSeconds: 10 } }),
      422,
      'validation_failed',
    );
    expectEnvelope(await api('POST', '/v1/subscribers/nobody/token', { key: a.key }), 404, 'not_found');
    await api('PUT', '/v1/subscribers/only-in-a', { key: a.key, body: {} });
    expectEnvelope(await api('POST', '/v1/subscribers/only-in-a/token', { key: b.key }), 404, 'not_found');
    const reader = await createKey(a, ['read']);
    expectEnvelope(await api('POST', '/v1/subscribers/kim/token', { key: reader.key }), 403, 'insufficient_scope');
  });

  it('expired tokens are refused', async () => {
    const t = await createTenant();
    await api('PUT', '/v1/subscribers/kim', { key: t.key, body: {} });
    const token = await tokenFor(t.key, 'kim', { ttlSeconds: 60 });
    // Two minutes later (only Date is faked; timers and I/O run normally).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 120_000 });
    try {
      const res = await api('GET', '/v1/me/preferences', { headers: { authorization: `Bearer ${token}` } });
      expect(expectEnvelope(res, 401, 'invalid_api_key').message).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });
});
