import type { Context } from 'hono';
import type { BucketPolicy, TakeResult } from '../../domain/rate-limit/token-bucket';
import { ApiError } from '../../errors';
import type { AppEnv } from '../context';

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), as Stripe/GitHub-style clients expect. */
function rateLimitHeaders(r: TakeResult): Record<string, string> {
  return {
    'RateLimit-Limit': String(r.limit),
    'RateLimit-Remaining': String(r.remaining),
    'RateLimit-Reset': String(r.resetSeconds),
  };
}

/**
 * Takes one token from the named bucket (held by the ApiRateLimiter Durable Object), sets the RateLimit-*
 * headers, and refuses with 429 + Retry-After when the bucket is empty.
 */
export async function enforceRateLimit(c: Context<AppEnv>, bucket: string, policy: BucketPolicy): Promise<void> {
  const stub = c.env.API_RATE_LIMITER.getByName(bucket);
  const result = await stub.take(policy);
  const headers = rateLimitHeaders(result);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (!result.allowed) {
    throw new ApiError('rate_limited', `Rate limit of ${result.limit} requests exceeded; retry later`, undefined, {
      ...headers,
      'Retry-After': String(result.retryAfterSeconds),
    });
  }
}
