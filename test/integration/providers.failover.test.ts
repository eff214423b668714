import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import {
  addProvider,
  jsonStep,
  providerRequests,
  scriptProvider,
  twilioSid,
  uniqueAccount,
} from '../helpers/providers';
import { allDeliveries, uniqueName, waitForNotification } from '../helpers/stand-ins';

const from = 'Acme <hello@acme.test>';
const email = (to: string) => ({ to: { email: to }, content: { subject: 'Hi', text: 'Hello' } });

async function twoSendgrids(key: string) {
  const primary = uniqueAccount('SG.primary-');
  const secondary = uniqueAccount('SG.secondary-');
  await addProvider(key, {
    channel: 'email',
    provider: 'sendgrid',
    name: 'primary',
    credentials: { apiKey: primary, from },
    priority: 1,
  });
  await addProvider(key, {
    channel: 'email',
    provider: 'sendgrid',
    name: 'secondary',
    credentials: { apiKey: secondary, from },
    priority: 2,
  });
  return { primary, secondary };
}

describe('failover and circuit breaker', () => {
  it('a 503 from the first provider fails over to the second in the same attempt', async () => {
    const t = await createLiveTenant('failover', { smtp: false });
    const { primary, secondary } = await twoSendgrids(t.key);
    await scriptProvider('sendgrid', primary, [jsonStep(503, { errors: [{ message: 'Service Unavailable' }] })]);
    const res = await api('POST', '/v1/notifications', { key: t.key, body: email(`${uniqueName('f')}@example.test`) });
    const done = await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    const d = done.deliveries[0];
    expect(d.attemptCount).toBe(1);
    expect(d.attempts.map((a: any) => [a.attemptNo, a.provider, a.outcome, a.responseCode])).toEqual([
      [1, 'sendgrid', 'retryable_error', 503],
      [1, 'sendgrid', 'sent', 202],
    ]);
    expect(await providerRequests('sendgrid', primary)).toHaveLength(1);
    expect(await providerRequests('sendgrid', secondary)).toHaveLength(1);
  });

  it('bad credentials at the first provider (401) also fail over', async () => {
    const t = await createLiveTenant('auth-failover', { smtp: false });
    const { primary } = await twoSendgrids(t.key);
    await scriptProvider(
      'sendgrid',
      primary,
      [],
      jsonStep(401, { errors: [{ message: 'The provided authorization grant is invalid' }] }),
    );
    const res = await api('POST', '/v1/notifications', { key: t.key, body: email(`${uniqueName('f')}@example.test`) });
    const done = await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(done.deliveries[0].attempts.map((a: any) => a.outcome)).toEqual(['permanent_error', 'sent']);
  });

  it('the breaker opens after consecutive failures and the dead provider is skipped, then probed after the cool-down', async () => {
    const t = await createLiveTenant('breaker', { smtp: false });
    const { primary, secondary } = await twoSendgrids(t.key);
    await scriptProvider('sendgrid', primary, [], jsonStep(503, { errors: [{ message: 'down' }] }));
    // CIRCUIT_FAILURE_THRESHOLD is 3 in tests: three failed sends open the breaker.
    for (let i = 0; i < 3; i++) {
      const r = await api('POST', '/v1/notifications', { key: t.key, body: email(`${uniqueName('b')}@example.test`) });
      await waitForNotification(t.key, r.body.id, allDeliveries('sent'));
    }
    expect(await providerRequests('sendgrid', primary)).toHaveLength(3);
    const skipped = await api('POST', '/v1/notifications', {
      key: t.key,
      body: email(`${uniqueName('b')}@example.test`),
    });
    const done = await waitForNotification(t.key, skipped.body.id, allDeliveries('sent'));
    expect(done.deliveries[0].attempts.map((a: any) => [a.outcome, a.error?.code ?? null])).toEqual([
      ['skipped', 'circuit_open'],
      ['sent', null],
    ]);
    expect(await providerRequests('sendgrid', primary)).toHaveLength(3); // not called while open

    // After the cool-down (2 s in tests) one probe goes through; the provider has recovered, so it closes.
    await scriptProvider('sendgrid', primary, [], { status: 202, headers: { 'x-message-id': 'recovered' } });
    await new Promise((r) => setTimeout(r, 2100));
    const probe = await api('POST', '/v1/notifications', {
      key: t.key,
      body: email(`${uniqueName('b')}@example.test`),
    });
    const probed = await waitForNotification(t.key, probe.body.id, allDeliveries('sent'));
    expect(probed.deliveries[0].attempts.map((a: any) => a.outcome)).toEqual(['sent']);
    expect(probed.deliveries[0].providerMessageId).toBe('recovered');
    expect((await providerRequests('sendgrid', secondary)).length).toBe(4);
  });

  it('an account fault on every send (401: bad credentials) opens the breaker as an outage does', async () => {
    const t = await createLiveTenant('breaker-account', { smtp: false });
    const { primary } = await twoSendgrids(t.key);
    await scriptProvider('sendgrid', primary, [], jsonStep(401, { errors: [{ message: 'bad key' }] }));
    const send = async () => {
      const r = await api('POST', '/v1/notifications', { key: t.key, body: email(`${uniqueName('a')}@example.test`) });
      return (await waitForNotification(t.key, r.body.id, allDeliveries('sent'))).deliveries[0];
    };
    // CIRCUIT_FAILURE_THRESHOLD is 3 in tests.
    for (let i = 0; i < 3; i++) {
      expect((await send()).attempts.map((a: any) => a.outcome)).toEqual(['permanent_error', 'sent']);
    }
    expect((await send()).attempts.map((a: any) => [a.outcome, a.error?.code ?? null])).toEqual([
      ['skipped', 'circuit_open'],
      ['sent', null],
    ]);
    expect(await providerRequests('sendgrid', primary)).toHaveLength(3);
  });

  it('waiting out an open breaker spends no attempt: a single-provider delivery is sent once it closes', async () => {
    const t = await createLiveTenant('breaker-wait', { smtp: false });
    const only = uniqueAccount('SG.only-');
    await addProvider(t.key, {
      channel: 'email',
      provider: 'sendgrid',
      name: 'only',
      credentials: { apiKey: only, from },
    });
    await scriptProvider('sendgrid', only, [], jsonStep(503, { errors: [{ message: 'down' }] }));
    const skipped = (n: any) => n.deliveries?.[0]?.attempts?.some((a: any) => a.outcome === 'skipped');
    // The first delivery fails three times (retries are immediate in tests; CIRCUIT_FAILURE_THRESHOLD is 3), which
    // opens the breaker, and is then skipped; a second delivery arrives while it is open.
    const first = await api('POST', '/v1/notifications', {
      key: t.key,
      body: email(`${uniqueName('w')}@example.test`),
    });
    await waitForNotification(t.key, first.body.id, skipped);
    const second = await api('POST', '/v1/notifications', {
      key: t.key,
      body: email(`${uniqueName('w')}@example.test`),
    });
    await waitForNotification(t.key, second.body.id, skipped);

    // The provider recovers; after the cool-down (2 s in tests) both go out.
    await scriptProvider('sendgrid', only, [], { status: 202, headers: { 'x-message-id': 'back' } });
    const a = (await waitForNotification(t.key, first.body.id, allDeliveries('sent'))).deliveries[0];
    const b = (await waitForNotification(t.key, second.body.id, allDeliveries('sent'))).deliveries[0];
    // Skips give their attempt back: only real calls count, numbered 1…k without gaps (before, every skip took a
    // number, inflated the backoff and used up the retry budget).
    for (const d of [a, b]) {
      const calls = d.attempts.filter((x: any) => x.outcome !== 'skipped').map((x: any) => x.attemptNo);
      const skips = d.attempts.filter((x: any) => x.outcome === 'skipped');
      expect(skips.length).toBeGreaterThanOrEqual(1);
      expect(skips.every((x: any) => x.error?.code === 'circuit_open')).toBe(true);
      expect(calls).toEqual(calls.map((_: number, i: number) => i + 1));
      expect(d.attemptCount).toBe(calls.length);
      expect(d.attempts.at(-1)).toMatchObject({ outcome: 'sent' });
    }
  });

  it('a disabled provider is left out of the chain', async () => {
    const t = await createLiveTenant('disabled', { smtp: false });
    const { primary, secondary } = await twoSendgrids(t.key);
    const list = await api('GET', '/v1/providers?channel=email', { key: t.key });
    const primaryId = list.body.data.find((p: any) => p.name === 'primary').id;
    expect((await api('PATCH', `/v1/providers/${primaryId}`, { key: t.key, body: { enabled: false } })).status).toBe(
      200,
    );
    const res = await api('POST', '/v1/notifications', { key: t.key, body: email(`${uniqueName('d')}@example.test`) });
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(await providerRequests('sendgrid', primary)).toHaveLength(0);
    expect(await providerRequests('sendgrid', secondary)).toHaveLength(1);
  });
});

