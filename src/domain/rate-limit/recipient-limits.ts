import type { Channel } from '../../db/schema';
import type { BucketPolicy } from './token-bucket';

export interface RecipientLimit {
  limit: number;
  periodSeconds: number;
}

/**
 * Default per-recipient limits by channel (a tenant may override any in `tenants.recipient_limits`). They exist
 * to stop a runaway loop in a customer's code from flooding one person, not to shape normal traffic.
 */
export const DEFAULT_RECIPIENT_LIMITS: Record<Channel, RecipientLimit> = {
  email: { limit: 20, periodSeconds: 60 },
  sms: { limit: 5, periodSeconds: 60 },
  push: { limit: 30, periodSeconds: 60 },
  chat: { limit: 30, periodSeconds: 60 },
  webhook: { limit: 120, periodSeconds: 60 },
  in_app: { limit: 60, periodSeconds: 60 },
};

export function recipientPolicy(
  channel: Channel,
  overrides: Partial<Record<string, RecipientLimit>> | null | undefined,
): BucketPolicy {
  const limit = overrides?.[channel] ?? DEFAULT_RECIPIENT_LIMITS[channel];
  return { capacity: limit.limit, refillPerSecond: limit.limit / limit.periodSeconds };
}
