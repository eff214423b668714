import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { addProvider, awsKeyId, providerRequests, uniqueAccount } from '../helpers/providers';
import { allDeliveries, uniqueName, waitForNotification } from '../helpers/stand-ins';

/** Request details the providers' published descriptions require, checked on what the stand-ins received. */
describe('email provider requests', () => {
  it('SES v2 carries List-Unsubscribe and List-Unsubscribe-Post in Content.Simple.Headers', async () => {
    const t = await createLiveTenant('SES unsubscribe', { smtp: false });
    const accessKeyId = awsKeyId();
    await addProvider(t.key, {
      channel: 'email',
      provider: 'ses',
      name: 'SES',
      credentials: { accessKeyId, secretAccessKey: 'x'.repeat(40), region: 'eu-west-1', from: 'hi@acme.test' },
    });
    const email = `${uniqueName('lee')}@example.test`;
    await api('PUT', '/v1/subscribers/lee', { key: t.key, body: { email } });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: 'lee', category: 'marketing', content: { subject: 'Deals', text: 'x' } },
    });
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    const [req] = await providerRequests('ses', accessKeyId);
    const headers: { Name: string; Value: string }[] = JSON.parse(req!.body).Content.Simple.Headers;
    expect(Object.fromEntries(headers.map((h) => [h.Name, h.Value]))).toEqual({
      'List-Unsubscribe': expect.stringMatching(/^<http:\/\/api\.test\/u\/[^>]+>$/),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('SendGrid: an image-only HTML email sends no empty content part', async () => {
    const t = await createLiveTenant('SendGrid image-only', { smtp: false });
    const apiKey = uniqueAccount('SG.');
    await addProvider(t.key, {
      channel: 'email',
      provider: 'sendgrid',
      name: 'SendGrid',
      credentials: { apiKey, from: 'Acme <hello@acme.test>' },
    });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: { email: `${uniqueName('img')}@example.test` },
        content: { subject: 'Our banner', html: '<p><img src="https://acme.test/banner.png"></p>' },
      },
    });
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    const [req] = await providerRequests('sendgrid', apiKey);
    const content: { type: string; value: string }[] = JSON.parse(req!.body).content;
    expect(content.map((c) => c.type)).toEqual(['text/html']);
    for (const part of content) expect(part.value.length).toBeGreaterThan(0);
  });
});
