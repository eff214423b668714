import { DurableObject } from 'cloudflare:workers';
import { type BucketPolicy, type BucketState, type TakeResult, takeToken } from '../domain/rate-limit/token-bucket';

/**
 * Per-recipient send limits: one object per `tenantId:recipient`, one token bucket per channel inside it.
 * Over the limit, the pipeline defers the delivery (re-enqueued with a delay); it never drops it.
 *
 * Storage layout: KV key `bucket:<channel>` → BucketState { tokens, updatedAtMs }.
 */
export class RecipientLimiter extends DurableObject {
  private readonly buckets = new Map<string, BucketState>();

  /** Takes up to `count` tokens one by one; `granted` of them were available. */
  takeMany(channel: string, policy: BucketPolicy, count: number): TakeResult & { granted: number } {
    const key = `bucket:${channel}`;
    let state = this.buckets.get(key) ?? this.ctx.storage.kv.get<BucketState>(key);
    let granted = 0;
    let last: TakeResult | undefined;
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const step = takeToken(state, policy, now);
      state = step.state;
      last = step.result;
      if (!step.result.allowed) break;
      granted++;
    }
    if (state) {
      this.buckets.set(key, state);
      this.ctx.storage.kv.put(key, state);
    }
    return { ...(last ?? takeToken(state, policy, now).result), granted };
  }
}
