import { importPKCS8, SignJWT } from 'jose';

/**
 * OAuth access tokens for a Google service account (FCM HTTP v1): a JWT signed RS256 with the account's key,
 * exchanged at the token endpoint, cached per service account until a minute before it expires. The cache is
 * per isolate; at worst each isolate fetches one token an hour.
 */
const cache = new Map<string, { token: string; expiresAt: number }>();

export interface ServiceAccount {
  client_email: string;
  private_key: string;
  token_uri?: string;
}

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

export async function googleAccessToken(
  account: ServiceAccount,
  tokenUrl: string,
  timeoutMs: number,
): Promise<{ ok: true; token: string } | { ok: false; status: number; message: string }> {
  const cached = cache.get(`${account.client_email}|${tokenUrl}`);
  if (cached && cached.expiresAt > Date.now() + 60_000) return { ok: true, token: cached.token };
  const key = await importPKCS8(account.private_key, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: FCM_SCOPE })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(account.client_email)
    .setAudience(account.token_uri ?? 'https://oauth2.googleapis.com/token')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key);
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    expires_in?: number;
    error_description?: string;
  };
  if (!res.ok || !body.access_token) {
    return {
      ok: false,
      status: res.status,
      message: body.error_description ?? `token endpoint answered ${res.status}`,
    };
  }
  cache.set(`${account.client_email}|${tokenUrl}`, {
    token: body.access_token,
    expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
  });
  return { ok: true, token: body.access_token };
}
