/**
 * The shared shape of inbound provider delivery receipts (the webhooks email/SMS providers post to
 * `POST /hooks/{provider}/{endpointToken}`). One verifier per provider checks the provider's own authenticity
 * scheme and turns its payload into `ReceiptEvent`s; the route matches them to deliveries.
 */

/** What a receipt says happened to one delivery. */
export type ReceiptType = 'delivered' | 'bounced' | 'complained' | 'opened' | 'clicked' | 'failed';

/** One provider event, normalised; the route matches it to a delivery by `providerMessageId` (or `deliveryId`). */
export interface ReceiptEvent {
  /** Unique per provider event, for idempotency (SNS MessageId, sg_event_id, svix-id, `${MessageSid}:${MessageStatus}`, …). */
  eventKey: string;
  /** The provider's message id as returned at send time (what we stored as deliveries.provider_message_id). */
  providerMessageId: string;
  /** Our delivery id when the provider echoes it (SendGrid custom_args.delivery_id); lets us match without the message id. */
  deliveryId?: string;
  type: ReceiptType;
  /** ISO 8601 time the provider says it happened. */
  at: string;
  /** Human detail: bounce type/sub-type, SMTP diagnostic, Twilio ErrorCode, clicked link … (≤ 500 chars). */
  detail?: string;
  /** For bounced: true when permanent (hard bounce) → the address is suppressed; soft bounces are not. */
  permanent?: boolean;
  /** For clicked: the link. */
  url?: string;
}

/** The inbound HTTP request, as the route read it (the raw body is needed: signatures cover exact bytes). */
export interface ReceiptRequest {
  url: string;
  method: string;
  headers: Headers;
  /** raw body text */
  body: string;
}

/** Accepted (possibly with no events: a kind we do not track) or refused with a short reason safe to echo back. */
export type VerifyOutcome =
  | {
      ok: true;
      events: ReceiptEvent[];
      /** SNS SubscriptionConfirmation: the URL to GET to confirm */
      confirmUrl?: string;
    }
  | { ok: false; reason: string };

/** What a verifier needs from the outside world, injected so tests control time and the network. */
export interface ReceiptContext {
  now: Date;
  /** For SNS: fetch the signing certificate (injected so tests can serve it from a local server). */
  fetch: typeof fetch;
  /** For SNS: whether a SigningCertURL / SubscribeURL may be trusted. Production: https + host `sns.<region>.amazonaws.com`; tests inject a looser check. */
  trustedAwsUrl(url: URL): boolean;
}

/** The `{provider}` path segments that accept receipts. */
export type ReceiptProviderId = 'ses' | 'sendgrid' | 'twilio' | 'postmark' | 'resend';

/** Checks one provider's authenticity scheme and parses its payload. Total: it never throws. */
export interface ReceiptVerifier {
  provider: ReceiptProviderId;
  /**
   * `secrets`: the verification material from each of the tenant's configurations of this provider (a tenant may have several);
   * the request is accepted when any one verifies. Shape per provider below. Empty array → reject with a reason.
   */
  verify(req: ReceiptRequest, secrets: ReceiptSecret[], ctx: ReceiptContext): Promise<VerifyOutcome>;
}

/**
 * Per provider: ses — none (AWS signs; an entry only proves the tenant configured SES); sendgrid — `webhookPublicKey`
 * (base64 DER SPKI, P-256); twilio — `authToken`; postmark — `webhookSecret` (the Basic-auth password in the
 * webhook URL); resend — `webhookSecret` (`whsec_…`).
 */
export type ReceiptSecret = {
  webhookSecret?: string;
  webhookPublicKey?: string;
  authToken?: string;
  /** ses: when set, only these SNS topics are accepted. */
  snsTopicArns?: string[];
};

/**
 * Largest body a verifier will look at. SendGrid flushes its batches at 768 KB and SNS messages are ≤ 256 KB, so
 * 1 Mi characters leaves room; the route should answer 413 before reading more than this.
 */
export const MAX_RECEIPT_BODY_CHARS = 1024 * 1024;

const AWS_SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/**
 * Production trust rule for SNS SigningCertURL / SubscribeURL: only https on an SNS regional endpoint, so a forged
 * message cannot point us at a certificate (or a "confirmation" URL) the sender controls.
 */
export function productionAwsUrlCheck(url: URL): boolean {
  return url.protocol === 'https:' && url.port === '' && AWS_SNS_HOST.test(url.hostname);
}
