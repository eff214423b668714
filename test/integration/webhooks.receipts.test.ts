import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, expectEnvelope, testDb } from '../helpers/api';
import { addProvider, awsKeyId, providerRequests, twilioSid, uniqueAccount } from '../helpers/providers';
import {
  type HookRequest,
  postmarkRecord,
  postmarkRequest,
  resendEvent,
  resendTestSecret,
  SNS_TEST_CERT_PEM,
  sendgridEvent,
  sendgridKeyPair,
  sesEventMessage,
  signedResendRequest,
  signedSendgridRequest,
  signedSnsRequest,
  signedTwilioRequest,
  twilioStatusParams,
} from '../helpers/receipt-signing';
import { endpointUrl, receivedRequests, scriptEndpoint, uniqueName, waitForNotification } from '../helpers/stand-ins';
import { createEndpoint, ofType, verifiedEvents, waitForEvents } from '../helpers/webhooks';

const from = 'Acme <hello@acme.test>';

/** POSTs a provider's request through the worker, exactly as built (URL, headers, raw body). */
function deliver(req: HookRequest) {
  const url = new URL(req.url);
  return api('POST', url.pathname + url.search, { rawBody: req.body, headers: req.headers });
}

async function receiptUrl(key: string, provider: string) {
  const res = await api('GET', '/v1/inbound-hooks', { key });
  expect(res.status).toBe(200);
  return res.body.urls[provider] as string;
}

/** Sends one notification and returns its delivery once the provider accepted it (with the provider's message id). */
async function sentDelivery(key: string, to: Record<string, string>, content: Record<string, string>) {
  const res = await api('POST', '/v1/notifications', { key, body: { to, content } });
  expect(res.status).toBe(202);
  const n = await waitForNotification(key, res.body.id, (x) => x.deliveries[0]?.status === 'sent');
  expect(n.deliveries[0].providerMessageId).toBeTruthy();
  return { ...n.deliveries[0], notificationId: res.body.id as string } as {
    id: string;
    providerMessageId: string;
    notificationId: string;
  };
}

async function deliveryOf(key: string, notificationId: string) {
  return (await api('GET', `/v1/notifications/${notificationId}`, { key })).body.deliveries[0];
}

/** A Resend provider with a webhook secret; returns the secret. */
async function addResend(key: string, secret = resendTestSecret()) {
  await addProvider(key, {
    channel: 'email',
    provider: 'resend',
    name: 'Resend',
    credentials: { apiKey: uniqueAccount('re_'), from, webhookSecret: secret },
  });
  return secret;
}

const email = () => ({ email: `${uniqueName('rcpt')}@example.test` });
const mail = { subject: 'Hi', text: 'hello' };

