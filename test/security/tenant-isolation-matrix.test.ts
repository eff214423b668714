import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../src/lib/concurrency';
import { api, createKey, createTenant, testDb } from '../helpers/api';
import { createEndpoint } from '../helpers/webhooks';

/**
 * Generated from the OpenAPI document, so a new route is covered (or fails this test) automatically: tenant B's
 * key on every tenant-scoped route with tenant A's ids → 404; every list route with B's key → none of A's ids.
 */

type Op = { method: string; template: string };

/** Routes that act in the caller's own namespace by design (an upsert by the caller's own key or id). */
const OWN_NAMESPACE = new Set(['PUT /v1/subscribers/{externalId}', 'PUT /v1/layouts/{key}']);

/**
 * Routes whose answer for a resource the caller does not have is not 404, by contract: a trigger of an unknown
 * workflow is a 422 (issue 21). For these, B's answer on A's resource must be exactly the answer for a key that no
 * tenant has, so it tells B nothing.
 */
const NOT_FOUND_AS = new Map([['POST /v1/workflows/{key}/trigger', 422]]);

/** Bodies valid enough to get past validation, so the answer is about ownership. */
const BODIES: Record<string, unknown> = {
  'PATCH /v1/api-keys/{id}': { name: 'x' },
  'PATCH /v1/providers/{id}': { name: 'x' },
  'PATCH /v1/schedules/{id}': { name: 'x' },
  'PATCH /v1/templates/{key}': { name: 'x' },
  'PATCH /v1/webhook-endpoints/{id}': { description: 'x' },
  'PATCH /v1/workflows/{key}': { name: 'x' },
  'POST /v1/workflows/{key}/trigger': { to: 'kim' },
  'POST /v1/notifications/{id}/reschedule': { sendAt: new Date(Date.now() + 3_600_000).toISOString() },
  'POST /v1/templates/{key}/preview': { channel: 'sms' },
  'POST /v1/webhook-endpoints/{id}/replay': { since: new Date(Date.now() - 3_600_000).toISOString() },
  'PUT /v1/subscribers/{externalId}/preferences': { channels: { sms: false } },
  'PUT /v1/topics/{key}/subscribers': { subscribers: ['kim'] },
  'POST /v1/topics/{key}/subscribers/remove': { subscribers: ['kim'] },
};

