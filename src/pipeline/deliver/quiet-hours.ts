import type { AppContext } from '../../context';
import type { DeliveryToSend } from '../../db/queries/pipeline';
import { quietHoursDelaySeconds } from '../../domain/preferences/quiet-hours';
import { type Deferral, deferAndRequeue, MAX_DEFER_SECONDS } from './defer';
import type { MessageActions } from './message-action';
import type { PreferenceContext } from './preferences';

/**
 * Non-critical deliveries inside the subscriber's quiet hours wait until the window ends (deferred with a fresh
 * delayed message, reason recorded), never dropped. Returns the rows that may go on.
 */
export async function applyQuietHours(
  ctx: AppContext,
  rows: DeliveryToSend[],
  preferences: PreferenceContext,
  actions: MessageActions,
) {
  const deferred: Deferral[] = [];
  const awake = rows.filter((d) => {
    if (preferences.isCritical(d.tenantId, d.category)) return true;
    const quiet = preferences.preferencesOf(d.tenantId, d.subscriberId)?.quietHours;
    const delaySeconds = quietHoursDelaySeconds(quiet, d.channel, d.timezone);
    if (delaySeconds <= 0) return true;
    deferred.push({ d, delaySeconds: Math.min(delaySeconds, MAX_DEFER_SECONDS) });
    return false;
  });
  await deferAndRequeue(ctx, deferred, 'deferred_quiet_hours', 'quiet hours', actions);
  return awake;
}
