import { timingSafeEqualStrings } from '../../lib/timing-safe';

/**
 * Email tracking tokens: `<deliveryId>.<part>.<signature>` where part is `o` (the open pixel) or a link's index in
 * the rendered message. The signature is an HMAC-SHA256 (the tenant's subscriber-token secret) truncated to 128
 * bits: short enough for every link, and a forged or altered token fails (→ 404). The URL itself is never in the
 * token: clicks redirect only to links stored with the delivery, so nothing here can become an open redirect.
 */
const TOKEN = /^(dlv_[0-9a-z]{26})\.(o|\d{1,4})\.([A-Za-z0-9_-]{22})$/;

async function hmac(secret: Uint8Array, text: string) {
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...mac.slice(0, 16)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export async function signTrackingToken(secret: Uint8Array, deliveryId: string, part: 'o' | number) {
  return `${deliveryId}.${part}.${await hmac(secret, `${deliveryId}.${part}`)}`;
}

/** The token's parts, before the signature is checked (the delivery names the tenant whose secret checks it). */
export function parseTrackingToken(
  token: string,
): { deliveryId: string; part: 'o' | number; signature: string } | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  return { deliveryId: m[1]!, part: m[2] === 'o' ? 'o' : Number(m[2]), signature: m[3]! };
}

export async function trackingSignatureValid(
  secret: Uint8Array,
  parsed: { deliveryId: string; part: 'o' | number; signature: string },
) {
  return timingSafeEqualStrings(await hmac(secret, `${parsed.deliveryId}.${parsed.part}`), parsed.signature);
}
