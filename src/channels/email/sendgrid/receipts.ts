import { z } from 'zod';
import { decodeBase64 } from '../../receipts/base64';
import { derToP1363 } from '../../receipts/der';
import { compact, detailOf, isoTime, parseJsonBody, precheck } from '../../receipts/receipt-fields';
import type { ReceiptEvent, ReceiptVerifier, VerifyOutcome } from '../../receipts/types';

/**
 * SendGrid Signed Event Webhook: ECDSA P-256 / SHA-256 over `timestamp + raw body`, signature in
 * `X-Twilio-Email-Event-Webhook-Signature` (base64 DER), timestamp in `X-Twilio-Email-Event-Webhook-Timestamp`
 * (unix seconds). The verification key is the base64 DER SubjectPublicKeyInfo SendGrid shows in Mail Settings.
 */

const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';
/** SendGrid documents no window; 5 minutes is the common replay bound (Stripe, Standard Webhooks). */
const TOLERANCE_SECONDS = 5 * 60;

const text = z.string().max(10_000).optional();

const SendgridEvent = z.looseObject({
  event: z.string().max(64),
  sg_event_id: z.string().min(1).max(256),
  sg_message_id: z.string().max(512).optional(),
  timestamp: z.number().optional(),
  // custom_args are flattened into each event by SendGrid; we send delivery_id and notification_id
  delivery_id: z.string().max(256).optional(),
  type: text, // bounce: "bounce" | "blocked"
  reason: text,
  status: text,
  response: text, // delivered: the receiving server's reply
  url: z.string().max(8192).optional(),
});
type SendgridEvent = z.infer<typeof SendgridEvent>;

const encoder = new TextEncoder();

/** Strips PEM armour and whitespace, so a key pasted either way works; null when it is not base64. */
function spkiBytes(publicKey: string): Uint8Array | null {
  return decodeBase64(publicKey.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, ''));
}

/**
 * True when `signatureB64` is SendGrid's signature of `timestamp + body` under `publicKeyB64`. Never throws.
 * Exported so the official SDK test vector can pin the byte-level scheme.
 */
export async function verifySendgridSignature(
  publicKeyB64: string,
  timestamp: string,
  body: string,
  signatureB64: string,
): Promise<boolean> {
  const der = decodeBase64(signatureB64);
  const raw = der && derToP1363(der);
  const spki = spkiBytes(publicKeyB64);
  if (!raw || !spki) return false;
  try {
    const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw, encoder.encode(timestamp + body));
  } catch {
    return false; // not a P-256 SPKI
  }
}

/** Maps one SendGrid event; null for kinds we do not track (processed, deferred, unsubscribe, group_*, …). */
function toEvent(e: SendgridEvent, now: Date): ReceiptEvent | null {
  // sg_message_id is the X-Message-Id returned at send time plus ".filter…" routing suffixes.
  const providerMessageId = e.sg_message_id?.split('.')[0] ?? '';
  if (!providerMessageId) return null;
  const base = { eventKey: e.sg_event_id, providerMessageId, deliveryId: e.delivery_id, at: isoTime(e.timestamp, now) };
  switch (e.event) {
    case 'delivered':
      return { ...base, type: 'delivered', detail: detailOf(e.response) };
    case 'bounce':
      // "bounce" is the recipient server refusing for good; "blocked" is a block of the sender/IP, worth retrying.
      return {
        ...base,
        type: 'bounced',
        permanent: e.type !== 'blocked',
        detail: detailOf(e.type, e.status, e.reason),
      };
    case 'dropped':
      return { ...base, type: 'failed', detail: detailOf('dropped', e.reason) };
    case 'spamreport':
      return { ...base, type: 'complained' };
    case 'open':
      return { ...base, type: 'opened' };
    case 'click':
      return { ...base, type: 'clicked', ...(e.url ? { url: e.url, detail: detailOf(e.url) } : {}) };
    default:
      return null;
  }
}

export const sendgridVerifier: ReceiptVerifier<'sendgrid'> = {
  provider: 'sendgrid',
  async verify(req, secrets, ctx): Promise<VerifyOutcome> {
    const keys = secrets.flatMap((s) => (s.webhookPublicKey ? [s.webhookPublicKey] : []));
    const refused = precheck(req.body, keys.length);
    if (refused) return refused;

    const signature = req.headers.get(SIGNATURE_HEADER);
    const timestamp = req.headers.get(TIMESTAMP_HEADER);
    if (!signature || !timestamp) return { ok: false, reason: 'missing signature headers' };
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
    if (Math.abs(ctx.now.getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
      return { ok: false, reason: 'timestamp outside tolerance' };
    }

    let verified = false;
    for (const key of keys) {
      if (await verifySendgridSignature(key, timestamp, req.body, signature)) {
        verified = true;
        break;
      }
    }
    if (!verified) return { ok: false, reason: 'signature mismatch' };

    const batch = z.array(z.unknown()).safeParse(parseJsonBody(req.body));
    if (!batch.success) return { ok: false, reason: 'malformed body' };
    // One odd event must not make SendGrid retry the whole (authentic) batch, so shapes are judged per event.
    const events = batch.data.flatMap((item) => {
      const parsed = SendgridEvent.safeParse(item);
      const event = parsed.success ? toEvent(parsed.data, ctx.now) : null;
      return event ? [compact(event)] : [];
    });
    return { ok: true, events };
  },
};
