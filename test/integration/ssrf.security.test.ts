import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTenant, expectEnvelope, testEnv } from '../helpers/api';

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
  it('refuses private, metadata and self URLs for sends and subscriber channels, with nothing written', async () => {
    const t = await createTenant();
    for (const url of [
      'https://169.254.169.254/latest',
      'https://[::ffff:10.0.0.1]/',
      'https://localhost/x',
      'https://api.notifykit.dev/v1/x',
      'http://hooks.example.com/',
    ]) {
      const send = await callAsProduction(t.key, 'POST', '/v1/notifications', {
        to: { webhookUrl: url },
        content: { body: 'x' },
      });
      expect(expectEnvelope(send as any, 422, 'validation_failed').details![0]!.code).toBe('invalid_webhook_url');
      const chat = await callAsProduction(t.key, 'POST', '/v1/notifications', {
        to: { discord: { webhookUrl: url } },
        content: { text: 'x' },
      });
      expect(chat.status).toBe(422);
      const sub = await callAsProduction(t.key, 'PUT', '/v1/subscribers/u1', { channels: { webhookUrl: url } });
      expect(sub.status).toBe(422);
    }
    const ok = await callAsProduction(t.key, 'POST', '/v1/notifications', {
      to: { webhookUrl: 'https://hooks.example.com/notify' },
      content: { body: 'x' },
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(ok.status).toBe(202);
  });

  it('refuses the same URLs as webhook endpoints (create and update); a public https URL is accepted', async () => {
    const t = await createTenant();
    const hostile = [
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/',
      'https://[::ffff:169.254.169.254]/',
      'https://0x7f000001/',
      'https://2130706433/',
      'https://10.1.2.3/',
      'https://100.64.0.1/',
      'https://192.168.1.1/',
      'https://[::1]/',
      'https://metadata.google.internal/',
      'https://localhost./x',
      'https://api.notifykit.dev/v1/notifications',
      'http://hooks.example.com/',
    ];
    for (const url of hostile) {
      const res = await callAsProduction(t.key, 'POST', '/v1/webhook-endpoints', { url });
      expect(expectEnvelope(res as any, 422, 'validation_failed').details![0]!.code, url).toBe('url_refused');
    }
    const ok = await callAsProduction(t.key, 'POST', '/v1/webhook-endpoints', { url: 'https://hooks.example.com/n' });
    expect(ok.status).toBe(201);
    for (const url of hostile) {
      const res = await callAsProduction(t.key, 'PATCH', `/v1/webhook-endpoints/${ok.body.id}`, { url });
      expect(res.status, url).toBe(422);
    }
    const list = await callAsProduction(t.key, 'GET', '/v1/webhook-endpoints', undefined);
    expect(list.body.data.map((e: any) => e.url)).toEqual(['https://hooks.example.com/n']);
  });
});
