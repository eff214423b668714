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
      body: JSON.stringify(body),
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, body: await res.json() };
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
});
