import type { Channel, UsageSettings } from '../../db/schema';

/** USD per billing unit when a tenant sets no price (docs/analytics.md): SMS per segment, email per message. */
export const DEFAULT_PRICES: Record<Channel, number> = {
  email: 0.0001,
  sms: 0.0079,
  push: 0,
  chat: 0,
  webhook: 0,
  in_app: 0,
};

/** The tenant's price for `channel:provider`, else for the channel, else the default. */
export function unitPrice(settings: UsageSettings | null | undefined, channel: Channel, provider: string | null) {
  const prices = settings?.prices ?? {};
  return (provider ? prices[`${channel}:${provider}`] : undefined) ?? prices[channel] ?? DEFAULT_PRICES[channel];
}

/** Cost of one sent delivery, rounded to a millionth of a dollar so sums stay exact enough to compare. */
export function deliveryCost(
  settings: UsageSettings | null | undefined,
  channel: Channel,
  provider: string | null,
  units: number,
) {
  return Math.round(unitPrice(settings, channel, provider) * units * 1e6) / 1e6;
}
