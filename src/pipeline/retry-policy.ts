import type { ProviderError } from '../channels/types';
import { MAX_QUEUE_DELAY_SECONDS } from '../lib/queue-limits';

/** Half the queue's delay cap: stay well under it. */
export const MAX_RETRY_DELAY_SECONDS = MAX_QUEUE_DELAY_SECONDS / 2;

/** When the database is down, a message waits this long before it comes back. */
export const DB_UNAVAILABLE_RETRY_SECONDS = 15;

/**
 * Delay before the next try of a retryable failure: the provider's Retry-After when it gave one, otherwise
 * base · 3^(attempt-1) with full jitter between 50 % and 100 % (so a provider outage does not end in a stampede).
 * With the default base of 5 s: ~5 s, 15 s, 45 s, 2 min, 7 min, 20 min, 1 h, 3 h.
 */
export function retryDelaySeconds(err: ProviderError, attempt: number, baseSeconds: number, random = Math.random) {
  if (err.retryAfterSeconds !== undefined) {
    return Math.min(Math.max(err.retryAfterSeconds, 1), MAX_RETRY_DELAY_SECONDS);
  }
  const exponential = baseSeconds * 3 ** Math.max(0, attempt - 1);
  return Math.min(Math.round(exponential * (0.5 + random() / 2)), MAX_RETRY_DELAY_SECONDS);
}

/** wrangler.toml's `max_retries` for the delivery lanes. */
export const DELIVERY_MAX_RETRIES = 8;

/**
 * How long a delivery may wait for open circuit breakers without spending its retry budget: the nominal span of the
 * backoff schedule (`max_retries` retries from `baseSeconds`; ~4.6 h with the default 5 s), and at least an hour
 * for short test bases. Past it, a skip is an ordinary retry again, so a provider that never comes back still ends
 * in the dead-letter queue.
 */
export function breakerWaitHorizonSeconds(baseSeconds: number, maxRetries = DELIVERY_MAX_RETRIES) {
  let total = 0;
  for (let k = 0; k < maxRetries; k++) total += Math.min(baseSeconds * 3 ** k, MAX_RETRY_DELAY_SECONDS);
  return Math.max(total, 3600);
}
