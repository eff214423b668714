import { describe, expect, it } from 'vitest';
import { postmarkVerifier } from '../../src/channels/email/postmark/receipts';
import { encodeBase64 } from '../../src/channels/receipts/base64';
import type { ReceiptSecret } from '../../src/channels/receipts/types';
import {
  type HookRequest,
  postmarkRecord,
  postmarkRequest,
  testReceiptContext,
  toReceiptRequest,
} from '../helpers/receipt-signing';

const HOOK = 'https://api.test/hooks/postmark/hk_test';
const SECRET = 'pm-hook-secret-1f2e3d4c5b6a';
const MID = '883953f4-6105-42a2-a16a-77a8eac79483';
const verify = (req: HookRequest, secrets: ReceiptSecret[] = [{ webhookSecret: SECRET }]) =>
  postmarkVerifier.verify(toReceiptRequest(req), secrets, testReceiptContext());
const events = async (record: object) => {
  const outcome = await verify(postmarkRequest(HOOK, record, SECRET));
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.events;
};

describe('Postmark webhook verifier', () => {
  it('Delivery, Open, Click and SpamComplaint', async () => {
    expect(
      await events(
        postmarkRecord('Delivery', MID, {
          DeliveredAt: '2026-01-02T03:04:05.1234567-05:00',
          Details: 'smtp;250 2.0.0 OK',
        }),
      ),
    ).toEqual([
      {
        eventKey: `Delivery:${MID}:2026-01-02T03:04:05.1234567-05:00`,
        providerMessageId: MID,
        type: 'delivered',
        at: '2026-01-02T08:04:05.123Z',
        detail: 'smtp;250 2.0.0 OK',
      },
    ]);
    expect(await events(postmarkRecord('Open', MID, { ReceivedAt: '2026-01-02T04:00:00Z', FirstOpen: true }))).toEqual([
      {
        eventKey: `Open:${MID}:2026-01-02T04:00:00Z`,
        providerMessageId: MID,
        type: 'opened',
        at: '2026-01-02T04:00:00.000Z',
      },
    ]);
    expect(
      await events(
        postmarkRecord('Click', MID, {
          ReceivedAt: '2026-01-02T04:01:00Z',
          OriginalLink: 'https://acme.test/deal',
          ClickLocation: 'HTML',
        }),
      ),
    ).toMatchObject([{ type: 'clicked', url: 'https://acme.test/deal', at: '2026-01-02T04:01:00.000Z' }]);
    expect(
      await events(
        postmarkRecord('SpamComplaint', MID, { ID: 42, Type: 'SpamComplaint', BouncedAt: '2026-01-02T05:00:00Z' }),
      ),
    ).toEqual([
      {
        eventKey: `SpamComplaint:${MID}:42`,
        providerMessageId: MID,
        type: 'complained',
        at: '2026-01-02T05:00:00.000Z',
        detail: 'SpamComplaint',
      },
    ]);
  });

  it('Bounce: hard types suppress, soft types do not, sender-side types fail, non-failures are ignored', async () => {
    // Postmark's IDs are int64: written into the JSON text by hand, as a JS number cannot hold them.
    const bounce = async (Type: string) => {
      const req = postmarkRequest(
        HOOK,
        postmarkRecord('Bounce', MID, {
          ID: 'ID_PLACEHOLDER',
          Type,
          TypeCode: 1,
          Description: 'The server was unable to deliver your message.',
          Details: 'smtp;550 5.1.1 user unknown',
          BouncedAt: '2026-01-02T06:00:00Z',
        }),
        SECRET,
      );
      const outcome = await verify({ ...req, body: req.body.replace('"ID_PLACEHOLDER"', '4323372036854775807') });
      if (!outcome.ok) throw new Error(outcome.reason);
      return outcome.events;
    };
    expect(await bounce('HardBounce')).toEqual([
      {
        eventKey: `Bounce:${MID}:4323372036854775807`,
        providerMessageId: MID,
        type: 'bounced',
        at: '2026-01-02T06:00:00.000Z',
        permanent: true,
        detail: 'HardBounce: smtp;550 5.1.1 user unknown',
      },
    ]);
    for (const type of ['BadEmailAddress', 'ManuallyDeactivated', 'SpamNotification']) {
      expect(await bounce(type)).toMatchObject([{ type: 'bounced', permanent: true }]);
    }
    for (const type of ['SoftBounce', 'Transient', 'DnsError', 'Blocked', 'Unknown', 'SomethingNew']) {
      expect(await bounce(type)).toMatchObject([{ type: 'bounced', permanent: false }]);
    }
    for (const type of ['SMTPApiError', 'TemplateRenderingFailed']) {
      expect(await bounce(type)).toMatchObject([{ type: 'failed' }]);
    }
    for (const type of ['AutoResponder', 'AddressChange', 'Unsubscribe', 'OpenRelayTest', 'ChallengeVerification']) {
      expect(await bounce(type)).toEqual([]);
    }
  });

  it('ignores SubscriptionChange and records without a MessageID', async () => {
    expect(await events(postmarkRecord('SubscriptionChange', MID, { SuppressSending: true }))).toEqual([]);
    expect(await events({ RecordType: 'Delivery', DeliveredAt: '2026-01-02T03:04:05Z' })).toEqual([]);
  });

  it('accepts any configured password; the username is free-form', async () => {
    const req = postmarkRequest(HOOK, postmarkRecord('Open', MID), SECRET, 'any user (no colon, RFC 7617)');
    expect((await verify(req, [{ webhookSecret: 'other-secret' }, { webhookSecret: SECRET }])).ok).toBe(true);
    const unicode = postmarkRequest(HOOK, postmarkRecord('Open', MID), 'pässwörd✓');
    expect((await verify(unicode, [{ webhookSecret: 'pässwörd✓' }])).ok).toBe(true);
  });

  it('rejects a wrong password, missing or malformed credentials, and other auth schemes', async () => {
    const req = postmarkRequest(HOOK, postmarkRecord('Open', MID), SECRET);
    expect(await verify(postmarkRequest(HOOK, postmarkRecord('Open', MID), 'wrong'))).toEqual({
      ok: false,
      reason: 'credentials mismatch',
    });
    expect((await verify(postmarkRequest(HOOK, postmarkRecord('Open', MID), `${SECRET}x`))).ok).toBe(false);
    expect((await verify(postmarkRequest(HOOK, postmarkRecord('Open', MID), ''))).ok).toBe(false);
    for (const authorization of [
      undefined,
      `Bearer ${SECRET}`,
      'Basic',
      'Basic !!!',
      'Basic a',
      `Basic ${encodeBase64(new TextEncoder().encode(SECRET))}`, // no colon: no password
      `Basic ${encodeBase64(Uint8Array.of(0x3a, 0xff, 0xfe))}`, // not UTF-8
    ]) {
      const { authorization: _, ...rest } = req.headers;
      const headers = authorization === undefined ? rest : { ...rest, authorization };
      expect((await verify({ ...req, headers })).ok, String(authorization)).toBe(false);
    }
    // an empty configured secret never matches an empty presented password
    expect((await verify(postmarkRequest(HOOK, postmarkRecord('Open', MID), ''), [{ webhookSecret: '' }])).ok).toBe(
      false,
    );
  });

  it('rejects malformed bodies without throwing', async () => {
    for (const body of ['', 'not json', '[]', 'null', '{"RecordType":5}', '{"RecordType":"Open","MessageID":{}}']) {
      const req = { ...postmarkRequest(HOOK, {}, SECRET), body };
      expect(await verify(req)).toEqual({ ok: false, reason: 'malformed body' });
    }
  });
});
