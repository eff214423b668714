import type { ProviderError, SendResult } from '../../channels/types';
import type { AppContext } from '../../context';
import type { AttemptRecord, DeliveryToSend, Outcome } from '../../db/queries/pipeline';
import type { HealthNote } from '../../db/queries/provider-health';
import { urlPolicyFor } from '../../lib/ssrf-guard';
import { withTrace } from '../../observability/trace-context';
import { breakerWaitHorizonSeconds, retryDelaySeconds } from '../retry-policy';
import type { BatchBreakers, BreakerGate } from './circuit-breakers';
import { withFallback } from './fallback';
import { deliveryFields } from './log-fields';
import { toOutbound } from './outbound-message';
import {
  attemptRecord,
  errorMessageOf,
  failedOutcome,
  type OutcomeBase,
  outcomeErrorOf,
  retryOutcome,
  sentOutcome,
} from './outcomes';
import type { ChainStep } from './provider-chain';
import { healthNote, settleAmbiguous } from './provider-health';

/**
 * Walks a delivery's provider chain until one provider accepts it: steps whose breaker is open are skipped, a
 * provider-side failure moves on to the next step, a refused message or an invalid address stops the walk. What
 * the calls say about the tenant's configurations (proven, or an account-side problem) rides on the outcome.
 */
export async function sendWithFailover(
  ctx: AppContext,
  d: DeliveryToSend,
  base: OutcomeBase,
  chain: ChainStep[],
  breakers: BatchBreakers,
): Promise<Outcome> {
  const attempts: AttemptRecord[] = [];
  const health: HealthNote[] = [];
  let lastError: ProviderError | null = null;
  let waitForBreakerMs = 0;
  for (const step of chain) {
    const startedAt = new Date();
    const gate = breakers.gate(step);
    if (!gate.allowed) {
      waitForBreakerMs = waitForBreakerMs ? Math.min(waitForBreakerMs, gate.retryInMs) : gate.retryInMs;
      attempts.push(skippedAttempt(step, gate, startedAt));
      continue;
    }
    const result = await callProvider(ctx, d, step);
    const durationMs = Date.now() - startedAt.getTime();
    if (result.ok) {
      breakers.count(step.breakerKey, true);
      attempts.push(sentAttempt(step, result, durationMs, startedAt));
      health.push(...healthNote(step, null, startedAt));
      return withHealth(sentOutcome(base, attempts, step.provider.id, result.providerMessageId ?? null), health);
    }
    const error = settleAmbiguous(result.error, step);
    health.push(...healthNote(step, error, startedAt));
    // Only provider-side trouble that would fail every send counts against the breaker: a bad address, or an
    // account setting about some destinations only (a region not enabled), says nothing about the next send.
    if ((error.retryable || error.providerFault) && !error.targetSpecific) breakers.count(step.breakerKey, false);
    attempts.push(errorAttempt(step, error, durationMs, startedAt));
    lastError = error;
    if (error.invalidRecipient) {
      return withHealth(
        withFallback(d, {
          ...failedOutcome(base, attempts, step.provider.id, outcomeErrorOf(error)),
          suppress: { channel: d.channel, address: d.address, reason: error.code, provider: step.provider.id },
        }),
        health,
      );
    }
    if (!error.retryable && !error.providerFault) break; // the message itself was refused: another provider would too
  }
  return withHealth(chainExhausted(ctx, d, base, attempts, lastError, waitForBreakerMs), health);
}

const withHealth = (outcome: Outcome, health: HealthNote[]): Outcome =>
  health.length ? { ...outcome, health } : outcome;

/** One provider call; a provider that throws is a retryable failure, so the delivery never stays in `sending`. */
async function callProvider(ctx: AppContext, d: DeliveryToSend, step: ChainStep): Promise<SendResult> {
  try {
    const credentials = await step.credentials();
    return await withTrace(d.traceparent, () =>
      step.provider.send(toOutbound(d), credentials, {
        baseUrl: (url, key) => ctx.config.PROVIDER_BASE_URLS[key ?? step.provider.id] ?? url,
        timeoutMs: ctx.config.PROVIDER_TIMEOUT_SECONDS * 1000,
        urlPolicy: urlPolicyFor(ctx.config),
        bindings: { EMAIL: ctx.env.EMAIL },
      }),
    );
  } catch (err) {
    ctx.log.error('provider threw', { ...deliveryFields(d), provider: step.provider.id, err });
    return { ok: false, error: { code: 'provider_exception', message: String(err), retryable: true } };
  }
}

/**
 * No provider took the delivery. A retryable last error (or nothing but breaker skips) is retried with backoff;
 * anything else fails the delivery and hands over to its fallback channel.
 */
function chainExhausted(
  ctx: AppContext,
  d: DeliveryToSend,
  base: OutcomeBase,
  attempts: AttemptRecord[],
  lastError: ProviderError | null,
  waitForBreakerMs: number,
): Outcome {
  const provider = attempts.at(-1)?.provider ?? null;
  const retryable = lastError ? lastError.retryable : true; // no error at all: every provider was skipped by its breaker
  if (!retryable) return withFallback(d, failedOutcome(base, attempts, provider, outcomeErrorOf(lastError!)));
  const delaySeconds = lastError
    ? retryDelaySeconds(lastError, base.attemptNo, ctx.config.RETRY_BASE_DELAY_SECONDS)
    : Math.max(1, Math.ceil(waitForBreakerMs / 1000));
  // Only skips: nothing was tried, so (within the backoff schedule's span) the wait costs no attempt.
  const ageSeconds = (Date.now() - d.createdAt.getTime()) / 1000;
  const releaseAttempt = !lastError && ageSeconds < breakerWaitHorizonSeconds(ctx.config.RETRY_BASE_DELAY_SECONDS);
  return retryOutcome(
    base,
    attempts,
    releaseAttempt,
    provider,
    lastError
      ? outcomeErrorOf(lastError)
      : { code: 'circuit_open', message: 'every provider is paused by its circuit breaker' },
    new Date(Date.now() + delaySeconds * 1000).toISOString(),
  );
}

const skippedAttempt = (step: ChainStep, gate: BreakerGate, startedAt: Date) =>
  attemptRecord({
    provider: step.provider.id,
    providerConfigId: step.configId,
    outcome: 'skipped',
    errorCode: 'circuit_open',
    errorMessage: `circuit breaker open; retry in ${Math.ceil(gate.retryInMs / 1000)} s`,
    startedAt: startedAt.toISOString(),
  });

const sentAttempt = (step: ChainStep, result: SendResult & { ok: true }, durationMs: number, startedAt: Date) =>
  attemptRecord({
    provider: step.provider.id,
    providerConfigId: step.configId,
    outcome: 'sent',
    responseCode: result.responseCode,
    durationMs,
    startedAt: startedAt.toISOString(),
    units: result.units,
  });

const errorAttempt = (step: ChainStep, error: ProviderError, durationMs: number, startedAt: Date) =>
  attemptRecord({
    provider: step.provider.id,
    providerConfigId: step.configId,
    outcome: error.retryable ? 'retryable_error' : 'permanent_error',
    responseCode: error.responseCode,
    durationMs,
    errorCode: error.code,
    errorMessage: errorMessageOf(error),
    startedAt: startedAt.toISOString(),
  });