describe('tenant isolation matrix', () => {
  it("B's key never reaches A's resources on any route, and no list shows A's rows", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    for (const t of [a, b]) {
      await testDb().execute(sql`UPDATE tenants SET api_rate_limit_per_second = 100000 WHERE id = ${t.tenantId}`);
    }
    // A's resources, one of each kind a path parameter can name.
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await api(method, path, { key: a.key, ...(body === undefined ? {} : { body }) });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    await call('PUT', '/v1/subscribers/kim', { email: 'kim@a.test', phone: '+14155550100' });
    const extraKey = await createKey(a, ['read']);
    const notification = await call('POST', '/v1/notifications', {
      to: 'kim',
      content: { subject: 'Later', text: 'x' },
      sendAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await call('POST', '/v1/topics', { key: 'news', name: 'News' });
    await call('PUT', '/v1/topics/news/subscribers', { subscribers: ['kim'] });
    const broadcast = await call('POST', '/v1/notifications', {
      to: { topic: 'news' },
      content: { subject: 'News', text: 'x' },
      sendAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await call('PUT', '/v1/layouts/brand', { name: 'Brand', html: '<main>{{ content }}</main>' });
    const provider = await call('POST', '/v1/providers', {
      channel: 'email',
      provider: 'smtp',
      name: 'A smtp',
      credentials: { host: '127.0.0.1', port: 2525, from: 'a@a.test' },
    });
    const schedule = await call('POST', '/v1/schedules', {
      name: 'digest',
      timezone: 'UTC',
      to: ['kim'],
      content: { subject: 'Digest', text: 'x' },
      cron: '0 9 * * *',
    });
    await call('POST', '/v1/templates', {
      key: 'welcome',
      name: 'Welcome',
      defaultLocale: 'en',
      locales: { en: { sms: { text: 'Hi' } } },
    });
    await call('POST', '/v1/templates/welcome/publish');
    const workflow = await call('POST', '/v1/workflows', {
      key: 'onboarding',
      name: 'Onboarding',
      steps: [{ id: 'hello', type: 'send', channel: 'sms', template: 'welcome' }],
    });
    await call('POST', '/v1/workflows/onboarding/publish');
    const triggered = await call('POST', '/v1/workflows/onboarding/trigger', {
      to: 'kim',
      cancellationKey: 'kim-onboarding',
      sendAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const endpoint = await createEndpoint(a.key);
    await testDb().execute(sql`
      INSERT INTO suppressions (tenant_id, channel, address, reason, provider) VALUES (${a.tenantId}, 'email', 'kim@a.test', 'hard_bounce', 'smtp')`);

    const ids: Record<string, string> = {
      '/v1/api-keys/': extraKey.keyId,
      '/v1/broadcasts/': broadcast.broadcastId,
      '/v1/layouts/': 'brand',
      '/v1/notifications/': notification.id,
      '/v1/providers/': provider.id,
      '/v1/schedules/': schedule.id,
      '/v1/subscribers/': 'kim',
      '/v1/templates/': 'welcome',
      '/v1/topics/': 'news',
      '/v1/webhook-endpoints/': endpoint.id,
      '/v1/workflows/': 'onboarding',
      '/v1/workflow-runs/': triggered.runs[0].id,
    };
    const fill = (template: string) => {
      if (template.startsWith('/v1/suppressions/')) {
        return template.replace('{channel}', 'email').replace('{address}', encodeURIComponent('kim@a.test'));
      }
      const prefix = Object.keys(ids).find((p) => template.startsWith(p));
      // a second parameter names A's subscriber (topic membership)
      const filled = prefix ? template.replace(/\{[^}]+\}/, encodeURIComponent(ids[prefix]!)) : null;
      return filled?.replace('{subscriberId}', 'kim') ?? null;
    };

    const doc = (await api('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[]; responses?: Record<string, unknown> }>>;
    };
    const ops: Op[] = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), template })),
    );
    const scoped = ops.filter((o) => o.template.startsWith('/v1/') && o.template.includes('{'));
    const uncovered = scoped.filter((o) => fill(o.template) === null).map((o) => `${o.method} ${o.template}`);
    expect(uncovered, 'routes the matrix does not know how to fill: add them above').toEqual([]);

    const leaks: string[] = [];
    await mapWithConcurrency(scoped, 4, async (o) => {
      const name = `${o.method} ${o.template}`;
      if (OWN_NAMESPACE.has(name)) return;
      const body = BODIES[name] ?? (o.method === 'GET' || o.method === 'DELETE' ? undefined : {});
      const res = await api(o.method, fill(o.template)!, { key: b.key, ...(body === undefined ? {} : { body }) });
      const expected = NOT_FOUND_AS.get(name);
      if (expected) {
        const nobody = await api(o.method, o.template.replace(/\{[^}]+\}/, 'no-such-thing'), { key: b.key, body });
        const shape = (r: typeof res) => [
          r.status,
          r.body?.error?.code,
          r.body?.error?.details?.map((d: any) => d.code),
        ];
        if (res.status !== expected || JSON.stringify(shape(res)) !== JSON.stringify(shape(nobody))) {
          leaks.push(`${name} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
        }
      } else if (res.status !== 404) leaks.push(`${name} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    });
    expect(leaks).toEqual([]);

    // Lists: B's view holds none of A's ids (or A's subscriber's addresses).
    const secrets = [
      ...Object.values(ids).filter((v) => v.includes('_')),
      workflow.id,
      'kim@a.test',
      '+14155550100',
      a.tenantId,
    ];
    const lists = ops.filter((o) => o.method === 'GET' && o.template.startsWith('/v1/') && !o.template.includes('{'));
    expect(lists.length).toBeGreaterThan(10);
    const seen: string[] = [];
    for (const o of lists) {
      const res = await api('GET', o.template, { key: b.key });
      const text = JSON.stringify(res.body);
      for (const s of secrets) if (text.includes(s)) seen.push(`${o.template} shows ${s}`);
    }
    expect(seen).toEqual([]);

    // And A's resources are all still there, unchanged by B's attempts.
    expect((await api('GET', '/v1/subscribers/kim', { key: a.key })).body.email).toBe('kim@a.test');
    expect((await api('GET', `/v1/notifications/${notification.id}`, { key: a.key })).body.deliveries[0].status).toBe(
      'queued',
    );
    expect((await api('GET', `/v1/providers/${provider.id}`, { key: a.key })).body.name).toBe('A smtp');
    expect((await api('GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: a.key })).status).toBe(200);
    expect((await api('GET', '/v1/templates/welcome', { key: a.key })).body.name).toBe('Welcome');
    // A cancellation key is the tenant's own: B using A's key cancels nothing of A's.
    const bCancel = await api('POST', '/v1/workflow-runs/cancel', {
      key: b.key,
      body: { cancellationKey: 'kim-onboarding' },
    });
    expect(bCancel.body).toEqual({ canceled: 0 });
    expect((await api('GET', `/v1/workflow-runs/${triggered.runs[0].id}`, { key: a.key })).body.status).toBe('waiting');
    expect((await api('GET', '/v1/workflows/onboarding', { key: a.key })).body).toMatchObject({
      name: 'Onboarding',
      publishedVersion: 1,
    });
  }, 120_000);
});