describe('channel fallback', () => {
  it('push fails permanently → the same notification falls back to SMS', async () => {
    const t = await createLiveTenant('fallback', { smtp: false });
    const sid = twilioSid();
    await addProvider(t.key, {
      channel: 'sms',
      provider: 'twilio',
      name: 'Twilio',
      credentials: { accountSid: sid, authToken: 'z'.repeat(32), from: '+15005550006' },
    });
    // No push provider configured: the push delivery fails with no_provider_configured, then SMS is tried.
    const phone = '+14155550199';
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: { pushTokens: [{ provider: 'fcm', token: 'tok1' }], phone },
        channels: ['push'],
        fallback: ['sms'],
        content: { title: 'Code', body: '123456' },
      },
    });
    expect(res.body.deliveries.map((d: any) => d.channel)).toEqual(['push']);
    const done = await waitForNotification(
      t.key,
      res.body.id,
      (n) => n.deliveries.length === 2 && n.deliveries[1].status === 'sent',
    );
    expect(done.deliveries.map((d: any) => [d.channel, d.status])).toEqual([
      ['push', 'failed'],
      ['sms', 'sent'],
    ]);
    expect(done.deliveries[0].lastError.code).toBe('no_provider_configured');
    expect(done.status).toBe('completed');
    const [req] = await providerRequests('twilio', sid);
    expect(new URLSearchParams(req!.body).get('Body')).toBe('123456');
  });

  it('no provider for a live channel fails with a clear reason', async () => {
    const t = await createLiveTenant('noprovider', { smtp: false });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { phone: '+14155550100' }, content: { text: 'x' } },
    });
    const done = await waitForNotification(t.key, res.body.id, allDeliveries('failed'));
    expect(done.deliveries[0].lastError).toEqual({
      code: 'no_provider_configured',
      message: 'No enabled sms provider can send to this address; add one with POST /v1/providers',
    });
  });
});

describe('provider timeouts and reserved channels', () => {
  it('a provider that hangs past the timeout is a retryable failure; the retry succeeds', async () => {
    const t = await createLiveTenant('timeout', { smtp: false });
    const apiKey = uniqueAccount('SG.slow-');
    await addProvider(t.key, { channel: 'email', provider: 'sendgrid', name: 'slow', credentials: { apiKey, from } });
    // PROVIDER_TIMEOUT_SECONDS is 1.5 in tests.
    await scriptProvider('sendgrid', apiKey, [{ status: 202, delayMs: 3000 }]);
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: email(`${uniqueName('slow')}@example.test`),
    });
    const done = await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(done.deliveries[0].attempts.map((a: any) => a.error?.code ?? a.outcome)).toEqual(['timeout', 'sent']);
  });

  it('in_app needs a stored subscriber: an inline recipient has no inbox (422)', async () => {
    const t = await createLiveTenant('inapp', { smtp: false });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: 'a@b.test' }, channels: ['in_app'], content: { body: 'x' } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]).toMatchObject({ path: 'body.to', code: 'unreachable' });
  });
});
