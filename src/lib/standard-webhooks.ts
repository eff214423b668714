import { Webhook } from 'standardwebhooks';
import { z } from 'zod';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): `v1,<base64 HMAC-SHA256 of "{id}.{ts}.{body}">`,
 * one per active secret, space-separated during a rotation. The `standardwebhooks` library signs, so our
 * signatures are exactly what its verifiers (and Svix's) accept. Shared by our event webhooks and the `webhook`
 * channel, so a receiver verifies both the same way.
 */
export function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(secrets: string[], messageId: string, at: Date, body: string): SignedHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(' '),
  };
}

/** How long the previous secret keeps signing after a rotation, so receivers can switch without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** A signing secret with its predecessor during a rotation's overlap. Stored sealed, never in clear. */
export const SigningSecretsSchema = z.object({
  current: z.string(),
  previous: z.string().optional(),
  previousUntil: z.string().optional(),
});
export type SigningSecrets = z.infer<typeof SigningSecretsSchema>;

/** The secrets that sign right now: the current one, and the previous one during its overlap. */
export function activeSecrets(secrets: SigningSecrets, now: Date): string[] {
  const previousActive = secrets.previous && secrets.previousUntil && Date.parse(secrets.previousUntil) > now.getTime();
  return previousActive ? [secrets.current, secrets.previous!] : [secrets.current];
}

export function rotated(secrets: SigningSecrets, next: string, now: Date): SigningSecrets {
  return {
    current: next,
    previous: secrets.current,
    previousUntil: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
  };
}
