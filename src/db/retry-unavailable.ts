import type { Logger } from '../observability/logger';
import { isDatabaseUnavailable } from './errors';

const DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000, 15000, 30000];

/**
 * For writes that record work already done outside (a provider call, a webhook POST): giving up on a short
 * database outage would leave rows claimed and, after the stale-claim timeout, repeat the outside call. Other
 * errors, and an outage longer than ~1 minute, are thrown.
 */
export async function retryWhileDatabaseUnavailable<T>(log: Logger, what: string, write: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || i >= DELAYS_MS.length) throw err;
      log.warn(`database unavailable while ${what}; retrying`, { attempt: i + 1 });
      await new Promise((r) => setTimeout(r, DELAYS_MS[i]));
    }
  }
}
