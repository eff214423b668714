import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { compact, detailOf, isoTime, parseJsonBody, precheck } from '../../receipts/receipt-fields';
import type { ReceiptEvent, ReceiptVerifier, VerifyOutcome } from '../../receipts/types';

/**
 * Resend webhooks are delivered by Svix: `svix-id`, `svix-timestamp`, `svix-signature` (`v1,<b64>` …) with a
 * `whsec_…` secret — the Standard Webhooks scheme under other header names, so the `standardwebhooks` package
 * verifies them (HMAC-SHA256 over `id.timestamp.body`, constant-time compare, 5-minute window).
 */

/** Same window the library applies; we check it against `ctx.now` too so an injected clock is honoured. */
const TOLERANCE_SECONDS = 5 * 60;

const ResendEvent = z.looseObject({
  type: z.string().max(64),
  created_at: z.string().max(64).optional(),
  data: z.looseObject({
    email_id: z.string().max(256).optional(),
    bounce: z
      .looseObject({
        type: z.string().max(64).optional(), // Permanent | Transient | Undetermined
        subType: z.string().max(256).optional(),
        message: z.string().max(10_000).optional(),
      })
      .optional(),
    click: z.looseObject({ link: z.string().max(8192).optional() }).optional(),
    failed: z.looseObject({ reason: z.string().max(1000).optional() }).optional(),
  }),
});
type ResendEvent = z.infer<typeof ResendEvent>;

function toEvent(e: ResendEvent, eventKey: string, now: Date): ReceiptEvent | null {
  const providerMessageId = e.data.email_id;
  if (!providerMessageId) return null;
  const base = { eventKey, providerMessageId, at: isoTime(e.created_at, now) };
  switch (e.type) {
    case 'email.delivered':
      return { ...base, type: 'delivered' };
    case 'email.bounced': {
      const b = e.data.bounce;
      // Resend sends email.bounced for permanent rejections; an absent type is read as the documented default.
      return {
        ...base,
        type: 'bounced',
        permanent: b?.type === undefined || b.type === 'Permanent',
        detail: detailOf([b?.type, b?.subType].filter(Boolean).join('/'), b?.message),
      };
    }
    case 'email.complained':
      return { ...base, type: 'complained' };
    case 'email.opened':
      return { ...base, type: 'opened' };
    case 'email.clicked': {
      const link = e.data.click?.link;
      return { ...base, type: 'clicked', ...(link ? { url: link, detail: detailOf(link) } : {}) };
    }
    case 'email.failed':
      return { ...base, type: 'failed', detail: detailOf(e.data.failed?.reason) };
    default:
      return null; // email.sent, email.delivery_delayed, email.scheduled, contact.*, domain.*, …
  }
}

/** True when any secret verifies; a secret that is not valid `whsec_` base64 simply does not match. */
function verifiedByAny(secrets: string[], body: string, headers: Record<string, string>): boolean {
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(body, headers, { jsonParse: false });
      return true;
    } catch {
      // wrong secret, bad signature, stale timestamp, or an unusable secret: try the next one
    }
  }
  return false;
}

export const resendVerifier: ReceiptVerifier<'resend'> = {
  provider: 'resend',
  async verify(req, secrets, ctx): Promise<VerifyOutcome> {
    const keys = secrets.flatMap((s) => (s.webhookSecret ? [s.webhookSecret] : []));
    const refused = precheck(req.body, keys.length);
    if (refused) return refused;

    const id = req.headers.get('svix-id');
    const timestamp = req.headers.get('svix-timestamp');
    const signature = req.headers.get('svix-signature');
    if (!id || !timestamp || !signature) return { ok: false, reason: 'missing signature headers' };
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
    if (Math.abs(ctx.now.getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
      return { ok: false, reason: 'timestamp outside tolerance' };
    }

    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
    if (!verifiedByAny(keys, req.body, headers)) return { ok: false, reason: 'signature mismatch' };

    const parsed = ResendEvent.safeParse(parseJsonBody(req.body));
    if (!parsed.success) return { ok: false, reason: 'malformed body' };
    const event = toEvent(parsed.data, id, ctx.now);
    return { ok: true, events: event ? [compact(event)] : [] };
  },
};
