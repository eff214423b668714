import { describe, expect, it } from 'vitest';
import { sesVerifier } from '../../src/channels/email/ses/receipts';
import { MAX_RECEIPT_BODY_CHARS, type ReceiptSecret } from '../../src/channels/receipts/types';
import {
  type HookRequest,
  SNS_TEST_CERT_PEM,
  type SnsSignOptions,
  sesEventMessage,
  signedSnsRequest,
  snsCertFetch,
  testReceiptContext,
  toReceiptRequest,
} from '../helpers/receipt-signing';

const HOOK = 'https://api.test/hooks/ses/hk_test';
const SES_CONFIGURED: ReceiptSecret[] = [{}];
// Each test gets its own certificate URL: the verifier caches certificates by URL for the isolate's lifetime.
const certUrl = () => `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${crypto.randomUUID()}.pem`;

async function verifySigned(message: object | string, opts: Partial<SnsSignOptions> = {}) {
  const certs = snsCertFetch();
  const req = await signedSnsRequest(HOOK, message, { certUrl: certUrl(), ...opts });
  const outcome = await sesVerifier.verify(toReceiptRequest(req), SES_CONFIGURED, testReceiptContext(certs));
  return { outcome, certs, req };
}

/** Rewrites one field of a signed SNS body, keeping everything else (signature included) as it was. */
function withField(req: HookRequest, name: string, value: unknown): HookRequest {
  return { ...req, body: JSON.stringify({ ...JSON.parse(req.body), [name]: value }) };
}

