import { describe, expect, it } from 'vitest';
import { api, createKey, createLiveTenant, createTenant, expectEnvelope } from '../helpers/api';
import { createEndpoint } from '../helpers/webhooks';

const actions = async (key: string, query = '') =>
  (await api('GET', `/v1/audit-log?limit=100${query}`, { key })).body.data as any[];

describe('audit log', () => {
  it('records every tenant-level change with actor, target, summary and request id — and never a secret', async () => {
    const t = await createLiveTenant('audit');
    const extra = await createKey(t, ['read']);
    await api('POST', `/v1/api-keys/${extra.keyId}/roll`, { key: t.key });
    await api('DELETE', `/v1/api-keys/${extra.keyId}`, { key: t.key });
    const endpoint = await createEndpoint(t.key);
    await api('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { key: t.key, body: { description: 'ops' } });
    await api('POST', '/v1/templates', {
      key: t.key,
      body: { key: 'hello', name: 'Hello', defaultLocale: 'en', locales: { en: { sms: { text: 'Hi' } } } },
    });
    const published = await api('POST', '/v1/templates/hello/publish', { key: t.key });
    await api('PUT', '/v1/subscribers/kim', { key: t.key, body: {} });
    await api('PUT', '/v1/subscribers/kim/preferences', { key: t.key, body: { channels: { sms: false } } });
    await api('POST', '/v1/categories', { key: t.key, body: { key: 'billing', name: 'Billing' } });
    await api('PATCH', '/v1/usage/settings', { key: t.key, body: { monthlyBudget: 50 } });

    const entries = await actions(t.key);
    const seen = new Set(entries.map((e) => e.action));
    for (const action of [
      'tenant.created',
      'api_key.created',
      'api_key.rolled',
      'api_key.revoked',
      'provider.created',
      'webhook_endpoint.created',
      'webhook_endpoint.updated',
      'template.created',
      'template.published',
      'preferences.updated',
      'category.created',
      'usage_settings.updated',
    ]) {
      expect(seen, action).toContain(action);
    }
    const publish = entries.find((e) => e.action === 'template.published');
    expect(publish).toMatchObject({ targetType: 'template', targetId: 'hello', details: { version: 1 } });
    expect(publish.requestId).toBe(published.headers.get('x-request-id'));
    expect(publish.actorKeyId).toBe(t.keyId);
    // No secret of any kind in the trail: keys, webhook secrets, provider credentials.
    const text = JSON.stringify(entries);
    expect(text).not.toMatch(/nk_(live|test)_[A-Za-z0-9]{10,}/);
    expect(text).not.toContain(endpoint.secret);
    expect(text).not.toContain('whsec_');

    // Filters and paging.
    expect((await actions(t.key, '&action=template.published')).map((e) => e.targetId)).toEqual(['hello']);
    const page = await api('GET', '/v1/audit-log?limit=2', { key: t.key });
    const next = await api('GET', `/v1/audit-log?limit=2&after=${page.body.next}`, { key: t.key });
    expect(next.body.data[0].id < page.body.data[1].id).toBe(true);
  });

  it('is admin-only, and another tenant sees none of it', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const reader = await createKey(a, ['read']);
    expectEnvelope(await api('GET', '/v1/audit-log', { key: reader.key }), 403, 'insufficient_scope');
    const theirs = await actions(b.key);
    expect(theirs.every((e) => e.targetId !== a.tenantId)).toBe(true);
    expect(theirs.map((e) => e.action).sort()).toEqual(['api_key.created', 'tenant.created']);
    expectEnvelope(await api('GET', '/v1/audit-log?from=yesterday', { key: a.key }), 422, 'validation_failed');
  });
});
