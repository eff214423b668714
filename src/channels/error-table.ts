import type { ProviderError } from './types';

/**
 * What a provider's documented error means for a delivery. The rule, stated once: **only an error the provider
 * documents as specific to the recipient suppresses the address.** Account, configuration, sandbox, sender and
 * quota errors fail over, retry or fail the delivery and surface as a provider-health problem, never as a
 * suppression; an undocumented code never suppresses.
 *
 * - `recipient`: the address itself cannot receive (unknown mailbox, unregistered token, not a mobile number):
 *   suppress it.
 * - `recipient_if_proven`: the provider uses one answer for a bad address *and* for a setting of ours (APNs
 *   `BadDeviceToken` also means a sandbox/production mismatch). Suppress only once this configuration has
 *   delivered successfully with its current credentials (which proves the setting); until then it is `account`.
 * - `account`: our account or its configuration (credentials, unverified sender, sandbox, region permissions):
 *   the next provider may succeed, this one will not until someone fixes it.
 * - `quota`: our account's limit or throttle: retry later (and fail over now).
 * - `message`: this message was refused (payload too large, bad field): no other provider would take it either.
 * - `transient`: the provider's own trouble: retry.
 */
export type ErrorClass = 'recipient' | 'recipient_if_proven' | 'account' | 'quota' | 'message' | 'transient';

export interface ErrorRow {
  /** The provider's own code, as it spells it (`21211`, `MessageRejected`, `BadDeviceToken`, `channel_not_found`). */
  code: string;
  /** Narrows a code the provider reuses for several causes, by its message text (SES `MessageRejected`). */
  message?: RegExp;
  class: ErrorClass;
  /** What the provider says the code means, in a few words. */
  meaning: string;
  /** Where the provider documents it. */
  source: string;
  /**
   * An `account` error that concerns only some destinations (a region not enabled, a trial account's unverified
   * numbers, a channel the bot is not in): it fails over and fails like any account error, but it does not count
   * against the circuit breaker, which would otherwise pause every send for a handful of bad targets.
   */
  someTargets?: true;
}

/** A provider's documented errors, most specific row first (a row with `message` before the same code without). */
export type ErrorTable = readonly ErrorRow[];

export function findRow(table: ErrorTable, code: string, message = ''): ErrorRow | undefined {
  return table.find((row) => row.code === code && (!row.message || row.message.test(message)));
}

/**
 * The error with the flags its row's class sets. Without a row the error keeps what the HTTP status said
 * (retryable for 429/5xx, account fault for 401/403) and is never a recipient error.
 */
export function classify(error: ProviderError, row: ErrorRow | undefined): ProviderError {
  const { invalidRecipient: _i, suppressIfProven: _s, targetSpecific: _t, ...base } = error;
  if (!row) return base;
  switch (row.class) {
    case 'recipient':
      return { ...base, retryable: false, providerFault: false, invalidRecipient: true };
    case 'recipient_if_proven':
      return { ...base, retryable: false, providerFault: true, suppressIfProven: true };
    case 'account':
      return { ...base, retryable: false, providerFault: true, ...(row.someTargets ? { targetSpecific: true } : {}) };
    case 'quota':
      return { ...base, retryable: true, providerFault: true };
    case 'message':
      return { ...base, retryable: false, providerFault: false };
    case 'transient':
      return { ...base, retryable: true, providerFault: false };
  }
}

/** Shorthand for a provider's refine step: look the code up and classify. */
export const classifyBy = (table: ErrorTable, error: ProviderError, code: string, message?: string) =>
  classify(error, findRow(table, code, message ?? error.message));
