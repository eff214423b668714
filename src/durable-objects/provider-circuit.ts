import { DurableObject } from 'cloudflare:workers';
import { type BreakerPolicy, type BreakerState, CLOSED, isAllowed, recordResults } from '../domain/circuit-breaker';

/**
 * One circuit breaker per tenant + provider configuration (`tenantId:configId`), so every consumer isolate sees
 * the same state. Consumers ask once per batch and report once per batch.
 *
 * Storage layout: KV key `state` → BreakerState { consecutiveFailures, openedAt }.
 */
export class ProviderCircuit extends DurableObject {
  private state: BreakerState | undefined;

  private load(): BreakerState {
    this.state ??= this.ctx.storage.kv.get<BreakerState>('state') ?? CLOSED;
    return this.state;
  }

  check(policy: BreakerPolicy): { allowed: boolean; retryInMs: number; state: BreakerState } {
    const state = this.load();
    return { ...isAllowed(state, policy, Date.now()), state };
  }

  report(policy: BreakerPolicy, successes: number, failures: number): BreakerState {
    this.state = recordResults(this.load(), policy, successes, failures, Date.now());
    this.ctx.storage.kv.put('state', this.state);
    return this.state;
  }
}
