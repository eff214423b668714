import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { addProvider, awsKeyId, jsonStep, providerRequests, scriptProvider, uniqueAccount } from '../helpers/providers';
import type { ScriptStep } from '../helpers/stand-ins';
import { allDeliveries, uniqueName, waitForNotification } from '../helpers/stand-ins';

interface Case {
  provider: string;
  /** Credentials, and the account id the stand-in files requests under. */
  setup: () => { credentials: Record<string, unknown>; account: string };
  /**
   * The provider's own answer for a bad recipient address. SES has none: it accepts a send to a suppressed or
   * non-existent address and reports the bounce later (a receipt), so no synchronous SES answer suppresses.
   */
  invalidRecipient?: { answer: ScriptStep; code: string };
  /** Checks the request the provider received. */
  check: (req: { headers: Record<string, string>; body: string; path: string }, to: string) => void;
}

const from = 'Acme <hello@acme.test>';
const CASES: Case[] = [
  {
    provider: 'sendgrid',
    setup: () => {
      const apiKey = uniqueAccount('SG.');
      return { credentials: { apiKey, from }, account: apiKey };
    },
    invalidRecipient: {
      answer: jsonStep(400, {
        errors: [{ field: 'personalizations.0.to.0.email', message: 'Does not contain a valid address.' }],
      }),
      code: 'http_400',
    },
    check: (req, to) => {
      const body = JSON.parse(req.body);
      expect(body.personalizations[0].to[0].email).toBe(to);
      expect(body.from).toEqual({ email: 'hello@acme.test', name: 'Acme' });
      expect(body.content.map((c: any) => c.type)).toEqual(['text/plain', 'text/html']);
    },
  },
  {
    provider: 'resend',
    setup: () => {
      const apiKey = uniqueAccount('re_');
      return { credentials: { apiKey, from }, account: apiKey };
    },
    invalidRecipient: {
      answer: jsonStep(422, { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field.' }),
      code: 'resend_validation_error',
    },
    check: (req, to) => {
      const body = JSON.parse(req.body);
      expect(body).toMatchObject({ from, to: [to], subject: 'Receipt #42' });
      expect(req.headers['idempotency-key']).toMatch(/^dlv_/);
    },
  },
  {
    provider: 'postmark',
    setup: () => {
      const serverToken = uniqueAccount('pm-');
      return { credentials: { serverToken, from }, account: serverToken };
    },
    invalidRecipient: {
      answer: jsonStep(422, {
        ErrorCode: 406,
        Message: 'You tried to send to recipient(s) that have been marked as inactive.',
      }),
      code: 'postmark_406',
    },
    check: (req, to) => {
      const body = JSON.parse(req.body);
      expect(body).toMatchObject({ From: from, To: to, Subject: 'Receipt #42', MessageStream: 'outbound' });
      expect(body.HtmlBody).toContain('<b>42</b>');
    },
  },
  {
    provider: 'ses',
    setup: () => {
      const accessKeyId = awsKeyId();
      return {
        credentials: { accessKeyId, secretAccessKey: 'x'.repeat(40), region: 'eu-west-1', from },
        account: accessKeyId,
      };
    },
    check: (req, to) => {
      expect(req.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIA[0-9A-F]{16}\/\d{8}\/eu-west-1\/ses\/aws4_request/,
      );
      const body = JSON.parse(req.body);
      expect(body.Destination.ToAddresses).toEqual([to]);
      expect(body.Content.Simple.Subject.Data).toBe('Receipt #42');
    },
  },
];

const email = (to: string) => ({
  to: { email: to },
  content: { subject: 'Receipt #42', text: 'Order 42 is paid.', html: '<p>Order <b>42</b> is paid.</p>' },
});

describe.each(CASES)('email provider $provider', (c) => {
  it('sends a request its API accepts and records the provider message id', async () => {
    const t = await createLiveTenant('Email', { smtp: false });
    const { credentials, account } = c.setup();
    await addProvider(t.key, { channel: 'email', provider: c.provider, name: c.provider, credentials, priority: 0 });
    const to = `${uniqueName('buyer')}@example.test`;
    const res = await api('POST', '/v1/notifications', { key: t.key, body: email(to) });
    const done = await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(done.deliveries[0].provider).toBe(c.provider);
    const [req, ...more] = await providerRequests(c.provider, account);
    expect(more).toEqual([]);
    expect(req!.rejected).toBe(false);
    c.check(req as any, to);
  });

  it('retries a 503, then delivers', async () => {
    const t = await createLiveTenant('Email', { smtp: false });
    const { credentials, account } = c.setup();
    await addProvider(t.key, { channel: 'email', provider: c.provider, name: c.provider, credentials });
    await scriptProvider(c.provider, account, [jsonStep(503, { message: 'unavailable' })]);
    const res = await api('POST', '/v1/notifications', { key: t.key, body: email(`${uniqueName('r')}@example.test`) });
    const done = await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(done.deliveries[0].attempts.map((a: any) => a.outcome)).toEqual(['retryable_error', 'sent']);
  });
});

const WITH_RECIPIENT_ERROR = CASES.filter((c) => c.invalidRecipient);

describe.each(WITH_RECIPIENT_ERROR)('email provider $provider: recipient errors', (c) => {
  it('an invalid-recipient answer fails the delivery, suppresses the address, and later sends skip the provider', async () => {
    const t = await createLiveTenant('Email', { smtp: false });
    const { credentials, account } = c.setup();
    await addProvider(t.key, { channel: 'email', provider: c.provider, name: c.provider, credentials });
    await scriptProvider(c.provider, account, [c.invalidRecipient!.answer]);
    const to = `${uniqueName('bad')}@example.test`;
    const first = await api('POST', '/v1/notifications', { key: t.key, body: email(to) });
    const failed = await waitForNotification(t.key, first.body.id, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe(c.invalidRecipient!.code);
    const list = await api('GET', '/v1/suppressions?channel=email', { key: t.key });
    expect(list.body.data).toEqual([
      expect.objectContaining({ address: to, provider: c.provider, reason: c.invalidRecipient!.code }),
    ]);

    const second = await api('POST', '/v1/notifications', { key: t.key, body: email(to) });
    const suppressed = await waitForNotification(t.key, second.body.id, allDeliveries('suppressed'));
    expect(suppressed.deliveries[0].attempts).toEqual([]);
    expect(await providerRequests(c.provider, account)).toHaveLength(1);
    const other = await createLiveTenant('Other', { smtp: false });
    expect((await api('GET', '/v1/suppressions', { key: other.key })).body.data).toEqual([]);
  });
});
