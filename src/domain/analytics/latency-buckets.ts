import { LATENCY_BUCKETS_MS } from '../../db/schema/usage';

/**
 * Percentiles are reported as the upper bound of the histogram bucket that holds them (the open bucket as the last
 * bound).
 */

/** `counts[i]` = how many fell in bucket i (LATENCY_BUCKETS_MS.length + 1 buckets). Null when empty. */
export function percentileFromBuckets(counts: number[], p: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  let bucket = 0;
  while (bucket < counts.length - 1 && seen + (counts[bucket] ?? 0) < rank) seen += counts[bucket++] ?? 0;
  return LATENCY_BUCKETS_MS[Math.min(bucket, LATENCY_BUCKETS_MS.length - 1)]!;
}