describe('inbound provider receipts', () => {
  it('SendGrid (ECDSA): delivered, opened and clicked update the delivery and emit events once; forged, stale → 401', async () => {
    const t = await createLiveTenant('sg', { smtp: false });
    const keys = await sendgridKeyPair();
    await addProvider(t.key, {
      channel: 'email',
      provider: 'sendgrid',
      name: 'SendGrid',
      credentials: { apiKey: uniqueAccount('SG.'), from, webhookPublicKey: keys.publicKey },
    });
    const ep = await createEndpoint(t.key, { events: ['delivery.delivered', 'delivery.opened', 'delivery.clicked'] });
    const d = await sentDelivery(t.key, email(), mail);
    const url = await receiptUrl(t.key, 'sendgrid');
    expect(url).toMatch(/^http:\/\/api\.test\/hooks\/sendgrid\/[A-Za-z0-9_-]{32}$/);

    const events = [
      sendgridEvent('processed', d.providerMessageId),
      sendgridEvent('delivered', d.providerMessageId),
      sendgridEvent('open', d.providerMessageId),
      sendgridEvent('click', d.providerMessageId, { url: 'https://acme.test/offer' }),
    ];
    const req = await signedSendgridRequest(url, events, keys.privateKey);
    const res = await deliver(req);
    expect(res.status).toBe(200);
    expect(res.body.received).toBe(3);
    const after = await deliveryOf(t.key, d.notificationId);
    expect(after.status).toBe('delivered');
    expect(after.deliveredAt).not.toBeNull();
    expect(after.engagement).toMatchObject({ opens: 1, clicks: 1 });
    expect(after.engagement.firstOpenedAt).not.toBeNull();
    const got = await waitForEvents(ep.name, ep.secret, (e) => e.length >= 3);
    expect(got.map((e) => e.payload.type).sort()).toEqual([
      'delivery.clicked',
      'delivery.delivered',
      'delivery.opened',
    ]);
    expect(ofType('delivery.clicked')(got)[0]!.payload.data).toMatchObject({
      deliveryId: d.id,
      url: 'https://acme.test/offer',
    });
    // Every timestamp in an event is ISO-8601 UTC with `Z`, as `Date#toISOString` writes it.
    const isoZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    expect(ofType('delivery.opened')(got)[0]!.payload.data.openedAt).toMatch(isoZ);
    expect(ofType('delivery.clicked')(got)[0]!.payload.data.clickedAt).toMatch(isoZ);
    for (const e of got) expect(e.payload.createdAt).toMatch(isoZ);

    // The same request again (a provider retry or a replay): accepted, nothing changes, no new events.
    expect((await deliver(req)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await verifiedEvents(ep.name, ep.secret)).toHaveLength(3);
    expect((await deliveryOf(t.key, d.notificationId)).engagement).toMatchObject({ opens: 1, clicks: 1 });

    const forged = { ...req, body: req.body.replace('delivered', 'bounce') };
    expectEnvelope(await deliver(forged), 401, 'invalid_signature');
    const other = await sendgridKeyPair();
    expectEnvelope(await deliver(await signedSendgridRequest(url, events, other.privateKey)), 401, 'invalid_signature');
    const stale = await signedSendgridRequest(url, events, keys.privateKey, {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expectEnvelope(await deliver(stale), 401, 'invalid_signature');
  });

  it('SES via SNS: confirms the subscription; a hard bounce → bounced, suppressed, and the next send is suppressed', async () => {
    const t = await createLiveTenant('ses', { smtp: false });
    await addProvider(t.key, {
      channel: 'email',
      provider: 'ses',
      name: 'SES',
      credentials: {
        accessKeyId: awsKeyId(),
        secretAccessKey: 'x'.repeat(40),
        region: 'eu-west-1',
        from,
        snsTopicArns: ['arn:aws:sns:us-east-1:123456789012:ses-events'],
      },
    });
    const certName = uniqueName('sns-cert');
    await scriptEndpoint(certName, [], { status: 200, body: SNS_TEST_CERT_PEM });
    const confirmName = uniqueName('sns-confirm');
    const url = await receiptUrl(t.key, 'ses');

    const confirmation = await signedSnsRequest(url, 'You have chosen to subscribe…', {
      type: 'SubscriptionConfirmation',
      certUrl: `${endpointUrl(certName)}/cert.pem`,
      subscribeUrl: `${endpointUrl(confirmName)}?Action=ConfirmSubscription&Token=abc`,
    });
    const confirmed = await deliver(confirmation);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ received: 0, confirmed: true });
    expect(await receivedRequests(confirmName)).toHaveLength(1);

    const ep = await createEndpoint(t.key, { events: ['delivery.bounced', 'delivery.suppressed'] });
    const to = email();
    const d = await sentDelivery(t.key, to, mail);
    const bounce = sesEventMessage('Bounce', d.providerMessageId, {
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: to.email, diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
        timestamp: new Date().toISOString(),
      },
    });
    const res = await deliver(
      await signedSnsRequest(url, bounce, { certUrl: `${endpointUrl(certName)}/cert.pem`, signatureVersion: '1' }),
    );
    expect(res.status).toBe(200);
    const after = await deliveryOf(t.key, d.notificationId);
    expect(after.status).toBe('bounced');
    expect(after.lastError.code).toBe('hard_bounce');
    const suppressions = await api('GET', '/v1/suppressions', { key: t.key });
    expect(suppressions.body.data.map((s: any) => [s.address, s.reason])).toContainEqual([to.email, 'hard_bounce']);
    const [bounced] = await waitForEvents(ep.name, ep.secret, (e) => e.length >= 1);
    expect(bounced!.payload).toMatchObject({ type: 'delivery.bounced', data: { deliveryId: d.id, permanent: true } });

    const again = await api('POST', '/v1/notifications', { key: t.key, body: { to, content: mail } });
    await waitForNotification(t.key, again.body.id, (n) => n.deliveries[0].status === 'suppressed');
    await waitForEvents(ep.name, ep.secret, (e) => e.length >= 2);

    // A validly signed message from a topic the tenant did not pin is refused.
    const otherTopic = await signedSnsRequest(url, bounce, {
      certUrl: `${endpointUrl(certName)}/cert.pem`,
      topicArn: 'arn:aws:sns:us-east-1:999999999999:someone-else',
    });
    expectEnvelope(await deliver(otherTopic), 401, 'invalid_signature');
    // A certificate from anywhere but AWS (or the test stand-in) is never fetched.
    const untrusted = await signedSnsRequest(url, bounce, { certUrl: 'https://evil.example/cert.pem' });
    expectEnvelope(await deliver(untrusted), 401, 'invalid_signature');
    const tampered = await signedSnsRequest(url, bounce, { certUrl: `${endpointUrl(certName)}/cert.pem` });
    expectEnvelope(
      await deliver({ ...tampered, body: tampered.body.replace('Permanent', 'Transient') }),
      401,
      'invalid_signature',
    );
  });

  it('Twilio (X-Twilio-Signature): delivered and undelivered callbacks; StatusCallback is sent; forged → 401', async () => {
    const t = await createLiveTenant('tw', { smtp: false });
    const authToken = 'a'.repeat(32);
    const url = await receiptUrl(t.key, 'twilio');
    const sid = twilioSid();
    await addProvider(t.key, {
      channel: 'sms',
      provider: 'twilio',
      name: 'Twilio',
      credentials: { accountSid: sid, authToken, from: '+15005550006', statusCallbackUrl: url },
    });
    const ok = await sentDelivery(t.key, { phone: '+14155550101' }, { text: 'code 1' });
    const [sent] = await providerRequests('twilio', sid);
    expect(new URLSearchParams(sent!.body).get('StatusCallback')).toBe(url);
    const lost = await sentDelivery(t.key, { phone: '+14155550102' }, { text: 'code 2' });
    const delivered = await signedTwilioRequest(url, twilioStatusParams(ok.providerMessageId, 'delivered'), authToken);
    expect((await deliver(delivered)).status).toBe(200);
    const undelivered = await signedTwilioRequest(
      url,
      twilioStatusParams(lost.providerMessageId, 'undelivered', { ErrorCode: '30003' }),
      authToken,
    );
    expect((await deliver(undelivered)).status).toBe(200);
    expect((await deliveryOf(t.key, ok.notificationId)).status).toBe('delivered');
    const failed = await deliveryOf(t.key, lost.notificationId);
    expect(failed.status).toBe('failed');
    expect(failed.lastError.message).toContain('30003');

    const wrongToken = await signedTwilioRequest(
      url,
      twilioStatusParams(ok.providerMessageId, 'failed'),
      'b'.repeat(32),
    );
    expectEnvelope(await deliver(wrongToken), 401, 'invalid_signature');
    expect((await deliveryOf(t.key, ok.notificationId)).status).toBe('delivered');
  });

  it('Postmark (Basic auth): a spam complaint suppresses the address; a wrong password → 401', async () => {
    const t = await createLiveTenant('pm', { smtp: false });
    const secret = 'p'.repeat(24);
    await addProvider(t.key, {
      channel: 'email',
      provider: 'postmark',
      name: 'Postmark',
      credentials: { serverToken: uniqueAccount('pm-'), from, webhookSecret: secret },
    });
    const ep = await createEndpoint(t.key, { events: ['delivery.delivered', 'delivery.complained'] });
    const to = email();
    const d = await sentDelivery(t.key, to, mail);
    const url = await receiptUrl(t.key, 'postmark');
    const deliveredAt = new Date().toISOString();
    const delivered = postmarkRequest(
      url,
      postmarkRecord('Delivery', d.providerMessageId, { DeliveredAt: deliveredAt }),
      secret,
    );
    expect((await deliver(delivered)).status).toBe(200);
    const complaint = postmarkRequest(
      url,
      postmarkRecord('SpamComplaint', d.providerMessageId, { ID: 42, BouncedAt: deliveredAt, Email: to.email }),
      secret,
    );
    expect((await deliver(complaint)).status).toBe(200);
    const got = await waitForEvents(ep.name, ep.secret, (e) => e.length >= 2);
    expect(got.map((e) => e.payload.type).sort()).toEqual(['delivery.complained', 'delivery.delivered']);
    const suppressions = await api('GET', '/v1/suppressions', { key: t.key });
    expect(suppressions.body.data.map((s: any) => [s.address, s.reason])).toContainEqual([to.email, 'complaint']);
    expectEnvelope(
      await deliver(postmarkRequest(url, postmarkRecord('Delivery', d.providerMessageId), 'wrong'.repeat(5))),
      401,
      'invalid_signature',
    );
  });

  it('Resend (Svix): delivered applies once per svix-id; a forged signature → 401', async () => {
    const t = await createLiveTenant('rs', { smtp: false });
    const secret = await addResend(t.key);
    const ep = await createEndpoint(t.key, { events: ['delivery.delivered'] });
    const d = await sentDelivery(t.key, email(), mail);
    const url = await receiptUrl(t.key, 'resend');
    const req = signedResendRequest(url, resendEvent('email.delivered', d.providerMessageId), secret);
    expect((await deliver(req)).status).toBe(200);
    expect((await deliver(req)).status).toBe(200);
    expect((await deliveryOf(t.key, d.notificationId)).status).toBe('delivered');
    await waitForEvents(ep.name, ep.secret, (e) => e.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await verifiedEvents(ep.name, ep.secret)).toHaveLength(1);
    const forged = signedResendRequest(url, resendEvent('email.bounced', d.providerMessageId), resendTestSecret());
    expectEnvelope(await deliver(forged), 401, 'invalid_signature');
  });

  it('a receipt that arrives before the send is recorded is not marked seen: the provider retry applies it', async () => {
    const t = await createLiveTenant('early', { smtp: false });
    const secret = await addResend(t.key);
    const d = await sentDelivery(t.key, email(), mail);
    const url = await receiptUrl(t.key, 'resend');
    const early = signedResendRequest(url, resendEvent('email.delivered', 'not-yet-recorded'), secret);
    expect((await deliver(early)).body.received).toBe(1);
    expect((await deliveryOf(t.key, d.notificationId)).status).toBe('sent');
    // The outcome lands (simulated: the message id the provider will name), then the provider retries.
    await testDb().execute(sql`UPDATE deliveries SET provider_message_id = 'not-yet-recorded' WHERE id = ${d.id}`);
    expect((await deliver(early)).status).toBe(200);
    expect((await deliveryOf(t.key, d.notificationId)).status).toBe('delivered');
  });

  it('a soft bounce ends bounced without suppression; a later hard bounce upgrades it and suppresses', async () => {
    const t = await createLiveTenant('soft', { smtp: false });
    const secret = await addResend(t.key);
    const ep = await createEndpoint(t.key, { events: ['delivery.bounced'] });
    const to = email();
    const d = await sentDelivery(t.key, to, mail);
    const url = await receiptUrl(t.key, 'resend');
    const soft = resendEvent('email.bounced', d.providerMessageId, {
      bounce: { type: 'Transient', message: 'mailbox full' },
    });
    expect((await deliver(signedResendRequest(url, soft, secret))).status).toBe(200);
    const afterSoft = await deliveryOf(t.key, d.notificationId);
    expect([afterSoft.status, afterSoft.lastError.code]).toEqual(['bounced', 'soft_bounce']);
    expect((await api('GET', '/v1/suppressions', { key: t.key })).body.data).toEqual([]);
    const hard = resendEvent('email.bounced', d.providerMessageId, {
      bounce: { type: 'Permanent', message: 'no such user' },
    });
    expect((await deliver(signedResendRequest(url, hard, secret))).status).toBe(200);
    expect((await deliveryOf(t.key, d.notificationId)).lastError.code).toBe('hard_bounce');
    const events = await waitForEvents(ep.name, ep.secret, (e) => e.length >= 2);
    expect(events.map((e) => e.payload.data.permanent).sort()).toEqual([false, true]);
    const suppressed = (await api('GET', '/v1/suppressions', { key: t.key })).body.data;
    expect(suppressed.map((s: any) => s.address)).toEqual([to.email]);
  });

  it("unknown tokens and providers → 404; a tenant's token cannot touch another tenant's deliveries; rotation", async () => {
    const a = await createLiveTenant('a', { smtp: false });
    const b = await createLiveTenant('b', { smtp: false });
    const secret = resendTestSecret();
    for (const t of [a, b]) await addResend(t.key, secret);
    const d = await sentDelivery(a.key, email(), mail);
    const bUrl = await receiptUrl(b.key, 'resend');
    // B's URL with A's message id: verified (same secret) but matches none of B's deliveries.
    expect(
      (await deliver(signedResendRequest(bUrl, resendEvent('email.delivered', d.providerMessageId), secret))).status,
    ).toBe(200);
    expect((await deliveryOf(a.key, d.notificationId)).status).toBe('sent');

    const token = new URL(bUrl).pathname.split('/').pop()!;
    expectEnvelope(await api('POST', `/hooks/resend/${'x'.repeat(32)}`, { rawBody: '{}' }), 404, 'not_found');
    expectEnvelope(await api('POST', `/hooks/mailgun/${token}`, { rawBody: '{}' }), 404, 'not_found');

    const rotated = await api('POST', '/v1/inbound-hooks/rotate-token', { key: b.key });
    expect(rotated.body.urls.resend).not.toBe(bUrl);
    expectEnvelope(await api('POST', new URL(bUrl).pathname, { rawBody: '{}' }), 404, 'not_found');
  });
});
