import type { ProviderError } from './types';

/** Parses Retry-After (seconds or an HTTP date) into whole seconds, if present and sane. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * How an HTTP provider's status maps to our outcome: 2xx sent; 408/425/429/5xx retryable (honouring
 * Retry-After); redirects are not followed and count as permanent (a moved endpoint needs a human); other 4xx
 * permanent (bad address, auth, payload).
 */
export function httpFailure(status: number, headers: Headers, body: string): ProviderError {
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  const after = retryAfterSeconds(headers.get('retry-after'));
  return {
    code: status >= 300 && status < 400 ? 'redirect_not_followed' : `http_${status}`,
    message: `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`,
    retryable,
    responseCode: status,
    ...(retryable && after !== undefined ? { retryAfterSeconds: after } : {}),
  };
}

/** Network errors and timeouts are worth another try. */
export function networkFailure(err: unknown): ProviderError {
  const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  return {
    code: timeout ? 'timeout' : 'network_error',
    message: err instanceof Error ? err.message : String(err),
    retryable: true,
  };
}
