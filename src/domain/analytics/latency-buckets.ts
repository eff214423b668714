/**
 * Upper bounds (ms) of the latency histogram buckets kept in usage_hourly; the last bucket is open-ended.
 * Percentiles are reported as the upper bound of the bucket that holds them (the open bucket as the last bound).
 */
export const LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000] as const;

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
