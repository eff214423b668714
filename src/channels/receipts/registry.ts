import { postmarkVerifier } from '../email/postmark/receipts';
import { resendVerifier } from '../email/resend/receipts';
import { sendgridVerifier } from '../email/sendgrid/receipts';
import { sesVerifier } from '../email/ses/receipts';
import { twilioVerifier } from '../sms/twilio/receipts';
import type { ReceiptVerifier } from './types';

/**
 * Each verifier already answers every input with an outcome; this is the backstop that keeps a bug in one from
 * turning a provider's request into a 500 (and a retry storm).
 */
function total<P extends string>(verifier: ReceiptVerifier<P>): ReceiptVerifier<P> {
  return {
    provider: verifier.provider,
    async verify(req, secrets, ctx) {
      try {
        return await verifier.verify(req, secrets, ctx);
      } catch {
        return { ok: false, reason: 'unverifiable request' };
      }
    },
  };
}

/** Accepts a table only when every verifier is filed under its own `provider` id. */
const byProvider = <T extends { [P in keyof T]: ReceiptVerifier<P & string> }>(table: T): Readonly<T> => table;

/**
 * Every provider that posts delivery receipts to `POST /hooks/{provider}/{endpointToken}`, by its path segment.
 * The one list of receipt providers: the id type, the route's enum and each tenant's URL map derive from it, in
 * this order.
 */
export const receiptVerifiers = byProvider({
  ses: total(sesVerifier),
  sendgrid: total(sendgridVerifier),
  twilio: total(twilioVerifier),
  postmark: total(postmarkVerifier),
  resend: total(resendVerifier),
});

/** The `{provider}` path segments that accept receipts. */
export type ReceiptProviderId = keyof typeof receiptVerifiers;

/** The receipt provider ids as a non-empty tuple, the shape `z.enum` takes. */
export const RECEIPT_PROVIDER_IDS = Object.keys(receiptVerifiers) as [ReceiptProviderId, ...ReceiptProviderId[]];

/** The verifier for a `{provider}` path segment; undefined for anything else (the route answers 404). */
export function receiptVerifierFor(provider: string): ReceiptVerifier | undefined {
  return Object.hasOwn(receiptVerifiers, provider) ? receiptVerifiers[provider as ReceiptProviderId] : undefined;
}
