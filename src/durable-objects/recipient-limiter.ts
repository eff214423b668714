import { DurableObject } from 'cloudflare:workers';
import { type BucketPolicy, type BucketState, type TakeResult, takeToken } from '../domain/rate-limit/token-bucket';

/** Consumers send one request per (recipient, channel) present in their batch. */
export interface TakeRequest {
  recipient: string;
  channel: string;
  policy: BucketPolicy;
  count: number;
}

export interface TakeGrant {
  /** How many of `count` may be sent now. */
  granted: number;
  limit: number;
  retryAfterSeconds: number;
}

/** Above this many buckets, full ones are forgotten (a full bucket and a missing one behave the same). */
const PRUNE_ABOVE = 20_000;

/**
 * Per-recipient send limits: a token bucket per recipient and channel, held by one of a tenant's recipient-limiter
 * shards (`tenantId:shard`, see pipeline/deliver/recipient-shard.ts). Each recipient always maps to the same shard, so its
 * limit is exact; sharding rather than one object per recipient keeps the objects warm: a campaign to 10,000
 * new recipients would otherwise create 10,000 objects, and that creation was 80 % of a consumer batch's time.
 *
 * Buckets live in memory. An object is evicted only after it has been idle, by which time its buckets have
 * refilled; the worst case after an eviction is one extra burst per recipient — the right trade for a guard
 * against runaway loops. Storage layout: none.
 */
export class RecipientLimiter extends DurableObject {
  private readonly buckets = new Map<string, BucketState>();

  takeBatch(requests: TakeRequest[]): TakeGrant[] {
    const now = Date.now();
    const grants = requests.map((req) => {
      const key = `${req.recipient}\u0000${req.channel}`;
      let state = this.buckets.get(key);
      let granted = 0;
      let last: TakeResult | undefined;
      for (let i = 0; i < req.count; i++) {
        const step = takeToken(state, req.policy, now);
        state = step.state;
        last = step.result;
        if (!step.result.allowed) break;
        granted++;
      }
      if (state) this.buckets.set(key, state);
      return {
        granted,
        limit: req.policy.capacity,
        retryAfterSeconds: last?.allowed === false ? last.retryAfterSeconds : 0,
      };
    });
    if (this.buckets.size > PRUNE_ABOVE) this.pruneFull(requests, now);
    return grants;
  }

  private pruneFull(requests: TakeRequest[], now: number) {
    const policy = requests[0]?.policy;
    if (!policy) return;
    for (const [key, state] of this.buckets) {
      const refilled = state.tokens + ((now - state.updatedAtMs) / 1000) * policy.refillPerSecond;
      if (refilled >= policy.capacity) this.buckets.delete(key);
    }
  }
}