describe('SES via SNS: signature', () => {
  it('accepts SignatureVersion 2 (SHA256withRSA) and fetches the certificate from SigningCertURL once', async () => {
    const url = certUrl();
    const certs = snsCertFetch();
    const ctx = testReceiptContext(certs);
    const msg = sesEventMessage('Delivery', '0100018c-msg-a', {
      delivery: {
        timestamp: '2026-01-02T03:04:07.123Z',
        smtpResponse: '250 2.0.0 OK',
        recipients: ['user@example.com'],
      },
    });
    const first = await signedSnsRequest(HOOK, msg, { certUrl: url, signatureVersion: '2', messageId: 'sns-1' });
    const second = await signedSnsRequest(HOOK, msg, { certUrl: url, signatureVersion: '2', messageId: 'sns-2' });

    expect(await sesVerifier.verify(toReceiptRequest(first), SES_CONFIGURED, ctx)).toEqual({
      ok: true,
      events: [
        {
          eventKey: 'sns-1',
          providerMessageId: '0100018c-msg-a',
          type: 'delivered',
          at: '2026-01-02T03:04:07.123Z',
          detail: '250 2.0.0 OK',
        },
      ],
    });
    expect((await sesVerifier.verify(toReceiptRequest(second), SES_CONFIGURED, ctx)).ok).toBe(true);
    expect(certs.calls).toEqual([url]); // cached by URL
  });

  it('accepts SignatureVersion 1 (SHA1withRSA)', async () => {
    const { outcome } = await verifySigned(
      sesEventMessage('Open', 'm-1', { open: { timestamp: '2026-01-02T05:00:00Z' } }),
      {
        signatureVersion: '1',
      },
    );
    expect(outcome).toMatchObject({ ok: true, events: [{ type: 'opened', providerMessageId: 'm-1' }] });
  });

  it('signs Subject when present, and multi-line, non-ASCII messages', async () => {
    const msg = sesEventMessage('Delivery', 'm-ü', { delivery: { smtpResponse: '250 ok\nline two — ✓' } });
    const { outcome } = await verifySigned(msg, { subject: 'Amazon SES Email Event Notification' });
    expect(outcome).toMatchObject({ ok: true, events: [{ providerMessageId: 'm-ü', detail: '250 ok\nline two — ✓' }] });
  });

  it('rejects a forged signature, a tampered message, a dropped Subject and a version switch', async () => {
    const certs = snsCertFetch();
    const ctx = testReceiptContext(certs);
    const signed = await signedSnsRequest(HOOK, sesEventMessage('Delivery', 'm-2'), {
      certUrl: certUrl(),
      subject: 'hello',
    });
    const forged = withField(signed, 'Signature', btoa('x'.repeat(256)));
    const tampered = withField(signed, 'Message', JSON.stringify(sesEventMessage('Delivery', 'someone-elses')));
    const noSubject = withField(signed, 'Subject', undefined);
    const v1 = withField(signed, 'SignatureVersion', '1');
    for (const req of [forged, tampered, noSubject, v1]) {
      expect(await sesVerifier.verify(toReceiptRequest(req), SES_CONFIGURED, ctx)).toEqual({
        ok: false,
        reason: 'signature mismatch',
      });
    }
    expect((await sesVerifier.verify(toReceiptRequest(signed), SES_CONFIGURED, ctx)).ok).toBe(true);
  });

  it('never fetches a certificate from an untrusted SigningCertURL', async () => {
    for (const url of [
      'https://evil.example/SimpleNotificationService-x.pem',
      'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
      'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-x.pem',
      'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-x.pem',
      'https://sqs.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
      'https://sns.us-east-1.amazonaws.com/not-a-certificate',
      'not a url',
    ]) {
      const certs = snsCertFetch();
      const req = await signedSnsRequest(HOOK, sesEventMessage('Delivery', 'm-3'), { certUrl: certUrl() });
      const pointed = withField(req, 'SigningCertURL', url);
      expect(await sesVerifier.verify(toReceiptRequest(pointed), SES_CONFIGURED, testReceiptContext(certs))).toEqual({
        ok: false,
        reason: 'untrusted SigningCertURL',
      });
      expect(certs.calls).toEqual([]);
    }
  });

  it('rejects when the certificate cannot be fetched or is not a certificate', async () => {
    const serving = (res: () => Response) => testReceiptContext({ fetch: (async () => res()) as typeof fetch });
    const failing = testReceiptContext({
      fetch: (async () => {
        throw new TypeError('network down');
      }) as typeof fetch,
    });
    for (const ctx of [
      serving(() => new Response('nope', { status: 404 })),
      serving(() => new Response('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')),
      serving(() => new Response(SNS_TEST_CERT_PEM, { status: 302, headers: { location: 'https://evil.example/' } })),
      failing,
    ]) {
      const req = await signedSnsRequest(HOOK, sesEventMessage('Delivery', 'm-4'), { certUrl: certUrl() });
      expect(await sesVerifier.verify(toReceiptRequest(req), SES_CONFIGURED, ctx)).toEqual({
        ok: false,
        reason: 'signing certificate unavailable',
      });
    }
  });

  it('rejects when the tenant has no SES configuration, before fetching anything', async () => {
    const certs = snsCertFetch();
    const req = await signedSnsRequest(HOOK, sesEventMessage('Delivery', 'm-5'), { certUrl: certUrl() });
    const outcome = await sesVerifier.verify(toReceiptRequest(req), [], testReceiptContext(certs));
    expect(outcome.ok).toBe(false);
    expect(certs.calls).toEqual([]);
  });

  it('rejects malformed envelopes without throwing', async () => {
    const ctx = testReceiptContext(snsCertFetch());
    const signed = await signedSnsRequest(HOOK, sesEventMessage('Delivery', 'm-6'), { certUrl: certUrl() });
    const bodies = [
      '',
      'not json',
      '[]',
      'null',
      '{"Type":"Notification"}',
      withField(signed, 'SignatureVersion', '3').body,
      withField(signed, 'Type', 'Surprise').body,
      withField(signed, 'Message', { not: 'a string' }).body,
      withField(signed, 'Signature', '%%%').body,
      'x'.repeat(MAX_RECEIPT_BODY_CHARS + 1),
    ];
    for (const body of bodies) {
      const outcome = await sesVerifier.verify(toReceiptRequest({ ...signed, body }), SES_CONFIGURED, ctx);
      expect(outcome.ok, body.slice(0, 60)).toBe(false);
    }
  });
});

