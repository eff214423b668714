import { MAX_QUEUE_DELAY_SECONDS } from '../../lib/queue-limits';

/**
 * Delay before the next attempt after `attempts` failed ones, or null when the schedule is exhausted.
 * ±10% jitter spreads the retries of an outage's backlog; a receiver's Retry-After is honoured when longer.
 */
export function nextRetryDelay(
  attempts: number,
  schedule: number[],
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number | null {
  const base = schedule[attempts - 1];
  if (base === undefined) return null;
  const jittered = base * (0.9 + 0.2 * random());
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(jittered, retryAfterSeconds ?? 0));
}
