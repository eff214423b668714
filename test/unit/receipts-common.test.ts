import { describe, expect, it } from 'vitest';
import { productionAwsUrlCheck } from '../../src/channels/email/ses/sns-envelope';
import { decodeBase64 } from '../../src/channels/receipts/base64';
import { derToP1363, p1363ToDer } from '../../src/channels/receipts/der';
import { detailOf, isoTime } from '../../src/channels/receipts/receipt-fields';
import { receiptVerifierFor, receiptVerifiers } from '../../src/channels/receipts/registry';
import { testReceiptContext } from '../helpers/receipt-signing';

describe('receipt verifier registry', () => {
  it('has one verifier per provider, found by path segment', () => {
    for (const id of ['ses', 'sendgrid', 'twilio', 'postmark', 'resend'] as const) {
      expect(receiptVerifierFor(id)).toBe(receiptVerifiers[id]);
      expect(receiptVerifiers[id].provider).toBe(id);
    }
    for (const id of ['mailgun', 'toString', '__proto__', 'constructor', '']) {
      expect(receiptVerifierFor(id)).toBeUndefined();
    }
  });
});

describe('productionAwsUrlCheck', () => {
  it('trusts https SNS regional endpoints only', () => {
    const ok = [
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem',
      'https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=x',
      'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem',
      'https://SNS.US-EAST-1.AMAZONAWS.COM/x.pem', // URL lower-cases the host
    ];
    const bad = [
      'http://sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com:444/x.pem',
      'https://sns.us-east-1.amazonaws.com.evil.example/x.pem',
      'https://evil.example/sns.us-east-1.amazonaws.com/x.pem',
      'https://sqs.us-east-1.amazonaws.com/x.pem',
      'https://sns.amazonaws.com/x.pem',
      'https://x.sns.us-east-1.amazonaws.com/x.pem',
      'https://user@sns.us-east-1.amazonaws.com.evil.example/x.pem',
    ];
    for (const url of ok) expect(productionAwsUrlCheck(new URL(url)), url).toBe(true);
    for (const url of bad) expect(productionAwsUrlCheck(new URL(url)), url).toBe(false);
  });
});

describe('ECDSA signature encodings', () => {
  it('round-trips P1363 ↔ DER, including high-bit and leading-zero halves', async () => {
    const cases = [
      new Uint8Array(64).fill(0x7f),
      new Uint8Array(64).fill(0xff),
      Uint8Array.from({ length: 64 }, (_, i) => (i < 3 || (i >= 32 && i < 40) ? 0 : i)),
      crypto.getRandomValues(new Uint8Array(64)),
    ];
    for (const raw of cases) {
      const der = p1363ToDer(raw);
      expect(der[0]).toBe(0x30);
      expect(derToP1363(der)).toEqual(raw);
    }
  });

  it('refuses malformed DER instead of guessing', () => {
    const good = p1363ToDer(new Uint8Array(64).fill(0x42));
    const bad = [
      new Uint8Array(0),
      Uint8Array.of(0x30, 0x00),
      Uint8Array.of(0x31, ...good.subarray(1)), // not a SEQUENCE
      Uint8Array.of(...good, 0x00), // trailing byte
      Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01), // negative r
      Uint8Array.of(0x30, 0x26, 0x02, 0x21, 0x01, ...new Uint8Array(32), 0x02, 0x01, 0x01), // r longer than 32 bytes
      Uint8Array.of(0x30, 0x06, 0x02, 0x05, 0x01, 0x02, 0x01, 0x01), // r runs past s
    ];
    for (const der of bad) expect(derToP1363(der)).toBeNull();
  });
});

describe('receipt field helpers', () => {
  it('isoTime reads ISO strings of any precision and unix seconds, else falls back', () => {
    const fallback = new Date('2026-01-01T00:00:00.000Z');
    expect(isoTime('2026-01-02T03:04:05.1234567-05:00', fallback)).toBe('2026-01-02T08:04:05.123Z');
    expect(isoTime('2024-11-22T23:41:11.894719+00:00', fallback)).toBe('2024-11-22T23:41:11.894Z');
    expect(isoTime(1767323045, fallback)).toBe('2026-01-02T03:04:05.000Z');
    for (const junk of [undefined, null, '', 'soon', {}, Number.NaN, 1e20, 'x'.repeat(100)]) {
      expect(isoTime(junk, fallback)).toBe(fallback.toISOString());
    }
  });

  it('detailOf joins non-empty parts and caps at 500 characters', () => {
    expect(detailOf('Permanent', undefined, '', ' 550 ')).toBe('Permanent: 550');
    expect(detailOf(undefined, null)).toBeUndefined();
    expect(detailOf('x'.repeat(600))).toHaveLength(500);
  });

  it('decodeBase64 returns null rather than throwing', () => {
    expect(decodeBase64('aGk=')).toEqual(new TextEncoder().encode('hi'));
    for (const junk of ['', '!!!', 'a', 'aGk=aGk=', 'a===']) expect(decodeBase64(junk), junk).toBeNull();
  });
});

describe('registry backstop', () => {
  it('turns anything a verifier throws into a refusal', async () => {
    const exploding = {
      get now(): Date {
        throw new Error('boom');
      },
      fetch: (() => {
        throw new Error('boom');
      }) as unknown as typeof fetch,
      trustedAwsUrl: () => true,
    };
    const headers = new Headers({
      'x-twilio-email-event-webhook-signature': 'MEUCIQ==',
      'x-twilio-email-event-webhook-timestamp': '1700000000',
    });
    const req = { url: 'https://api.test/hooks/sendgrid/x', method: 'POST', headers, body: '[]' };
    expect(await receiptVerifiers.sendgrid.verify(req, [{ webhookPublicKey: 'AAAA' }], exploding)).toEqual({
      ok: false,
      reason: 'unverifiable request',
    });
  });

  it('answers a non-string body (a caller bug) with an outcome, for every provider', async () => {
    const req = {
      url: 'https://api.test/hooks/x/y',
      method: 'POST',
      headers: new Headers(),
      body: 42 as unknown as string,
    };
    const secrets = [{ authToken: 'x', webhookSecret: 'y', webhookPublicKey: 'z' }];
    for (const verifier of Object.values(receiptVerifiers)) {
      expect(await verifier.verify(req, secrets, testReceiptContext())).toEqual({
        ok: false,
        reason: 'malformed body',
      });
    }
  });
});
