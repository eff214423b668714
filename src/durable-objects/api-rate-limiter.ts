import { DurableObject } from 'cloudflare:workers';
import { type BucketPolicy, type BucketState, type TakeResult, takeToken } from '../domain/rate-limit/token-bucket';

/**
 * One token bucket per name (`key:<api key id>`, `subscriber:<subscriber id>`, `signup:<ip>` or `bad-key:<ip>`).
 * A Durable Object gives a single, strongly consistent counter per key across every Worker isolate and location,
 * which the Workers Rate Limiting binding (per-location, eventually consistent) does not. State is kept in memory
 * and written to the object's SQLite KV so a restart does not hand out a fresh bucket.
 *
 * Storage layout: KV key `bucket` → BucketState { tokens, updatedAtMs }.
 */
export class ApiRateLimiter extends DurableObject {
  private state: BucketState | undefined;

  take(policy: BucketPolicy, cost = 1): TakeResult {
    this.state ??= this.ctx.storage.kv.get<BucketState>('bucket');
    const { state, result } = takeToken(this.state, policy, Date.now(), cost);
    this.state = state;
    this.ctx.storage.kv.put('bucket', state);
    return result;
  }
}