describe('SES via SNS: subscription', () => {
  it('SubscriptionConfirmation → confirmUrl, under both signature versions', async () => {
    for (const signatureVersion of ['1', '2'] as const) {
      const { outcome, req } = await verifySigned('You have chosen to subscribe to the topic …', {
        type: 'SubscriptionConfirmation',
        signatureVersion,
      });
      const subscribeUrl = JSON.parse(req.body).SubscribeURL as string;
      expect(subscribeUrl).toMatch(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/\?Action=ConfirmSubscription/);
      expect(outcome).toEqual({ ok: true, events: [], confirmUrl: subscribeUrl });
    }
  });

  it('refuses to hand back a SubscribeURL that is not AWS, even when correctly signed', async () => {
    const { outcome } = await verifySigned('subscribe?', {
      type: 'SubscriptionConfirmation',
      subscribeUrl: 'https://evil.example/?Action=ConfirmSubscription',
    });
    expect(outcome).toEqual({ ok: false, reason: 'untrusted SubscribeURL' });
  });

  it('covers SubscribeURL and Token with the signature', async () => {
    const ctx = testReceiptContext(snsCertFetch());
    const signed = await signedSnsRequest(HOOK, 'subscribe?', { type: 'SubscriptionConfirmation', certUrl: certUrl() });
    for (const req of [
      withField(signed, 'SubscribeURL', 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=other'),
      withField(signed, 'Token', 'other'),
      withField(signed, 'Token', undefined),
    ]) {
      expect((await sesVerifier.verify(toReceiptRequest(req), SES_CONFIGURED, ctx)).ok).toBe(false);
    }
  });

  it('UnsubscribeConfirmation is acknowledged with nothing to do', async () => {
    const { outcome } = await verifySigned('unsubscribed', { type: 'UnsubscribeConfirmation' });
    expect(outcome).toEqual({ ok: true, events: [] });
  });
});

describe('SES via SNS: event mapping', () => {
  const one = async (message: object | string) => {
    const { outcome } = await verifySigned(message, { messageId: 'sns-evt' });
    if (!outcome.ok) throw new Error(outcome.reason);
    return outcome.events;
  };

  it('Bounce: Permanent suppresses, Transient and Undetermined do not', async () => {
    const bounce = (bounceType: string, bounceSubType: string) =>
      sesEventMessage('Bounce', 'm-b', {
        bounce: {
          bounceType,
          bounceSubType,
          timestamp: '2026-01-02T03:05:00.000Z',
          feedbackId: 'fb-1',
          bouncedRecipients: [
            {
              emailAddress: 'user@example.com',
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
        },
      });
    expect(await one(bounce('Permanent', 'General'))).toEqual([
      {
        eventKey: 'sns-evt',
        providerMessageId: 'm-b',
        type: 'bounced',
        at: '2026-01-02T03:05:00.000Z',
        permanent: true,
        detail: 'Permanent/General: smtp; 550 5.1.1 user unknown',
      },
    ]);
    expect(await one(bounce('Transient', 'MailboxFull'))).toMatchObject([{ type: 'bounced', permanent: false }]);
    expect(await one(bounce('Undetermined', 'Undetermined'))).toMatchObject([{ type: 'bounced', permanent: false }]);
  });

  it('Complaint, Click, Reject and Rendering Failure', async () => {
    expect(
      await one(
        sesEventMessage('Complaint', 'm-c', {
          complaint: { timestamp: '2026-01-03T00:00:00Z', complaintFeedbackType: 'abuse' },
        }),
      ),
    ).toEqual([
      {
        eventKey: 'sns-evt',
        providerMessageId: 'm-c',
        type: 'complained',
        at: '2026-01-03T00:00:00.000Z',
        detail: 'abuse',
      },
    ]);
    expect(
      await one(
        sesEventMessage('Click', 'm-k', {
          click: { timestamp: '2026-01-03T00:00:01Z', link: 'https://acme.test/deal?x=1', ipAddress: '192.0.2.1' },
        }),
      ),
    ).toMatchObject([{ type: 'clicked', url: 'https://acme.test/deal?x=1', at: '2026-01-03T00:00:01.000Z' }]);
    expect(await one(sesEventMessage('Reject', 'm-r', { reject: { reason: 'Bad content' } }))).toMatchObject([
      { type: 'failed', detail: 'Reject: Bad content' },
    ]);
    expect(
      await one(
        sesEventMessage('Rendering Failure', 'm-f', {
          failure: { errorMessage: 'Attribute name is missing', templateName: 'welcome' },
        }),
      ),
    ).toMatchObject([{ type: 'failed', detail: 'Rendering Failure: Attribute name is missing' }]);
  });

  it('reads the older notification shape (notificationType)', async () => {
    const msg = {
      notificationType: 'Bounce',
      bounce: { bounceType: 'Permanent', bounceSubType: 'Suppressed', timestamp: '2026-01-04T00:00:00.000Z' },
      mail: { messageId: 'm-old', timestamp: '2026-01-03T23:59:00.000Z' },
    };
    expect(await one(msg)).toMatchObject([{ type: 'bounced', permanent: true, providerMessageId: 'm-old' }]);
  });

  it('ignores kinds we do not track; rejects a Message that is not an SES event', async () => {
    expect(await one(sesEventMessage('Send', 'm-s', { send: {} }))).toEqual([]);
    expect(await one(sesEventMessage('DeliveryDelay', 'm-d', { deliveryDelay: {} }))).toEqual([]);
    expect(await one(sesEventMessage('Delivery', ''))).toEqual([]); // no message id → nothing to match
    for (const message of ['plain text publish', { mail: 'nope' }, { eventType: 'Delivery' }]) {
      const { outcome } = await verifySigned(message);
      expect(outcome).toEqual({ ok: false, reason: 'message is not an SES event' });
    }
  });

  it('falls back to the SNS publish time when SES gives no event time', async () => {
    const at = new Date('2026-02-03T04:05:06.789Z');
    const { outcome } = await verifySigned(sesEventMessage('Open', 'm-t'), { timestamp: at });
    expect(outcome).toMatchObject({ ok: true, events: [{ type: 'opened', at: at.toISOString() }] });
  });
});
