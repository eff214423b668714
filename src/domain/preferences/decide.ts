import type { PreferenceSet } from '../../db/schema';

export type PreferenceDecision =
  | { send: true; reason: 'critical' | 'allowed' }
  | { send: false; reason: 'opted_out' | 'channel_opted_out' | 'category_opted_out' };

/**
 * Whether a subscriber's preferences let a delivery through. Critical categories always pass (a password reset
 * must arrive); otherwise global opt-out, then the category (entirely or on this channel), then the channel.
 */
export function decide(
  prefs: PreferenceSet | null | undefined,
  channel: string,
  category: string | null,
  critical: boolean,
): PreferenceDecision {
  if (critical) return { send: true, reason: 'critical' };
  if (!prefs) return { send: true, reason: 'allowed' };
  if (prefs.optOut) return { send: false, reason: 'opted_out' };
  const cat = category ? prefs.categories?.[category] : undefined;
  if (cat?.enabled === false || cat?.channels?.[channel] === false)
    return { send: false, reason: 'category_opted_out' };
  if (prefs.channels?.[channel] === false) return { send: false, reason: 'channel_opted_out' };
  return { send: true, reason: 'allowed' };
}
