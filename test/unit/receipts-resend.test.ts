import { describe, expect, it } from 'vitest';
import { resendVerifier } from '../../src/channels/email/resend/receipts';
import type { ReceiptSecret } from '../../src/channels/receipts/types';
import {
  type HookRequest,
  resendEvent,
  resendTestSecret,
  signedResendRequest,
  testReceiptContext,
  toReceiptRequest,
} from '../helpers/receipt-signing';

const HOOK = 'https://api.test/hooks/resend/hk_test';
const SECRET = resendTestSecret();
const EMAIL = '4ef9a417-02e9-4d39-ad75-9611e0fcc33c';
const verify = (req: HookRequest, secrets: ReceiptSecret[] = [{ webhookSecret: SECRET }], now = new Date()) =>
  resendVerifier.verify(toReceiptRequest(req), secrets, testReceiptContext({ now }));
const events = async (payload: object) => {
  const outcome = await verify(signedResendRequest(HOOK, payload, SECRET, { id: 'msg_1' }));
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.events;
};

describe('Resend (Svix) webhook verifier', () => {
  it('maps the email.* events; the svix-id is the event key', async () => {
    const at = '2026-01-02T03:04:05.126Z';
    expect(await events(resendEvent('email.delivered', EMAIL))).toEqual([
      { eventKey: 'msg_1', providerMessageId: EMAIL, type: 'delivered', at },
    ]);
    expect(
      await events(
        resendEvent('email.bounced', EMAIL, {
          bounce: { message: 'The recipient’s mailbox does not exist.', subType: 'General', type: 'Permanent' },
        }),
      ),
    ).toEqual([
      {
        eventKey: 'msg_1',
        providerMessageId: EMAIL,
        type: 'bounced',
        at,
        permanent: true,
        detail: 'Permanent/General: The recipient’s mailbox does not exist.',
      },
    ]);
    expect(await events(resendEvent('email.bounced', EMAIL))).toMatchObject([{ type: 'bounced', permanent: true }]);
    expect(
      await events(resendEvent('email.bounced', EMAIL, { bounce: { type: 'Transient', subType: 'MailboxFull' } })),
    ).toMatchObject([{ type: 'bounced', permanent: false, detail: 'Transient/MailboxFull' }]);
    expect(await events(resendEvent('email.complained', EMAIL))).toMatchObject([{ type: 'complained' }]);
    expect(await events(resendEvent('email.opened', EMAIL))).toMatchObject([{ type: 'opened' }]);
    expect(
      await events(
        resendEvent('email.clicked', EMAIL, {
          click: { ipAddress: '192.0.2.1', link: 'https://acme.test/deal', timestamp: at, userAgent: 'Mozilla' },
        }),
      ),
    ).toMatchObject([{ type: 'clicked', url: 'https://acme.test/deal' }]);
    expect(
      await events(resendEvent('email.failed', EMAIL, { failed: { reason: 'reached_daily_quota' } })),
    ).toMatchObject([{ type: 'failed', detail: 'reached_daily_quota' }]);
    for (const type of ['email.sent', 'email.delivery_delayed', 'email.scheduled', 'contact.created']) {
      expect(await events(resendEvent(type, EMAIL))).toEqual([]);
    }
    expect(await events(resendEvent('email.delivered', '', {}))).toEqual([]);
  });

  it('accepts when any of the tenant’s secrets verifies, and a rotated signature list', async () => {
    const req = signedResendRequest(HOOK, resendEvent('email.opened', EMAIL), SECRET);
    expect((await verify(req, [{ webhookSecret: resendTestSecret() }, { webhookSecret: SECRET }])).ok).toBe(true);
    const both = { ...req, headers: { ...req.headers, 'svix-signature': `v1,AAAA ${req.headers['svix-signature']}` } };
    expect((await verify(both)).ok).toBe(true);
  });

  it('rejects a wrong secret, a forged signature and a body changed after signing', async () => {
    const req = signedResendRequest(HOOK, resendEvent('email.delivered', EMAIL), SECRET);
    const mismatch = { ok: false, reason: 'signature mismatch' };
    expect(await verify(req, [{ webhookSecret: resendTestSecret() }])).toEqual(mismatch);
    expect(await verify(signedResendRequest(HOOK, resendEvent('email.delivered', EMAIL), resendTestSecret()))).toEqual(
      mismatch,
    );
    expect(await verify({ ...req, body: req.body.replace('delivered', 'bounced') })).toEqual(mismatch);
    expect(await verify({ ...req, headers: { ...req.headers, 'svix-id': 'msg_other' } })).toEqual(mismatch);
    expect(await verify({ ...req, headers: { ...req.headers, 'svix-signature': 'v2,abc' } })).toEqual(mismatch);
  });

  it('rejects stale and future timestamps', async () => {
    for (const offset of [-301_000, 301_000]) {
      const req = signedResendRequest(HOOK, resendEvent('email.opened', EMAIL), SECRET, {
        timestamp: new Date(Date.now() + offset),
      });
      expect(await verify(req)).toEqual({ ok: false, reason: 'timestamp outside tolerance' });
    }
  });

  it('rejects missing headers, unusable secrets and malformed bodies without throwing', async () => {
    const req = signedResendRequest(HOOK, resendEvent('email.opened', EMAIL), SECRET);
    for (const name of ['svix-id', 'svix-timestamp', 'svix-signature']) {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== name));
      expect(await verify({ ...req, headers })).toEqual({ ok: false, reason: 'missing signature headers' });
    }
    expect((await verify({ ...req, headers: { ...req.headers, 'svix-timestamp': 'soon' } })).ok).toBe(false);
    expect(await verify(req, [{ webhookSecret: 'whsec_!!!not-base64' }, { webhookSecret: 'whsec_' }])).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
    expect((await verify(req, [])).ok).toBe(false);
    expect((await verify(req, [{ authToken: SECRET }])).ok).toBe(false);
    for (const body of ['', 'not json', '[]', '{"type":"email.opened"}', '{"type":1,"data":{}}']) {
      expect(await verify(signedResendRequest(HOOK, body, SECRET)), body).toEqual({
        ok: false,
        reason: 'malformed body',
      });
    }
  });
});
