import type { ErrorClass, ErrorRow, ErrorTable, ProviderError } from './types';

/**
 * Applies a provider's error table. The rule (only a documented recipient error suppresses) and the classes are
 * documented on `ErrorClass` in types.ts, beside the `Provider` that carries the table.
 */
export type { ErrorClass, ErrorRow, ErrorTable } from './types';

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

/**
 * A table's row builder whose rows cite `defaultSource` unless a row names its own page; `message` narrows a code the
 * provider reuses (see `ErrorRow.message`).
 */
export const documentedAt =
  (defaultSource: string) =>
  (code: string, cls: ErrorClass, meaning: string, source = defaultSource, message?: RegExp): ErrorRow => ({
    code,
    class: cls,
    meaning,
    source,
    ...(message ? { message } : {}),
  });
