import { importPKCS8, SignJWT } from 'jose';
import { z } from 'zod';
import { classifyBy } from '../error-table';
import { parseJson, providerFetch } from '../http-call';
import type { Provider } from '../types';
import { apnsErrors } from './apns-errors';
import { pushToken, stringData } from './push-payload';

const Credentials = z
  .object({
    teamId: z.string().regex(/^[A-Z0-9]{10}$/),
    keyId: z.string().regex(/^[A-Z0-9]{10}$/),
    /** The .p8 signing key (PKCS#8 PEM). */
    privateKey: z.string().includes('PRIVATE KEY'),
    bundleId: z.string().min(1).max(255),
    production: z.boolean().default(true),
  })
  .strict();

/** Apple asks for provider tokens to be refreshed at most every 20 minutes and reused up to an hour. */
const tokens = new Map<string, { jwt: string; issuedAt: number }>();

async function providerToken(creds: z.infer<typeof Credentials>) {
  const key = `${creds.teamId}.${creds.keyId}`;
  const cached = tokens.get(key);
  if (cached && Date.now() - cached.issuedAt < 50 * 60_000) return cached.jwt;
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: creds.keyId })
    .setIssuer(creds.teamId)
    .setIssuedAt()
    .sign(await importPKCS8(creds.privateKey, 'ES256'));
  tokens.set(key, { jwt, issuedAt: Date.now() });
  return jwt;
}

/**
 * Apple Push Notification service, token-based auth: POST /3/device/{token} with an ES256 provider JWT.
 * APNs only speaks HTTP/2; see README "Push and HTTP/2" for how this is met on Workers.
 */
export const apnsProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'apns',
  channel: 'push',
  credentials: Credentials,
  errors: apnsErrors,
  accepts: (address) => address.startsWith('apns:'),
  async send(message, creds, ctx) {
    const host = creds.production ? 'https://api.push.apple.com' : 'https://api.sandbox.push.apple.com';
    // Apple reserves the top-level `aps` key for its own dictionary: a data key of that name is dropped, never
    // allowed to replace the alert (it reaches FCM devices unchanged, where the name means nothing).
    const { aps: _reserved, ...data } = stringData(message);
    const payload = {
      ...data,
      notifykit_delivery_id: message.deliveryId,
      aps: {
        alert: {
          title: message.content.title ?? message.content.subject ?? '',
          body: message.content.body ?? message.content.text ?? '',
        },
        sound: 'default',
      },
    };
    return providerFetch(
      `${ctx.baseUrl(host)}/3/device/${encodeURIComponent(pushToken(message.address))}`,
      {
        method: 'POST',
        headers: {
          authorization: `bearer ${await providerToken(creds)}`,
          'apns-topic': creds.bundleId,
          'apns-push-type': 'alert',
          'apns-priority': '10',
          'apns-id': crypto.randomUUID(),
          'content-type': 'application/json',
        },
        body: JSON.stringify(payload),
      },
      ctx.timeoutMs,
      {
        ok: (res) => ({ ok: true, providerMessageId: res.headers.get('apns-id') ?? '', responseCode: res.status }),
        refine: (error, body) => {
          const reason = String(parseJson(body)?.reason ?? '');
          return classifyBy(apnsErrors, { ...error, code: reason ? `apns_${reason}` : error.code }, reason);
        },
      },
    );
  },
};
