/**
 * Circuit breaker state machine, pure so the Durable Object and tests share it.
 * closed → (threshold consecutive failures) → open → (cool-down elapsed) → half_open: one probe batch is let
 * through; a success closes it, a failure opens it again for another cool-down.
 */
export interface BreakerPolicy {
  failureThreshold: number;
  coolDownMs: number;
}

export interface BreakerState {
  consecutiveFailures: number;
  openedAt: number | null;
}

export const CLOSED: BreakerState = { consecutiveFailures: 0, openedAt: null };

export function isAllowed(
  state: BreakerState,
  policy: BreakerPolicy,
  now: number,
): { allowed: boolean; retryInMs: number } {
  if (state.openedAt === null) return { allowed: true, retryInMs: 0 };
  const waited = now - state.openedAt;
  if (waited >= policy.coolDownMs) return { allowed: true, retryInMs: 0 }; // half-open: probe
  return { allowed: false, retryInMs: policy.coolDownMs - waited };
}

/** Applies a batch's results: any success closes the breaker; otherwise failures accumulate. */
export function recordResults(
  state: BreakerState,
  policy: BreakerPolicy,
  successes: number,
  failures: number,
  now: number,
): BreakerState {
  if (successes > 0 && failures === 0) return CLOSED;
  if (successes > 0)
    return { consecutiveFailures: failures, openedAt: failures >= policy.failureThreshold ? now : null };
  const consecutiveFailures = state.consecutiveFailures + failures;
  const halfOpenProbeFailed = state.openedAt !== null;
  return {
    consecutiveFailures,
    openedAt: halfOpenProbeFailed || consecutiveFailures >= policy.failureThreshold ? now : state.openedAt,
  };
}
