/**
 * The shared shape of inbound provider delivery receipts (the webhooks email/SMS providers post to
 * `POST /hooks/{provider}/{endpointToken}`). One verifier per provider checks the provider's own authenticity
 * scheme and turns its payload into `ReceiptEvent`s; the route matches them to deliveries.
 */
import type { ReceiptEvent } from '../../db/queries/receipts';

// The event is what the database applies, so its shape is declared there; parsers import it from here.
export type { ReceiptEvent, ReceiptType } from '../../db/queries/receipts';

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

/** Checks one provider's authenticity scheme and parses its payload. Total: it never throws. */
export interface ReceiptVerifier<Provider extends string = string> {
  /** The `{provider}` path segment; the registry files each verifier under this same key. */
  provider: Provider;
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
