import type { AppContext } from '../../context';
import type { DeliveryToSend } from '../../db/queries/pipeline';
import { loadPreferenceContext } from '../../db/queries/preferences';
import { decide } from '../../domain/preferences/decide';
import type { OutcomeError } from './outcomes';

/** The batch's subscriber preferences, category criticality and frequency caps. */
export type PreferenceContext = Awaited<ReturnType<typeof loadPreferenceContext>>;

/** Loads the preferences of every tenant and subscriber in the rows, in one read. */
export function loadPreferences(ctx: AppContext, rows: DeliveryToSend[]): Promise<PreferenceContext> {
  return loadPreferenceContext(
    ctx.db,
    [...new Set(rows.map((d) => d.tenantId))],
    [...new Set(rows.flatMap((d) => (d.subscriberId ? [d.subscriberId] : [])))],
  );
}

const PREFERENCE_MESSAGES = {
  opted_out: 'the subscriber opted out of notifications',
  channel_opted_out: 'the subscriber turned this channel off',
  category_opted_out: 'the subscriber turned this category off',
} as const;

/** Why the subscriber's preferences refuse this delivery, or null when they allow it (critical categories always pass). */
export function preferenceRefusal(preferences: PreferenceContext, d: DeliveryToSend): OutcomeError | null {
  const decision = decide(
    preferences.preferencesOf(d.tenantId, d.subscriberId),
    d.channel,
    d.category,
    preferences.isCritical(d.tenantId, d.category),
  );
  if (decision.send) return null;
  return { code: `preference_${decision.reason}`, message: PREFERENCE_MESSAGES[decision.reason] };
}
