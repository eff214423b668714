import { type UrlPolicy, urlProblem } from '../lib/ssrf-guard';
import type { SendResult } from './types';

/**
 * Recipient-supplied URLs (the webhook channel, chat incoming webhooks) pass the SSRF guard when they are accepted;
 * they are checked again at send time because a stored address may predate a policy change (or the row may come
 * from a path that did not validate it). A refused URL fails the delivery permanently, without a request.
 */
export function refusedRecipientUrl(url: string, policy: UrlPolicy): SendResult | null {
  const problem = urlProblem(url, policy);
  if (!problem) return null;
  return {
    ok: false,
    error: { code: 'url_not_allowed', message: `recipient URL refused: ${problem}`, retryable: false },
  };
}
