import { describe, expect, it } from 'vitest';
import type { ReceiptSecret } from '../../src/channels/receipts/types';
import { twilioSignature, twilioSignedData, twilioVerifier } from '../../src/channels/sms/twilio/receipts';
import {
  type HookRequest,
  signedTwilioRequest,
  testReceiptContext,
  toReceiptRequest,
  twilioStatusParams,
} from '../helpers/receipt-signing';

const HOOK = 'https://api.test/hooks/twilio/hk_test';
const TOKEN = 'f3b1c0ffee0000000000000000000001';
const SID = 'SM0123456789abcdef0123456789abcdef';
const NOW = new Date('2026-03-04T05:06:07.000Z');
const verify = (req: HookRequest, secrets: ReceiptSecret[] = [{ authToken: TOKEN }]) =>
  twilioVerifier.verify(toReceiptRequest(req), secrets, testReceiptContext({ now: NOW }));

describe('Twilio signature scheme', () => {
  it("reproduces Twilio's documented example", async () => {
    const params = new URLSearchParams({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    });
    const data = twilioSignedData('https://mycompany.com/myapp.php?foo=1&bar=2', params);
    expect(await twilioSignature('12345', data)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('sorts names, and repeated names by value (as twilio-node does)', () => {
    const params = new URLSearchParams('b=2&a=1&c=z&c=y&c=z');
    expect(twilioSignedData('https://x.test/h', params)).toBe('https://x.test/ha1b2cycz');
  });
});

describe('Twilio status callback verifier', () => {
  it('delivered → delivered; undelivered/failed → failed with the ErrorCode; other statuses → nothing', async () => {
    expect(await verify(await signedTwilioRequest(HOOK, twilioStatusParams(SID, 'delivered'), TOKEN))).toEqual({
      ok: true,
      events: [{ eventKey: `${SID}:delivered`, providerMessageId: SID, type: 'delivered', at: NOW.toISOString() }],
    });
    expect(
      await verify(
        await signedTwilioRequest(HOOK, twilioStatusParams(SID, 'undelivered', { ErrorCode: '30003' }), TOKEN),
      ),
    ).toEqual({
      ok: true,
      events: [
        {
          eventKey: `${SID}:undelivered`,
          providerMessageId: SID,
          type: 'failed',
          at: NOW.toISOString(),
          detail: 'undelivered: ErrorCode 30003',
        },
      ],
    });
    expect(
      await verify(await signedTwilioRequest(HOOK, twilioStatusParams(SID, 'failed', { ErrorCode: '30008' }), TOKEN)),
    ).toMatchObject({ ok: true, events: [{ type: 'failed', detail: 'failed: ErrorCode 30008' }] });
    for (const status of ['queued', 'accepted', 'sending', 'sent', 'scheduled', 'canceled']) {
      expect(await verify(await signedTwilioRequest(HOOK, twilioStatusParams(SID, status), TOKEN))).toEqual({
        ok: true,
        events: [],
      });
    }
  });

  it('accepts when any of the tenant’s auth tokens verifies', async () => {
    const req = await signedTwilioRequest(HOOK, twilioStatusParams(SID, 'delivered'), TOKEN);
    expect((await verify(req, [{ authToken: 'another-token-entirely-0000' }, { authToken: TOKEN }])).ok).toBe(true);
  });

  it('rejects a wrong token, a forged signature, a tampered body and a different URL', async () => {
    const req = await signedTwilioRequest(HOOK, twilioStatusParams(SID, 'undelivered'), TOKEN);
    const mismatch = { ok: false, reason: 'signature mismatch' };
    expect(await verify(req, [{ authToken: 'wrong-token-000000000000000000' }])).toEqual(mismatch);
    expect(
      await verify({ ...req, headers: { ...req.headers, 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } }),
    ).toEqual(mismatch);
    expect(await verify({ ...req, body: req.body.replace('undelivered', 'delivered') })).toEqual(mismatch);
    expect(await verify({ ...req, body: `${req.body}&Extra=1` })).toEqual(mismatch);
    for (const url of [HOOK.replace('https:', 'http:'), `${HOOK}?x=1`, HOOK.replace('api.test', 'api.test:443x')]) {
      expect(await verify({ ...req, url })).toEqual(mismatch);
    }
  });

  it('rejects missing signatures, non-form bodies and malformed callbacks without throwing', async () => {
    const req = await signedTwilioRequest(HOOK, twilioStatusParams(SID, 'delivered'), TOKEN);
    const { 'x-twilio-signature': _, ...unsigned } = req.headers;
    expect(await verify({ ...req, headers: unsigned })).toEqual({ ok: false, reason: 'missing X-Twilio-Signature' });
    expect((await verify({ ...req, headers: { ...req.headers, 'content-type': 'application/json' } })).ok).toBe(false);
    // correctly signed, but not a status callback
    const noSid = await signedTwilioRequest(HOOK, { MessageStatus: 'delivered' }, TOKEN);
    expect(await verify(noSid)).toEqual({ ok: false, reason: 'malformed body' });
    const weird = await signedTwilioRequest(HOOK, { MessageSid: SID, MessageStatus: 'x'.repeat(1000) }, TOKEN);
    expect((await verify(weird)).ok).toBe(false);
    for (const body of ['%E0%A4%A', '&&&==', '\u0000\uffff']) {
      expect((await verify({ ...req, body })).ok).toBe(false);
    }
    expect((await verify(req, [])).ok).toBe(false);
    expect((await verify(req, [{ webhookSecret: 'x' }])).ok).toBe(false);
  });
});
