import type { Context } from 'hono';
import { hasScope } from '../../../domain/api-keys/scopes';
import { issueDashboardSession, SESSION_TTL_SECONDS, sessionCookie } from '../../../domain/dashboard/session';
import { ApiError } from '../../../errors';
import type { App, AppEnv } from '../../context';
import { activeApiKey } from '../../middleware/auth';
import { enforceRateLimit } from '../../middleware/rate-limit';
import { readCappedBody } from '../../read-capped-body';
import { sessionBody } from './session-body';
import { FORM_TYPE, refuseOtherOrigins, secureCookies } from './session-request';

// An API key is 57 characters; a sign-in body has no reason to be larger than this.
const MAX_SIGN_IN_BYTES = 4096;
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** `{ apiKey }` as JSON or as an HTML form (the sign-in form works without script, too). */
async function readSignIn(c: Context<AppEnv>): Promise<{ apiKey: string; form: boolean }> {
  const raw = await readCappedBody(c, MAX_SIGN_IN_BYTES);
  const text = new TextDecoder().decode(raw);
  const type = c.req.header('content-type') ?? '';
  let value: unknown;
  const form = FORM_TYPE.test(type);
  if (form) {
    value = new URLSearchParams(text).get('apiKey') ?? undefined;
  } else if (JSON_TYPE.test(type)) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ApiError('invalid_json', `Request body is not valid JSON: ${(err as Error).message}`);
    }
    value = body && typeof body === 'object' ? (body as Record<string, unknown>).apiKey : undefined;
  } else {
    throw new ApiError(
      'unsupported_media_type',
      `Content-Type must be application/json or application/x-www-form-urlencoded (got '${type || 'none'}')`,
    );
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ApiError('validation_failed', 'Request validation failed', [
      { path: 'body.apiKey', message: 'an API key is required' },
    ]);
  }
  return { apiKey: value.trim(), form };
}

/** `POST /dashboard/session` exchanges an API key for the `nk_session` cookie (8 h). */
export function registerSignIn(app: App) {
  app.post('/dashboard/session', async (c) => {
    refuseOtherOrigins(c);
    const { apiKey, form } = await readSignIn(c);
    const key = await activeApiKey(c.var.db, apiKey);
    // The same bucket as the key's API calls: signing in is one more request made with the key.
    const perSecond = key.tenantRateLimitPerSecond ?? c.var.config.API_RATE_LIMIT_PER_SECOND;
    await enforceRateLimit(c, `key:${key.id}`, { capacity: perSecond, refillPerSecond: perSecond });
    // Every part of the dashboard reads; a key that cannot would sign in to a page of errors.
    if (!hasScope(key.scopes, 'read')) {
      throw new ApiError('insufficient_scope', "The dashboard needs a key with the 'read' (or 'admin') scope");
    }
    const session = await issueDashboardSession(c.var.db, c.var.config, { tenantId: key.tenantId, keyId: key.id });
    c.header(
      'Set-Cookie',
      sessionCookie(session.token, { secure: secureCookies(c), maxAgeSeconds: SESSION_TTL_SECONDS }),
    );
    c.header('Cache-Control', 'no-store');
    c.var.log.info('dashboard sign-in', { tenantId: key.tenantId, keyId: key.id });
    if (form) return c.redirect('/dashboard', 303);
    const who = await sessionBody(c.var.db, {
      tenantId: key.tenantId,
      keyId: key.id,
      mode: key.mode,
      scopes: key.scopes,
    });
    return c.json({ ...who, expiresAt: session.expiresAt.toISOString() }, 200);
  });
}
