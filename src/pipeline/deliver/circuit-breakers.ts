import type { ProviderError } from '../../channels/types';
import type { AppContext } from '../../context';
import type { BreakerPolicy } from '../../domain/circuit-breaker';
import type { ChainStep } from './provider-chain';

/** Whether a provider may be called now, and if not, when its breaker lets a call through again. */
export interface BreakerGate {
  allowed: boolean;
  retryInMs: number;
}

/** The circuit breakers of one batch: read once before the sends, told the batch's results once after. */
export interface BatchBreakers {
  /** The gate of a chain step; built-in providers have no breaker and are always allowed. */
  gate(step: ChainStep): BreakerGate;
  /** Counts one call's result against the step's breaker. */
  count(key: string | null, ok: boolean): void;
  /** Reports the counted results; a failed report is logged, never thrown. */
  report(): Promise<void>;
}

const OPEN_GATE: BreakerGate = { allowed: true, retryInMs: 0 };

/** Reads the breaker of every step in the batch's chains (one call per breaker) and starts the batch's tally. */
export async function readBreakers(
  ctx: AppContext,
  chains: Iterable<ChainStep[] | ProviderError>,
): Promise<BatchBreakers> {
  const policy: BreakerPolicy = {
    failureThreshold: ctx.config.CIRCUIT_FAILURE_THRESHOLD,
    coolDownMs: ctx.config.CIRCUIT_COOLDOWN_SECONDS * 1000,
  };
  const breakerKeys = new Set<string>();
  for (const chain of chains) {
    if (Array.isArray(chain)) for (const step of chain) if (step.breakerKey) breakerKeys.add(step.breakerKey);
  }
  const breakers = new Map(
    await Promise.all(
      [...breakerKeys].map(async (key) => [key, await ctx.env.PROVIDER_CIRCUIT.getByName(key).check(policy)] as const),
    ),
  );
  const tally = new Map<string, { successes: number; failures: number }>();
  return {
    gate: (step) => (step.breakerKey ? breakers.get(step.breakerKey)! : OPEN_GATE),
    count(key, ok) {
      if (!key) return;
      const t = tally.get(key) ?? { successes: 0, failures: 0 };
      if (ok) t.successes++;
      else t.failures++;
      tally.set(key, t);
    },
    async report() {
      await Promise.all(
        [...tally].map(([key, t]) => ctx.env.PROVIDER_CIRCUIT.getByName(key).report(policy, t.successes, t.failures)),
      ).catch((err) => ctx.log.warn('could not report circuit breaker results', { err }));
    },
  };
}
