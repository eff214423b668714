import { classify, findRow } from '../../error-table';
import type { ProviderError } from '../../types';
import { smtpErrors } from './errors';
import type { SmtpError } from './smtp-client';

/**
 * RFC 3463 code at the start of the reply text (RFC 2034), after our `<command>: <code> ` prefix, or qmail's
 * `(#5.7.1)` at its end.
 */
const ENHANCED = /^(?:[^:]*: )?\d{3} ([245])\.(\d{1,3})\.(\d{1,3})\b|\(#([245])\.(\d{1,3})\.(\d{1,3})\)/;

/** The enhanced status code in an SMTP error message, if it agrees with the reply code's class. */
export function enhancedCode(message: string, replyCode: number): string | undefined {
  const m = ENHANCED.exec(message);
  if (!m) return undefined;
  const [cls, subject, detail] = m[1] ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]];
  return Number(cls) === Math.floor(replyCode / 100) ? `${cls}.${Number(subject)}.${Number(detail)}` : undefined;
}

/**
 * What a failed SMTP transaction means: no reply (network, timeout) and 4xx are retryable, 5xx permanent, and the
 * reply's row in `smtpErrors` (enhanced code, then its class and subject, then the basic code) decides the rest.
 */
export function smtpFailure(err: Pick<SmtpError, 'message' | 'replyCode' | 'phase'>): ProviderError {
  const code = err.replyCode;
  const base: ProviderError = {
    code: code === undefined ? `smtp_${err.phase === 'timeout' ? 'timeout' : 'network_error'}` : `smtp_${code}`,
    message: err.message,
    retryable: code === undefined || (code >= 400 && code < 500),
    ...(code !== undefined ? { responseCode: code } : {}),
  };
  if (code === undefined) return base;
  const enhanced = enhancedCode(err.message, code);
  const keys = enhanced ? [enhanced, enhanced.replace(/\.\d+$/, '.*'), String(code)] : [String(code)];
  for (const key of keys) {
    const row = findRow(smtpErrors, key, err.message);
    if (row) return classify(base, row);
  }
  return base;
}
