import type { ProviderError } from '../../channels/types';
import type { AttemptRecord, Outcome } from '../../db/queries/pipeline';

/** What every outcome of one claimed delivery starts from: whose it is and which attempt it ends. */
export type OutcomeBase = Pick<Outcome, 'tenantId' | 'deliveryId' | 'attemptNo'>;

/** The error recorded on an outcome. */
export type OutcomeError = NonNullable<Outcome['error']>;

/** An attempt row; what a caller leaves out is what a call that never reached a provider has: null, 0 ms. */
export function attemptRecord(
  fields: Pick<AttemptRecord, 'provider' | 'outcome' | 'startedAt'> & Partial<AttemptRecord>,
): AttemptRecord {
  return {
    provider: fields.provider,
    providerConfigId: fields.providerConfigId ?? null,
    outcome: fields.outcome,
    responseCode: fields.responseCode ?? null,
    durationMs: fields.durationMs ?? 0,
    errorCode: fields.errorCode ?? null,
    errorMessage: fields.errorMessage ?? null,
    startedAt: fields.startedAt,
    units: fields.units ?? null,
  };
}

/** A provider's message can carry a whole response body: the recorded one is cut at 1,000 characters. */
export const errorMessageOf = (error: ProviderError) => error.message.slice(0, 1000);

/** The outcome error of a provider's failure. */
export const outcomeErrorOf = (error: ProviderError): OutcomeError => ({
  code: error.code,
  message: errorMessageOf(error),
});

/** The delivery went out (through `provider`). */
export function sentOutcome(
  base: OutcomeBase,
  attempts: AttemptRecord[],
  provider: string,
  providerMessageId: string | null,
): Outcome {
  return { ...base, attempts, status: 'sent', provider, providerMessageId, error: null, nextAttemptAt: null };
}

/**
 * The delivery ends `failed`: nothing more will be tried on this channel. A failure before any provider call (no
 * provider, a render error) gives the claimed attempt back, so `attemptCount` and the events' `attempts` count
 * provider calls, as the attempts list does.
 */
export function failedOutcome(
  base: OutcomeBase,
  attempts: AttemptRecord[],
  provider: string | null,
  error: OutcomeError,
): Outcome {
  return {
    ...base,
    attempts,
    ...(attempts.length === 0 ? { releaseAttempt: true } : {}),
    status: 'failed',
    provider,
    providerMessageId: null,
    error,
    nextAttemptAt: null,
  };
}

/** The delivery ends `suppressed` without a provider call (the recipient said no, or the address is blocked). */
export function suppressedOutcome(base: OutcomeBase, error: OutcomeError): Outcome {
  return {
    ...base,
    attempts: [],
    releaseAttempt: true,
    status: 'suppressed',
    provider: null,
    providerMessageId: null,
    error,
    nextAttemptAt: null,
  };
}

/**
 * The delivery goes back to `queued` for another try at `nextAttemptAt`; `releaseAttempt` gives the claimed attempt
 * back when no provider was called.
 */
export function retryOutcome(
  base: OutcomeBase,
  attempts: AttemptRecord[],
  releaseAttempt: boolean,
  provider: string | null,
  error: OutcomeError,
  nextAttemptAt: string,
): Outcome {
  return {
    ...base,
    attempts,
    ...(releaseAttempt ? { releaseAttempt } : {}),
    status: 'queued',
    provider,
    providerMessageId: null,
    error,
    nextAttemptAt,
  };
}
