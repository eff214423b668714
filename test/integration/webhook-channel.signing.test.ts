import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import {
  allDeliveries,
  endpointUrl,
  receivedRequests,
  scriptEndpoint,
  uniqueName,
  waitForNotification,
} from '../helpers/stand-ins';

/**
 * The webhook channel signs its requests the Standard Webhooks way once the tenant configures the `webhook`
 * provider: checked with the `standardwebhooks` library, as a receiver would.
 */

async function sendTo(key: string, name: string) {
  const res = await api('POST', '/v1/notifications', {
    key,
    body: { to: { webhookUrl: endpointUrl(name) }, content: { body: 'hello' }, data: { orderId: 'o-1' } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return waitForNotification(key, res.body.id as string, allDeliveries('sent'));
}

async function addWebhookProvider(key: string) {
  const res = await api('POST', '/v1/providers', {
    key,
    body: { channel: 'webhook', provider: 'webhook', name: 'Signed webhooks', credentials: {} },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; signingSecret: string; credentialsFingerprint: string };
}

describe('webhook channel: Standard Webhooks signatures', () => {
  it('unconfigured: unsigned, as before; configured: every request verifies with the secret shown once', async () => {
    const t = await createLiveTenant('webhook-signing', { smtp: false });
    const plain = uniqueName('unsigned');
    await sendTo(t.key, plain);
    const [unsigned] = await receivedRequests(plain);
    expect(unsigned!.headers['webhook-signature']).toBeUndefined();

    const provider = await addWebhookProvider(t.key);
    expect(provider.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const shown = await api('GET', `/v1/providers/${provider.id}`, { key: t.key });
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain(provider.signingSecret.slice(6));
    expect(shown.body.signingSecret).toBeUndefined();

    const name = uniqueName('signed');
    const done = await sendTo(t.key, name);
    const [request] = await receivedRequests(name);
    const payload = new Webhook(provider.signingSecret).verify(request!.body, request!.headers) as { id: string };
    expect(request!.headers['webhook-id']).toBe(done.deliveries[0].id);
    expect(payload.id).toBe(done.deliveries[0].id);
    expect(Math.abs(Number(request!.headers['webhook-timestamp']) * 1000 - request!.at)).toBeLessThan(5_000);
    // Another secret does not verify it: the signature is bound to this tenant's secret.
    const other = await addWebhookProvider((await createLiveTenant('other', { smtp: false })).key);
    expect(() => new Webhook(other.signingSecret).verify(request!.body, request!.headers)).toThrow();
  });

  it('a retry keeps the webhook-id and is signed afresh', async () => {
    const t = await createLiveTenant('webhook-retry', { smtp: false });
    const provider = await addWebhookProvider(t.key);
    const name = uniqueName('flaky-signed');
    await scriptEndpoint(name, [{ status: 503 }]);
    await sendTo(t.key, name);
    const requests = await receivedRequests(name);
    expect(requests).toHaveLength(2);
    for (const r of requests) new Webhook(provider.signingSecret).verify(r.body, r.headers);
    expect(requests[1]!.headers['webhook-id']).toBe(requests[0]!.headers['webhook-id']);
  });

  it('rotate-secret: both secrets sign for 24 h; credentials cannot be written; other providers answer 409', async () => {
    const t = await createLiveTenant('webhook-rotate');
    const provider = await addWebhookProvider(t.key);
    const rotatedAt = Date.now();
    const rotation = await api('POST', `/v1/providers/${provider.id}/rotate-secret`, { key: t.key });
    expect(rotation.status, JSON.stringify(rotation.body)).toBe(200);
    expect(rotation.headers.get('cache-control')).toBe('no-store');
    const { secret, previousSecretExpiresAt } = rotation.body as { secret: string; previousSecretExpiresAt: string };
    expect(secret).not.toBe(provider.signingSecret);
    expect(Date.parse(previousSecretExpiresAt) - rotatedAt).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(Date.parse(previousSecretExpiresAt) - rotatedAt).toBeLessThan(24 * 3600_000 + 60_000);

    const name = uniqueName('rotated');
    await sendTo(t.key, name);
    const [request] = await receivedRequests(name);
    expect(request!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const s of [secret, provider.signingSecret]) new Webhook(s).verify(request!.body, request!.headers);

    const patch = await api('PATCH', `/v1/providers/${provider.id}`, {
      key: t.key,
      body: { credentials: { current: 'whsec_chosen' } },
    });
    expect(patch.status).toBe(422);
    expect(patch.body.error.details[0].path).toBe('body.credentials');
    const smtp = (await api('GET', '/v1/providers', { key: t.key })).body.data.find((p: any) => p.provider === 'smtp');
    const refused = await api('POST', `/v1/providers/${smtp.id}/rotate-secret`, { key: t.key });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    const missing = await api('POST', '/v1/providers/prv_missing/rotate-secret', { key: t.key });
    expect(missing.status).toBe(404);

    // Disabled: the channel goes back to unsigned requests (the receiver decides whether to accept them).
    expect((await api('PATCH', `/v1/providers/${provider.id}`, { key: t.key, body: { enabled: false } })).status).toBe(
      200,
    );
    const off = uniqueName('disabled');
    await sendTo(t.key, off);
    expect((await receivedRequests(off))[0]!.headers['webhook-signature']).toBeUndefined();
  });
});
