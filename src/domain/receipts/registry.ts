import { postmarkVerifier } from './postmark';
import { resendVerifier } from './resend';
import { sendgridVerifier } from './sendgrid';
import { sesVerifier } from './ses-sns';
import { twilioVerifier } from './twilio';
import type { ReceiptProviderId, ReceiptVerifier } from './types';

/**
 * Each verifier already answers every input with an outcome; this is the backstop that keeps a bug in one from
 * turning a provider's request into a 500 (and a retry storm).
 */
function total(verifier: ReceiptVerifier): ReceiptVerifier {
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

/** Every provider that posts delivery receipts to `POST /hooks/{provider}/{endpointToken}`, by its path segment. */
export const receiptVerifiers: Readonly<Record<ReceiptProviderId, ReceiptVerifier>> = {
  ses: total(sesVerifier),
  sendgrid: total(sendgridVerifier),
  twilio: total(twilioVerifier),
  postmark: total(postmarkVerifier),
  resend: total(resendVerifier),
};

/** The verifier for a `{provider}` path segment; undefined for anything else (the route answers 404). */
export function receiptVerifierFor(provider: string): ReceiptVerifier | undefined {
  return Object.hasOwn(receiptVerifiers, provider) ? receiptVerifiers[provider as ReceiptProviderId] : undefined;
}
