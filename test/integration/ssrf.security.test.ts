import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTenant, expectEnvelope, testDb, testEnv } from '../helpers/api';
import { HOSTILE_URLS } from '../helpers/ssrf-table';

/** The app as configured in production: private targets refused, https required. */
async function callAsProduction(key: string, method: string, path: string, body: unknown) {
  const env = {
    ...testEnv,
    ALLOW_PRIVATE_WEBHOOK_TARGETS: 'off',
    ENVIRONMENT: 'production',
    PUBLIC_BASE_URL: 'https://api.notifykit.dev',
  };
  const ctx = createExecutionContext();
  const res = await createApp().fetch(
    new Request(`http://api.test${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

describe('SSRF guard on webhook and chat URLs (production settings)', () => {
  it('refuses every URL of the SSRF table for the webhook channel, chat and subscriber channels, with nothing written', async () => {
    const t = await createTenant();
    for (const url of HOSTILE_URLS) {
      const send = await callAsProduction(t.key, 'POST', '/v1/notifications', {
        to: { webhookUrl: url },
        content: { body: 'x' },
      });
      expectEnvelope(send as any, 422, 'validation_failed');
      for (const chat of ['discord', 'teams']) {
        const res = await callAsProduction(t.key, 'POST', '/v1/notifications', {
          to: { [chat]: { webhookUrl: url } },
          content: { text: 'x' },
        });
        expect(res.status, `${chat} ${url}`).toBe(422);
      }
      const slack = await callAsProduction(t.key, 'POST', '/v1/notifications', {
        to: { slack: { webhookUrl: url } },
        content: { text: 'x' },
      });
      expect(slack.status, `slack ${url}`).toBe(422);
      const sub = await callAsProduction(t.key, 'PUT', '/v1/subscribers/u1', { channels: { webhookUrl: url } });
      expect(sub.status, `subscriber ${url}`).toBe(422);
    }
    const { rows } = await testDb().execute(
      sql`SELECT (SELECT count(*) FROM notifications WHERE tenant_id = ${t.tenantId})::int AS n,
                 (SELECT count(*) FROM subscribers WHERE tenant_id = ${t.tenantId})::int AS s`,
    );
    expect(rows[0]).toEqual({ n: 0, s: 0 });
    const ok = await callAsProduction(t.key, 'POST', '/v1/notifications', {
      to: { webhookUrl: 'https://hooks.example.com/notify' },
      content: { body: 'x' },
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(ok.status).toBe(202);
  });

  it('refuses the same URLs as webhook endpoints (create and update); a public https URL is accepted', async () => {
    const t = await createTenant();
    for (const url of HOSTILE_URLS) {
      const res = await callAsProduction(t.key, 'POST', '/v1/webhook-endpoints', { url });
      expect(res.status, url).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const ok = await callAsProduction(t.key, 'POST', '/v1/webhook-endpoints', { url: 'https://hooks.example.com/n' });
    expect(ok.status).toBe(201);
    for (const url of HOSTILE_URLS) {
      const res = await callAsProduction(t.key, 'PATCH', `/v1/webhook-endpoints/${ok.body.id}`, { url });
      expect(res.status, url).toBe(422);
    }
    const list = await callAsProduction(t.key, 'GET', '/v1/webhook-endpoints', undefined);
    expect(list.body.data.map((e: any) => e.url)).toEqual(['https://hooks.example.com/n']);
  });
});
