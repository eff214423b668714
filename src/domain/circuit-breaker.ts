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

/**
 * Applies a batch's results: failures accumulate; a batch that mostly succeeded closes the breaker. A batch's calls
 * run in parallel, so their order is unknown: its failures count as consecutive only when they outnumber its
 * successes (a provider going down mid-batch), not when a flaky provider delivered most of the batch — opening
 * then would pause a provider that works for everyone, and a single-provider channel would stop altogether.
 */
export function recordResults(
  state: BreakerState,
  policy: BreakerPolicy,
  successes: number,
  failures: number,
  now: number,
): BreakerState {
  if (successes > 0 && failures <= successes) return CLOSED;
  if (successes > 0)
    return { consecutiveFailures: failures, openedAt: failures >= policy.failureThreshold ? now : null };
  const consecutiveFailures = state.consecutiveFailures + failures;
  const halfOpenProbeFailed = state.openedAt !== null;
  return {
    consecutiveFailures,
    openedAt: halfOpenProbeFailed || consecutiveFailures >= policy.failureThreshold ? now : state.openedAt,
  };
}
