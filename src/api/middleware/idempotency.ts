import type { MiddlewareHandler } from 'hono';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  getIdempotencyRecord,
  releaseIdempotencyKey,
} from '../../db/queries/idempotency';
import { ApiError } from '../../errors';
import { type AppEnv, authOf } from '../context';

const MAX_KEY_LENGTH = 255;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Outcomes worth replaying. 409/429/5xx are transient: the client should be able to try the same key again. */
const isFinal = (status: number) => status < 500 && status !== 409 && status !== 429;

/**
 * `Idempotency-Key` on a POST (Stripe semantics): the first request with a key runs and its response is stored
 * for 24 h; the same key with the same body replays it (`Idempotency-Replay: true`); with a different body it is
 * a 422; while the first is still running, 409 + Retry-After. Keys are per tenant. Place after requireScope.
 */
export const idempotent: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return next();
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new ApiError('validation_failed', 'Invalid Idempotency-Key header', [
      { path: 'header.Idempotency-Key', message: `must be 1–${MAX_KEY_LENGTH} characters` },
    ]);
  }
  const { tenantId } = authOf(c);
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
    if (!existing || existing.status === 'in_flight') {
      throw new ApiError(
        'idempotency_in_flight',
        'A request with this Idempotency-Key is still in progress',
        undefined,
        {
          'Retry-After': '1',
        },
      );
    }
    return new Response(existing.responseBody, {
      status: existing.responseStatus ?? 200,
      headers: {
        'content-type': 'application/json',
        'idempotency-replay': 'true',
        'x-request-id': c.var.requestId,
      },
    });
  }

  await next();
  const status = c.res.status;
  try {
    if (isFinal(status)) await completeIdempotencyKey(db, tenantId, key, status, await c.res.clone().text());
    else await releaseIdempotencyKey(db, tenantId, key);
  } catch (err) {
    // The work is done and its response must reach the client; a retry within the in-flight timeout gets 409.
    c.var.log.error('could not store the idempotent response', { err, status });
  }
};
