import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, createTenant, expectEnvelope } from '../helpers/api';
import { addProvider, providerRequests, uniqueAccount } from '../helpers/providers';
import {
  allDeliveries,
  endpointUrl,
  receivedMail,
  receivedRequests,
  uniqueName,
  waitForNotification,
} from '../helpers/stand-ins';

describe('test mode: nk_test_ keys deliver to the sandbox, never to a provider', () => {
  it('stores the rendered message per channel and calls no stand-in', async () => {
    const live = await createLiveTenant('sandbox');
    const apiKey = uniqueAccount('SG.sandbox-');
    await addProvider(live.key, {
      channel: 'email',
      provider: 'sendgrid',
      name: 'sg',
      credentials: { apiKey, from: 'a@b.test' },
      priority: 0,
    });
    const hook = uniqueName('sbx-hook');
    const email = `${uniqueName('sbx')}@example.test`;
    const res = await api('POST', '/v1/notifications', {
      key: live.testKey,
      body: {
        to: {
          email,
          phone: '+14155550123',
          webhookUrl: endpointUrl(hook),
          pushTokens: [{ provider: 'fcm', token: 't1' }],
          slack: { webhookUrl: endpointUrl(hook) },
        },
        content: {
          subject: 'Welcome',
          text: 'Hello Ada',
          html: '<p>Hello <b>Ada</b></p>',
          title: 'Welcome',
          body: 'Hello Ada',
        },
      },
    });
    expect(res.status).toBe(202);
    const done = await waitForNotification(live.testKey, res.body.id, allDeliveries('sent'));
    expect(done.mode).toBe('test');
    expect(done.deliveries.map((d: any) => d.provider)).toEqual([
      'sandbox',
      'sandbox',
      'sandbox',
      'sandbox',
      'sandbox',
    ]);

    const sandbox = await api('GET', '/v1/sandbox/messages', { key: live.testKey });
    const byChannel = Object.fromEntries(sandbox.body.data.map((m: any) => [m.channel, m.message]));
    // Exactly what would have left, open-tracking pixel included (on by default; docs/analytics.md).
    expect(byChannel.email).toEqual({
      to: email,
      subject: 'Welcome',
      text: 'Hello Ada',
      html: expect.stringMatching(/^<p>Hello <b>Ada<\/b><\/p><img src="http:\/\/api\.test\/t\/o\/dlv_[^"]+\.gif"/),
    });
    expect(byChannel.sms).toMatchObject({ to: '+14155550123', text: 'Hello Ada', encoding: 'GSM-7', segments: 1 });
    expect(byChannel.push).toMatchObject({ platform: 'fcm', token: 't1', title: 'Welcome', body: 'Hello Ada' });
    expect(byChannel.chat).toMatchObject({ service: 'slack', text: 'Welcome\nHello Ada' });
    expect(byChannel.webhook).toMatchObject({ url: endpointUrl(hook), body: { notificationId: res.body.id } });

    expect(await receivedRequests(hook)).toEqual([]);
    expect(await receivedMail(email)).toEqual([]);
    expect(await providerRequests('sendgrid', apiKey)).toEqual([]);

    const smsOnly = await api('GET', '/v1/sandbox/messages?channel=sms', { key: live.testKey });
    expect(smsOnly.body.data).toHaveLength(1);
    const byRecipient = await api('GET', `/v1/sandbox/messages?recipient=${encodeURIComponent(email)}`, {
      key: live.testKey,
    });
    expect(byRecipient.body.data.length).toBe(5);
  });

  it("another tenant never sees a tenant's sandbox", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const res = await api('POST', '/v1/notifications', {
      key: a.key,
      body: { to: { email: 'x@a.test' }, content: { subject: 's', text: 't' } },
    });
    await waitForNotification(a.key, res.body.id, allDeliveries('sent'));
    expect((await api('GET', '/v1/sandbox/messages', { key: a.key })).body.data).toHaveLength(1);
    expect((await api('GET', '/v1/sandbox/messages', { key: b.key })).body.data).toEqual([]);
    expectEnvelope(await api('GET', '/v1/sandbox/messages?channel=fax', { key: a.key }), 422, 'validation_failed');
  });
});
