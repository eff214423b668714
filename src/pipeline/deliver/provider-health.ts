import type { ProviderError } from '../../channels/types';
import type { HealthNote } from '../../db/queries/provider-health';
import type { ChainStep } from './provider-chain';

/**
 * An ambiguous answer (`suppressIfProven`: APNs `BadDeviceToken` is a bad token *or* a sandbox/production or
 * bundle-id mismatch) settled by the configuration's record: once it has delivered with its current credentials the
 * setting is proven right, so the token is at fault (suppress); before that it is our account's fault (fail over,
 * provider problem, no suppression). docs/decisions.md has the reasoning.
 */
export function settleAmbiguous(error: ProviderError, step: ChainStep): ProviderError {
  if (!error.suppressIfProven) return error;
  const { suppressIfProven: _s, ...rest } = error;
  return step.proven
    ? { ...rest, retryable: false, providerFault: false, invalidRecipient: true }
    : { ...rest, retryable: false, providerFault: true, invalidRecipient: false };
}

/** Our account or configuration is at fault and will stay so until someone fixes it (retrying will not help). */
export const isAccountFault = (error: ProviderError) => Boolean(error.providerFault && !error.retryable);

/**
 * What a call says about the step's configuration, when it changes something: a success of an unproven
 * configuration or one with an open problem; any account fault. Built-in providers without a configuration have
 * nowhere to record it.
 */
export function healthNote(step: ChainStep, error: ProviderError | null, at: Date): HealthNote[] {
  if (!step.configId || !step.fingerprint) return [];
  const base = { configId: step.configId, fingerprint: step.fingerprint, at: at.toISOString() };
  if (!error) return step.proven && !step.problemCode ? [] : [{ ...base, error: null }];
  if (!isAccountFault(error)) return [];
  return [{ ...base, error: { code: error.code, message: error.message.slice(0, 1000) } }];
}
