import { importX509 } from 'jose';
import { z } from 'zod';
import { decodeBase64 } from '../../receipts/base64';
import { parseJsonBody } from '../../receipts/receipt-fields';
import type { ReceiptContext } from '../../receipts/types';

/**
 * Amazon SNS HTTP(S) delivery: parses the JSON envelope and checks its signature the way AWS documents
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html). Provider-neutral: SES events
 * ride inside `Message`, and so could anything else published to SNS.
 */

const Envelope = z.looseObject({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(256),
  TopicArn: z.string().min(1).max(1024),
  Message: z.string(),
  Timestamp: z.string().min(1).max(64),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1).max(4096),
  SigningCertURL: z.string().min(1).max(2048),
  // SNS omits Subject when the publisher set none; Lambda-style payloads carry null, which means the same.
  Subject: z.string().nullish(),
  SubscribeURL: z.string().max(4096).optional(),
  Token: z.string().max(4096).optional(),
});

export type SnsEnvelope = z.infer<typeof Envelope>;

export type SnsCheck = { ok: true; envelope: SnsEnvelope } | { ok: false; reason: string };

/**
 * The exact bytes AWS signs: `name\nvalue\n` for a fixed, alphabetical list of fields that depends on the type.
 * Subject is part of it only when present (an empty string counts as present).
 */
export function snsStringToSign(env: SnsEnvelope): string | null {
  const fields: [string, string | null | undefined][] =
    env.Type === 'Notification'
      ? [
          ['Message', env.Message],
          ['MessageId', env.MessageId],
          ...(typeof env.Subject === 'string' ? [['Subject', env.Subject] as [string, string]] : []),
          ['Timestamp', env.Timestamp],
          ['TopicArn', env.TopicArn],
          ['Type', env.Type],
        ]
      : [
          ['Message', env.Message],
          ['MessageId', env.MessageId],
          ['SubscribeURL', env.SubscribeURL],
          ['Timestamp', env.Timestamp],
          ['Token', env.Token],
          ['TopicArn', env.TopicArn],
          ['Type', env.Type],
        ];
  if (fields.some(([, value]) => typeof value !== 'string')) return null;
  return fields.map(([name, value]) => `${name}\n${value}\n`).join('');
}

const AWS_SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/**
 * Production trust rule for SNS SigningCertURL / SubscribeURL: only https on an SNS regional endpoint, so a forged
 * message cannot point us at a certificate (or a "confirmation" URL) the sender controls.
 */
export function productionAwsUrlCheck(url: URL): boolean {
  return url.protocol === 'https:' && url.port === '' && AWS_SNS_HOST.test(url.hostname);
}

/** Parses `raw` as a URL and asks the injected trust rule; false for anything unparseable. */
export function isTrustedAwsUrl(raw: string | undefined, ctx: ReceiptContext): raw is string {
  if (!raw) return false;
  try {
    return ctx.trustedAwsUrl(new URL(raw));
  } catch {
    return false;
  }
}

// SPKI of each signing certificate by URL. AWS rotates these rarely, so an isolate keeps what it fetched; the
// bound only protects memory if a trusted host ever served many distinct URLs.
const certCache = new Map<string, ArrayBuffer>();
const MAX_CACHED_CERTS = 32;
const MAX_CERT_CHARS = 64 * 1024;
const CERT_FETCH_TIMEOUT_MS = 5000;

async function signingKeySpki(url: string, ctx: ReceiptContext): Promise<ArrayBuffer | null> {
  const cached = certCache.get(url);
  if (cached) return cached;
  let pem: string;
  try {
    // A redirect could lead off the trusted host, so it is a failure rather than something to follow.
    const res = await ctx.fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(CERT_FETCH_TIMEOUT_MS) });
    if (res.status !== 200 || Number(res.headers.get('content-length') ?? 0) > MAX_CERT_CHARS) return null;
    // Decoded by hand: AWS labels the PEM application/x-x509-ca-cert, which Response.text() warns about.
    pem = new TextDecoder().decode(await res.arrayBuffer()).trim();
  } catch {
    return null;
  }
  if (pem.length > MAX_CERT_CHARS || !pem.startsWith('-----BEGIN CERTIFICATE-----')) return null;
  let spki: ArrayBuffer;
  try {
    // jose parses the X.509 DER for us; extractable so we can re-import the key with the hash each version needs.
    const key = await importX509(pem, 'RS256', { extractable: true });
    spki = (await crypto.subtle.exportKey('spki', key as CryptoKey)) as ArrayBuffer;
  } catch {
    return null;
  }
  if (certCache.size >= MAX_CACHED_CERTS) certCache.delete(certCache.keys().next().value!);
  certCache.set(url, spki);
  return spki;
}

/**
 * Parses and authenticates an SNS envelope. The certificate is fetched only from a URL `ctx.trustedAwsUrl`
 * accepts and ending in `.pem`. Message age is not checked: SNS redelivers with the original MessageId and the
 * route is idempotent on it, so a replay changes nothing.
 */
export async function verifySnsEnvelope(body: string, ctx: ReceiptContext): Promise<SnsCheck> {
  const parsed = Envelope.safeParse(parseJsonBody(body));
  if (!parsed.success) return { ok: false, reason: 'malformed SNS message' };
  const env = parsed.data;

  const toSign = snsStringToSign(env);
  if (toSign === null) return { ok: false, reason: 'malformed SNS message' };
  if (!isTrustedAwsUrl(env.SigningCertURL, ctx) || !new URL(env.SigningCertURL).pathname.endsWith('.pem')) {
    return { ok: false, reason: 'untrusted SigningCertURL' };
  }
  const signature = decodeBase64(env.Signature);
  if (!signature) return { ok: false, reason: 'malformed signature' };

  const spki = await signingKeySpki(env.SigningCertURL, ctx);
  if (!spki) return { ok: false, reason: 'signing certificate unavailable' };

  try {
    const hash = env.SignatureVersion === '1' ? 'SHA-1' : 'SHA-256';
    const key = await crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
    const valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signature, new TextEncoder().encode(toSign));
    return valid ? { ok: true, envelope: env } : { ok: false, reason: 'signature mismatch' };
  } catch {
    return { ok: false, reason: 'signature mismatch' };
  }
}
