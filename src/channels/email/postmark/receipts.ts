import { z } from 'zod';
import { timingSafeEqualStrings } from '../../../lib/timing-safe';
import { compact, detailOf, isoTime, precheck } from '../../receipts/receipt-fields';
import type { ReceiptEvent, ReceiptVerifier, VerifyOutcome } from '../../receipts/types';

/**
 * Postmark webhooks are not signed; Postmark's documented protection is HTTP Basic auth credentials embedded in
 * the webhook URL (https://user:pass@…), which it sends as `Authorization: Basic …`. The password must equal the
 * configuration's `webhookSecret`; the username is free-form and ignored.
 */

/**
 * Postmark bounce `Type`s, sorted by what they mean for the address
 * (https://postmarkapp.com/developer/api/bounce-api#bounce-types):
 * - permanent: the mailbox does not exist or the recipient must not be mailed again — Postmark deactivates these
 *   addresses too, so we suppress;
 * - failed: our side (sender signature, API, template) — the address is fine;
 * - ignored: not a delivery failure at all (auto-replies, address-change notices, list requests, tests);
 * - everything else (SoftBounce, Transient, DnsError, Blocked, VirusNotification, DMARCPolicy, Unknown, and any
 *   type Postmark adds later) is a soft bounce: reported, not suppressed.
 */
const PERMANENT_BOUNCES = new Set([
  'HardBounce',
  'BadEmailAddress',
  'ManuallyDeactivated',
  'SpamNotification',
  'SpamComplaint',
]);
const OUR_FAILURES = new Set(['SMTPApiError', 'TemplateRenderingFailed', 'Unconfirmed']);
const NOT_FAILURES = new Set([
  'AutoResponder',
  'AddressChange',
  'Subscribe',
  'Unsubscribe',
  'OpenRelayTest',
  'ChallengeVerification',
  'InboundError',
]);

const stamp = z.string().max(64).optional();
const text = z.string().max(10_000).optional();

const PostmarkRecord = z.looseObject({
  RecordType: z.string().max(64),
  MessageID: z.string().max(256).optional(),
  ID: z.union([z.number(), z.string().max(64)]).optional(),
  Type: text,
  Description: text,
  Details: text,
  DeliveredAt: stamp,
  BouncedAt: stamp,
  ReceivedAt: stamp,
  OriginalLink: z.string().max(8192).optional(),
});
type PostmarkRecord = z.infer<typeof PostmarkRecord>;

function toEvent(r: PostmarkRecord, now: Date): ReceiptEvent | null {
  if (!r.MessageID) return null;
  const base = {
    eventKey: `${r.RecordType}:${r.MessageID}:${r.ID ?? r.ReceivedAt ?? r.DeliveredAt ?? r.BouncedAt}`,
    providerMessageId: r.MessageID,
  };
  switch (r.RecordType) {
    case 'Delivery':
      return { ...base, type: 'delivered', at: isoTime(r.DeliveredAt, now), detail: detailOf(r.Details) };
    case 'Bounce': {
      const kind = r.Type ?? 'Unknown';
      if (NOT_FAILURES.has(kind)) return null;
      const detail = detailOf(kind, r.Details || r.Description);
      const at = isoTime(r.BouncedAt, now);
      if (OUR_FAILURES.has(kind)) return { ...base, type: 'failed', at, detail };
      return { ...base, type: 'bounced', at, permanent: PERMANENT_BOUNCES.has(kind), detail };
    }
    case 'SpamComplaint':
      return { ...base, type: 'complained', at: isoTime(r.BouncedAt, now), detail: detailOf(r.Type) };
    case 'Open':
      return { ...base, type: 'opened', at: isoTime(r.ReceivedAt, now) };
    case 'Click':
      return {
        ...base,
        type: 'clicked',
        at: isoTime(r.ReceivedAt, now),
        ...(r.OriginalLink ? { url: r.OriginalLink, detail: detailOf(r.OriginalLink) } : {}),
      };
    default:
      return null; // SubscriptionChange and anything newer
  }
}

/**
 * Postmark's bounce IDs are 64-bit integers, past what a JSON number keeps exactly; the digits are kept as text
 * (JSON.parse source access) so two bounces never share an event key. Runtimes without it fall back to the number.
 */
function parsePostmarkBody(body: string): unknown {
  try {
    return JSON.parse(body, (key, value, context?: { source?: string }) =>
      key === 'ID' && typeof value === 'number' && typeof context?.source === 'string' ? context.source : value,
    );
  } catch {
    return undefined;
  }
}

/** The password of a Basic `Authorization` header, or null when there is none or it does not decode. */
function basicPassword(header: string | null): string | null {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match) return null;
  try {
    const bytes = Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0));
    const decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    const colon = decoded.indexOf(':');
    return colon === -1 ? null : decoded.slice(colon + 1);
  } catch {
    return null;
  }
}

export const postmarkVerifier: ReceiptVerifier<'postmark'> = {
  provider: 'postmark',
  async verify(req, secrets, ctx): Promise<VerifyOutcome> {
    const passwords = secrets.flatMap((s) => (s.webhookSecret ? [s.webhookSecret] : []));
    const refused = precheck(req.body, passwords.length);
    if (refused) return refused;

    const presented = basicPassword(req.headers.get('authorization'));
    if (presented === null) return { ok: false, reason: 'missing Basic credentials' };
    let verified = false;
    for (const password of passwords) {
      if (await timingSafeEqualStrings(password, presented)) {
        verified = true;
        break;
      }
    }
    if (!verified) return { ok: false, reason: 'credentials mismatch' };

    const parsed = PostmarkRecord.safeParse(parsePostmarkBody(req.body));
    if (!parsed.success) return { ok: false, reason: 'malformed body' };
    const event = toEvent(parsed.data, ctx.now);
    return { ok: true, events: event ? [compact(event)] : [] };
  },
};
