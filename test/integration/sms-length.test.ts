import { describe, expect, it } from 'vitest';
import { SMS_MAX_CHARS } from '../../src/channels/sms/segments';
import { twilioProvider } from '../../src/channels/sms/twilio/send';
import { api, createLiveTenant, expectEnvelope } from '../helpers/api';
import { outbound, standInContextFor } from '../helpers/error-tables';
import { addProvider, providerRequests, randomPhone, twilioSid } from '../helpers/providers';
import { allDeliveries, waitForNotification } from '../helpers/stand-ins';

/** Issue 20 finding 9: Twilio and SNS take at most 1,600 characters of SMS text; longer is refused by name. */

async function twilioTenant(name: string) {
  const t = await createLiveTenant(name, { smtp: false });
  const sid = twilioSid();
  await addProvider(t.key, {
    channel: 'sms',
    provider: 'twilio',
    name: 'Twilio',
    credentials: { accountSid: sid, authToken: 'x'.repeat(32), from: '+15005550006' },
  });
  return { ...t, sid };
}

describe('SMS text over 1,600 characters', () => {
  it.each([
    ['text', { text: 'x'.repeat(SMS_MAX_CHARS + 1) }],
    ['body', { body: 'x'.repeat(SMS_MAX_CHARS + 1) }],
  ])('inline content.%s is refused at accept time (422 naming the field)', async (field, content) => {
    const t = await twilioTenant('smslong');
    const res = await api('POST', '/v1/notifications', { key: t.key, body: { to: { phone: randomPhone() }, content } });
    const error = expectEnvelope(res, 422, 'validation_failed');
    expect(error.details).toContainEqual(
      expect.objectContaining({ path: `body.content.${field}`, code: 'sms_too_long' }),
    );
  });

  it('a topic send asking for sms is refused at accept time too (its members are planned later)', async () => {
    const t = await twilioTenant('smstopic');
    expect((await api('POST', '/v1/topics', { key: t.key, body: { key: 'alerts', name: 'Alerts' } })).status).toBe(201);
    const content = { body: 'x'.repeat(SMS_MAX_CHARS + 1) };
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { topic: 'alerts' }, channels: ['sms'], content },
    });
    const error = expectEnvelope(res, 422, 'validation_failed');
    expect(error.details).toContainEqual(expect.objectContaining({ path: 'body.content.body', code: 'sms_too_long' }));
  });

  it('exactly 1,600 characters is sent; long text for a channel other than sms is still accepted', async () => {
    const t = await twilioTenant('smsmax');
    const text = 'y'.repeat(SMS_MAX_CHARS);
    const id = (
      await api('POST', '/v1/notifications', { key: t.key, body: { to: { phone: randomPhone() }, content: { text } } })
    ).body.id;
    await waitForNotification(t.key, id, allDeliveries('sent'));
    const email = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: 'long@example.test' }, content: { subject: 'Report', text: 'z'.repeat(5000) } },
    });
    expect(email.status).toBe(202);
  });

  it('a template rendering longer SMS text fails the delivery as sms_too_long, without calling the provider', async () => {
    const t = await twilioTenant('smsrender');
    const created = await api('POST', '/v1/templates', {
      key: t.key,
      body: { key: 'digest', name: 'Digest', locales: { en: { sms: { text: 'Digest: {{ items }}' } } } },
    });
    expect(created.status).toBe(201);
    expect((await api('POST', '/v1/templates/digest/publish', { key: t.key })).status).toBe(200);
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { phone: randomPhone() }, template: 'digest', data: { items: 'item '.repeat(400) } },
    });
    expect(res.status).toBe(202);
    const failed = await waitForNotification(t.key, res.body.id, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError).toMatchObject({ code: 'sms_too_long' });
    expect(failed.deliveries[0].lastError.message).toMatch(/2008 characters/);
    expect(await providerRequests('twilio', t.sid)).toEqual([]);
  });

  it('the provider refuses it too, before any request (content that reached it another way)', async () => {
    const sid = twilioSid();
    const message = { ...outbound('sms', randomPhone()), content: { text: 'x'.repeat(SMS_MAX_CHARS + 1) } };
    const creds = { accountSid: sid, authToken: 'x'.repeat(32), from: '+15005550006' };
    const result = await twilioProvider.send(message, creds, standInContextFor('twilio'));
    expect(result).toMatchObject({ ok: false, error: { code: 'sms_too_long', retryable: false } });
    expect(await providerRequests('twilio', sid)).toEqual([]);
  });
});
