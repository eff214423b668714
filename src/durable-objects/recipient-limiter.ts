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

  take(channel: string, policy: BucketPolicy): TakeResult {
    const key = `bucket:${channel}`;
    const current = this.buckets.get(key) ?? this.ctx.storage.kv.get<BucketState>(key);
    const { state, result } = takeToken(current, policy, Date.now());
    this.buckets.set(key, state);
    this.ctx.storage.kv.put(key, state);
    return result;
  }
}
