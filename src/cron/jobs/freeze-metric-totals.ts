import { freezeCohorts, freezeEvents, freezeState } from '../../db/queries/metrics';
import { idTime, idTimePrefix } from '../../lib/ids';
import type { CronContext } from '../cron-context';

const HOUR = 3_600_000;
/** One run folds at most this much history, so a first run over a large database is spread over several runs. */
const MAX_SPAN_HOURS = 31 * 24;

export interface FreezeLags {
  /**
   * Hours of usage_hourly left unfrozen: the usage roll-up rewrites the last 48 h on every run (late receipts
   * change those cohorts), so they must still be read from usage_hourly, not from frozen totals.
   */
  cohortsHours: number;
  /** Notifications and attempts are inserted within seconds of minting their id; an hour covers stragglers. */
  eventsHours: number;
}

export const FREEZE_LAGS: FreezeLags = { cohortsHours: 50, eventsHours: 1 };

/**
 * Hourly, after the usage roll-up: folds what can no longer change into metric_totals, so a scrape reads a
 * bounded amount of recent rows whatever the history, and counters survive the deletion of old raw rows.
 * Idempotent: each step only applies if the watermark it starts from is still in place.
 */
export async function freezeMetricTotalsJob({ db, log }: CronContext, now = Date.now(), lags = FREEZE_LAGS) {
  const currentHour = Math.floor(now / HOUR) * HOUR;
  const state = await freezeState(db);

  // Cohorts: only hours the usage roll-up has written and will not rewrite.
  const usageThrough = state.usageRolledThrough?.getTime();
  if (usageThrough !== undefined) {
    const limit = Math.min(currentHour - lags.cohortsHours * HOUR, usageThrough);
    const start = state.cohortsThrough?.getTime() ?? state.earliestUsageHour?.getTime() ?? limit;
    const to = Math.min(limit, start + MAX_SPAN_HOURS * HOUR);
    if (to > start || (state.cohortsThrough === null && to === start)) {
      const rows = await freezeCohorts(db, state.cohortsThrough, new Date(to));
      log.info('metric totals: cohorts frozen', { through: new Date(to).toISOString(), rows });
    }
  }

  const limit = currentHour - lags.eventsHours * HOUR;
  const earliest = Math.min(...state.earliestIds.map((id) => (id ? idTime(id) : Number.POSITIVE_INFINITY)));
  const from = state.eventsThroughId === null ? null : idTime(`x_${state.eventsThroughId}`);
  const start = from ?? (Number.isFinite(earliest) ? Math.floor(earliest / HOUR) * HOUR : limit);
  const to = Math.min(limit, start + MAX_SPAN_HOURS * HOUR);
  if (to > start || (from === null && to === start)) {
    const rows = await freezeEvents(db, state.eventsThroughId, { id: idTimePrefix(to), at: new Date(to) });
    log.info('metric totals: events frozen', { through: new Date(to).toISOString(), rows });
  }
}
