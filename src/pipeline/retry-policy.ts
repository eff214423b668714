import type { ProviderError } from '../channels/types';

/** Queues cap a message delay at 12 h; stay well under it. */
export const MAX_RETRY_DELAY_SECONDS = 6 * 3600;

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
