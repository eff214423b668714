/**
 * Token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`. Pure, so the Durable Objects
 * that hold buckets (API keys, signup IPs, recipients) share one tested implementation.
 */
export interface BucketPolicy {
  capacity: number;
  refillPerSecond: number;
}

export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface TakeResult {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until one token is available (Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
}

export function takeToken(
  state: BucketState | undefined,
  policy: BucketPolicy,
  nowMs: number,
  cost = 1,
): { state: BucketState; result: TakeResult } {
  const elapsed = state ? Math.max(0, nowMs - state.updatedAtMs) / 1000 : 0;
  const current = state ? Math.min(policy.capacity, state.tokens + elapsed * policy.refillPerSecond) : policy.capacity;
  const allowed = current >= cost;
  const tokens = allowed ? current - cost : current;
  const resetSeconds = Math.ceil((policy.capacity - tokens) / policy.refillPerSecond);
  const retryAfterSeconds = allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / policy.refillPerSecond));
  return {
    state: { tokens, updatedAtMs: nowMs },
    result: { allowed, limit: policy.capacity, remaining: Math.floor(tokens), resetSeconds, retryAfterSeconds },
  };
}
