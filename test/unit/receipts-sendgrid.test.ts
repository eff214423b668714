import { describe, expect, it } from 'vitest';
import { sendgridVerifier, verifySendgridSignature } from '../../src/channels/email/sendgrid/receipts';
import type { ReceiptSecret } from '../../src/channels/receipts/types';
import {
  type HookRequest,
  sendgridEvent,
  sendgridKeyPair,
  signedSendgridRequest,
  testReceiptContext,
  toReceiptRequest,
} from '../helpers/receipt-signing';

const HOOK = 'https://api.test/hooks/sendgrid/hk_test';
const ctx = () => testReceiptContext();
const verify = (req: HookRequest, secrets: ReceiptSecret[], now = new Date()) =>
  sendgridVerifier.verify(toReceiptRequest(req), secrets, testReceiptContext({ now }));

describe('SendGrid signature scheme', () => {
  // The vector from SendGrid's own Node SDK tests (@sendgrid/eventwebhook): an external truth for the DER →
  // P1363 conversion and the "timestamp + payload" construction.
  const PUBLIC_KEY =
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
  const SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
  const TIMESTAMP = '1588788367';
  const PAYLOAD = JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' });

  it("verifies SendGrid's published test vector", async () => {
    expect(await verifySendgridSignature(PUBLIC_KEY, TIMESTAMP, PAYLOAD, SIGNATURE)).toBe(true);
  });

  it('rejects the vector with another key, payload, signature or timestamp', async () => {
    const otherKey =
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==';
    const otherSig = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=';
    expect(await verifySendgridSignature(otherKey, TIMESTAMP, PAYLOAD, SIGNATURE)).toBe(false);
    expect(await verifySendgridSignature(PUBLIC_KEY, TIMESTAMP, 'payload', SIGNATURE)).toBe(false);
    expect(await verifySendgridSignature(PUBLIC_KEY, TIMESTAMP, PAYLOAD, otherSig)).toBe(false);
    expect(await verifySendgridSignature(PUBLIC_KEY, '1588788368', PAYLOAD, SIGNATURE)).toBe(false);
  });

  it('accepts the key with PEM armour, and never throws on garbage keys or signatures', async () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${PUBLIC_KEY}\n-----END PUBLIC KEY-----\n`;
    expect(await verifySendgridSignature(pem, TIMESTAMP, PAYLOAD, SIGNATURE)).toBe(true);
    for (const [key, sig] of [
      ['not base64!', SIGNATURE],
      ['AAAA', SIGNATURE],
      [PUBLIC_KEY, 'not base64!'],
      [PUBLIC_KEY, 'MAA='],
      [PUBLIC_KEY, btoa('x'.repeat(64))],
    ] as const) {
      expect(await verifySendgridSignature(key, TIMESTAMP, PAYLOAD, sig)).toBe(false);
    }
  });
});

describe('SendGrid Event Webhook verifier', () => {
  it('maps a signed batch; ignores kinds we do not track and events without sg_message_id', async () => {
    const { privateKey, publicKey } = await sendgridKeyPair();
    const events = [
      sendgridEvent('processed', 'X1'),
      sendgridEvent('delivered', 'X1', { sg_event_id: 'e-del', response: '250 OK', delivery_id: 'dlv_1' }),
      sendgridEvent('bounce', 'X2', {
        sg_event_id: 'e-b',
        type: 'bounce',
        status: '5.1.1',
        reason: '550 5.1.1 The email account that you tried to reach does not exist',
        timestamp: 1767323100,
      }),
      sendgridEvent('bounce', 'X3', { sg_event_id: 'e-bl', type: 'blocked', status: '4.0.0', reason: 'IP blocked' }),
      sendgridEvent('dropped', 'X4', { sg_event_id: 'e-dr', reason: 'Bounced Address' }),
      sendgridEvent('spamreport', 'X5', { sg_event_id: 'e-sp' }),
      sendgridEvent('open', 'X6', { sg_event_id: 'e-op', useragent: 'Mozilla' }),
      sendgridEvent('click', 'X7', { sg_event_id: 'e-cl', url: 'https://acme.test/deal' }),
      sendgridEvent('deferred', 'X8'),
      sendgridEvent('unsubscribe', 'X9'),
      sendgridEvent('group_unsubscribe', 'X9', { asm_group_id: 1 }),
      { ...sendgridEvent('delivered', 'X10'), sg_message_id: undefined },
      { event: 'delivered' }, // no ids at all: skipped, the batch still counts
      'not an event',
    ];
    const req = await signedSendgridRequest(HOOK, events, privateKey);
    const outcome = await verify(req, [{ webhookPublicKey: publicKey }]);
    expect(outcome).toEqual({
      ok: true,
      events: [
        {
          eventKey: 'e-del',
          providerMessageId: 'X1',
          deliveryId: 'dlv_1',
          type: 'delivered',
          at: '2026-01-02T03:04:05.000Z',
          detail: '250 OK',
        },
        {
          eventKey: 'e-b',
          providerMessageId: 'X2',
          type: 'bounced',
          at: '2026-01-02T03:05:00.000Z',
          permanent: true,
          detail: 'bounce: 5.1.1: 550 5.1.1 The email account that you tried to reach does not exist',
        },
        {
          eventKey: 'e-bl',
          providerMessageId: 'X3',
          type: 'bounced',
          at: '2026-01-02T03:04:05.000Z',
          permanent: false,
          detail: 'blocked: 4.0.0: IP blocked',
        },
        {
          eventKey: 'e-dr',
          providerMessageId: 'X4',
          type: 'failed',
          at: '2026-01-02T03:04:05.000Z',
          detail: 'dropped: Bounced Address',
        },
        { eventKey: 'e-sp', providerMessageId: 'X5', type: 'complained', at: '2026-01-02T03:04:05.000Z' },
        { eventKey: 'e-op', providerMessageId: 'X6', type: 'opened', at: '2026-01-02T03:04:05.000Z' },
        {
          eventKey: 'e-cl',
          providerMessageId: 'X7',
          type: 'clicked',
          at: '2026-01-02T03:04:05.000Z',
          url: 'https://acme.test/deal',
          detail: 'https://acme.test/deal',
        },
      ],
    });
  });

  it('accepts when any of the tenant’s keys verifies', async () => {
    const signer = await sendgridKeyPair();
    const other = await sendgridKeyPair();
    const req = await signedSendgridRequest(HOOK, [sendgridEvent('open', 'X1')], signer.privateKey);
    const outcome = await verify(req, [
      {},
      { webhookPublicKey: other.publicKey },
      { webhookPublicKey: signer.publicKey },
    ]);
    expect(outcome).toMatchObject({ ok: true, events: [{ type: 'opened' }] });
  });

  it('rejects a wrong key, a forged signature and a body changed after signing', async () => {
    const signer = await sendgridKeyPair();
    const other = await sendgridKeyPair();
    const req = await signedSendgridRequest(HOOK, [sendgridEvent('delivered', 'X1')], signer.privateKey);
    const forged = await signedSendgridRequest(HOOK, [sendgridEvent('delivered', 'X1')], other.privateKey);
    const mismatch = { ok: false, reason: 'signature mismatch' };

    expect(await verify(req, [{ webhookPublicKey: other.publicKey }])).toEqual(mismatch);
    expect(await verify(forged, [{ webhookPublicKey: signer.publicKey }])).toEqual(mismatch);
    expect(
      await verify({ ...req, body: req.body.replace('delivered', 'bounce') }, [{ webhookPublicKey: signer.publicKey }]),
    ).toEqual(mismatch);
    // the trailing CRLF SendGrid sends is signed too
    expect(await verify({ ...req, body: req.body.trimEnd() }, [{ webhookPublicKey: signer.publicKey }])).toEqual(
      mismatch,
    );
  });

  it('rejects stale and future timestamps (5-minute window against ctx.now)', async () => {
    const { privateKey, publicKey } = await sendgridKeyPair();
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 301, now + 301]) {
      const req = await signedSendgridRequest(HOOK, [sendgridEvent('open', 'X1')], privateKey, { timestamp });
      expect(await verify(req, [{ webhookPublicKey: publicKey }])).toEqual({
        ok: false,
        reason: 'timestamp outside tolerance',
      });
    }
    const old = await signedSendgridRequest(HOOK, [sendgridEvent('open', 'X1')], privateKey, { timestamp: now - 3600 });
    expect((await verify(old, [{ webhookPublicKey: publicKey }], new Date((now - 3600) * 1000))).ok).toBe(true);
  });

  it('rejects missing headers, malformed headers and malformed bodies without throwing', async () => {
    const { privateKey, publicKey } = await sendgridKeyPair();
    const secrets = [{ webhookPublicKey: publicKey }];
    const req = await signedSendgridRequest(HOOK, [sendgridEvent('open', 'X1')], privateKey);
    const without = (name: string) => ({
      ...req,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== name)),
    });
    expect((await verify(without('x-twilio-email-event-webhook-signature'), secrets)).ok).toBe(false);
    expect((await verify(without('x-twilio-email-event-webhook-timestamp'), secrets)).ok).toBe(false);
    for (const [name, value] of [
      ['x-twilio-email-event-webhook-timestamp', 'yesterday'],
      ['x-twilio-email-event-webhook-timestamp', '-1'],
      ['x-twilio-email-event-webhook-signature', '%%%'],
      ['x-twilio-email-event-webhook-signature', btoa('\x30\x02\x02\x00')],
    ]) {
      expect(
        (await verify({ ...req, headers: { ...req.headers, [name as string]: value as string } }, secrets)).ok,
      ).toBe(false);
    }
    // Signed but not a batch: authentic garbage is still refused.
    for (const body of ['not json', '{"event":"open"}', 'null']) {
      const signed = await signedSendgridRequest(HOOK, body, privateKey);
      expect(await verify(signed, secrets)).toEqual({ ok: false, reason: 'malformed body' });
    }
  });

  it('rejects when no configuration carries a verification key, and garbage keys do not throw', async () => {
    const { privateKey } = await sendgridKeyPair();
    const req = await signedSendgridRequest(HOOK, [sendgridEvent('open', 'X1')], privateKey);
    expect((await sendgridVerifier.verify(toReceiptRequest(req), [], ctx())).ok).toBe(false);
    expect((await sendgridVerifier.verify(toReceiptRequest(req), [{ authToken: 'x' }], ctx())).ok).toBe(false);
    expect(await verify(req, [{ webhookPublicKey: '!!!' }, { webhookPublicKey: 'AAAA' }])).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });
});
