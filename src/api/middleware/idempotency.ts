import type { Context, MiddlewareHandler, Next } from 'hono';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  getIdempotencyRecord,
  releaseIdempotencyKey,
} from '../../db/queries/idempotency';
import { ApiError } from '../../errors';
import { cipherKeysOf, decryptCredentials, encryptCredentials } from '../../lib/credentials-cipher';
import type { AppEnv } from '../context';

const MAX_KEY_LENGTH = 255;
/** What an HTTP header can carry without ambiguity; it also keeps the scope separator below out of clients' reach. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
/** Between a subscriber's id and their key in the stored key: a control character no valid key can contain. */
const SCOPE_SEPARATOR = '\u001f';

/**
 * Whose keys a request's key belongs to. A tenant's API keys (and its dashboard session) share one namespace; each
 * subscriber, calling with a subscriber token, has their own inside the tenant's, so one browser's key can neither
 * replay nor block another subscriber's (or the tenant's) request.
 */
export interface IdempotencyScope {
  tenantId: string;
  subscriberId?: string;
}

/**
 * Shapes of the secrets our responses show once: API keys, webhook signing secrets, subscriber tokens (JWT) and
 * receipt URLs (their last segment is the tenant's hooks token). A response that carries one is stored sealed
 * (AES-GCM under CREDENTIALS_KEYS, bound to the tenant), never in clear: the database must not become a 24-hour
 * copy of secrets it otherwise keeps only as hashes or ciphertext. Everything else stays readable, so a GDPR
 * erasure can find and drop stored responses that name the person (src/db/queries/gdpr.ts). `Cache-Control:
 * no-store` is no signal here: the whole API sends it.
 */
const SECRET_SHAPES = [
  /\bnk_(?:live|test)_[0-9A-Za-z]{40,}/,
  /\bwhsec_[A-Za-z0-9+/=]{16,}/,
  /\beyJ[\w-]*\.[\w-]+\.[\w-]+/,
  /\/hooks\/[\w-]+\/[\w-]{16,}/,
];
const SEALED = 'sealed:';

/** Outcomes worth replaying. 409/429/5xx are transient: the client should be able to try the same key again. */
const isFinal = (status: number) => status < 500 && status !== 409 && status !== 429;
/** Statuses whose response has no body (a Response with one would be refused). */
const NULL_BODY = new Set([204, 205, 304]);

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The request's Idempotency-Key, checked (1–255 printable ASCII characters); undefined when it has none. */
function keyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !PRINTABLE_ASCII.test(key)) {
    throw new ApiError('validation_failed', 'Invalid Idempotency-Key header', [
      { path: 'header.Idempotency-Key', message: `must be 1–${MAX_KEY_LENGTH} printable ASCII characters` },
    ]);
  }
  return key;
}

const storedKeyOf = (scope: IdempotencyScope, key: string) =>
  scope.subscriberId === undefined ? key : `${scope.subscriberId}${SCOPE_SEPARATOR}${key}`;

/**
 * `Idempotency-Key` on every POST (Stripe semantics): the first request with a key runs and its response is kept
 * for 24 h; the same key with the same method, path and body replays it (`Idempotency-Replay: true`); with anything
 * else it is a 422 `idempotency_key_reused`; while the first is still running, 409 + Retry-After.
 *
 * Authentication calls this (requireScope, requireSubscriber) right before the route runs, for every method: it is
 * where the key's scope becomes known, and a POST cannot be authenticated without passing through here, so no route
 * can forget it. Other methods pass straight through. Unauthenticated POSTs never reach it: see
 * `refuseIdempotencyKey` and docs/decisions.md.
 */
export async function idempotentPost(
  c: Context<AppEnv>,
  scope: IdempotencyScope,
  next: Next,
): Promise<Response | undefined> {
  // A route behind two authentication layers (a key or a subscriber token) claims once.
  if (c.req.method !== 'POST' || c.get('idempotencyClaimed')) {
    await next();
    return;
  }
  c.set('idempotencyClaimed', true);
  const clientKey = keyOf(c);
  if (clientKey === undefined) {
    await next();
    return;
  }
  const { tenantId } = scope;
  const key = storedKeyOf(scope, clientKey);
  const db = c.var.db;
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);

  if (!(await claimIdempotencyKey(db, tenantId, key, requestHash))) {
    const existing = await getIdempotencyRecord(db, tenantId, key);
    if (existing && existing.requestHash !== requestHash) {
      throw new ApiError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request; use a new key for a new request',
      );
    }
    if (!existing || existing.status === 'in_flight' || existing.responseBody === null) {
      throw new ApiError(
        'idempotency_in_flight',
        'A request with this Idempotency-Key is still in progress',
        undefined,
        { 'Retry-After': '1' },
      );
    }
    return replay(c, tenantId, existing.responseStatus ?? 200, existing.responseBody);
  }

  await next();
  const status = c.res.status;
  try {
    if (isFinal(status)) {
      const body = await c.res.clone().text();
      const stored = carriesSecret(body) ? await seal(c, tenantId, body) : body;
      await completeIdempotencyKey(db, tenantId, key, status, stored);
    } else {
      await releaseIdempotencyKey(db, tenantId, key);
    }
  } catch (err) {
    // The work is done and its response must reach the client. The claim stays: a retry within the in-flight
    // timeout gets 409 rather than doing the work a second time.
    c.var.log.error('could not store the idempotent response', { err, status });
  }
  return;
}

const carriesSecret = (body: string) => SECRET_SHAPES.some((shape) => shape.test(body));

async function seal(c: Context<AppEnv>, tenantId: string, body: string): Promise<string> {
  const { keyId, ciphertext } = await encryptCredentials(cipherKeysOf(c.var.config), tenantId, body);
  return `${SEALED}${keyId}:${ciphertext}`;
}

async function replay(c: Context<AppEnv>, tenantId: string, status: number, stored: string): Promise<Response> {
  let body = stored;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-replay': 'true' };
  if (stored.startsWith(SEALED)) {
    // `sealed:<key id>:v1.<iv>.<data>`: the ciphertext is base64 and dots, so the last colon ends the key id.
    const rest = stored.slice(SEALED.length);
    const at = rest.lastIndexOf(':');
    const keys = cipherKeysOf(c.var.config);
    if (!keys.keys[rest.slice(0, at)]) {
      // The operator retired the key that sealed it: the answer cannot be shown again, and running the request a
      // second time would create a second secret-bearing object. The caller learns it succeeded and what to do.
      throw new ApiError(
        'conflict',
        `The request with this Idempotency-Key already succeeded (${status}), but its answer held a secret that ` +
          'can no longer be shown; list the resource to find it, or send a new request with a new key',
      );
    }
    const opened = await decryptCredentials(keys, tenantId, rest.slice(0, at), rest.slice(at + 1));
    body = String(opened);
    headers['cache-control'] = 'no-store';
  }
  if (NULL_BODY.has(status)) return c.body(null, status as 204, headers);
  return c.body(body, status as 200, headers);
}

/**
 * For an unauthenticated POST that creates something (signup): no tenant exists yet to keep the key for, so the
 * header is refused rather than silently ignored — a client that relies on it must not believe a retry is safe.
 */
export const refuseIdempotencyKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === 'POST' && c.req.header('idempotency-key') !== undefined) {
    throw new ApiError('validation_failed', 'Idempotency-Key is not supported on this operation', [
      {
        path: 'header.Idempotency-Key',
        message: 'signup has no tenant to keep the key for; send it once without the header (retries are not safe)',
      },
    ]);
  }
  await next();
};
