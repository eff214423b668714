import { earliestDelivery, rollUpUsage, rollupWatermark } from '../../db/queries/usage';
import type { CronContext } from '../cron-context';

const HOUR = 3_600_000;
/** Hours re-rolled every run: receipts (delivered, opens, clicks) keep changing recent cohorts. */
const REFRESH_HOURS = 48;
/** One run rolls up at most this much history, so a large backfill is spread over runs instead of timing out. */
const MAX_SPAN_HOURS = 31 * 24;

/**
 * Hourly: re-rolls the last two days of closed hours, or continues a backfill from the watermark. Idempotent:
 * each hour's rows are replaced.
 */
export async function rollUpUsageJob({ db, log }: CronContext, now = Date.now()) {
  const currentHour = Math.floor(now / HOUR) * HOUR;
  const watermark = await rollupWatermark(db);
  const start = watermark
    ? Math.min(watermark.getTime(), currentHour - REFRESH_HOURS * HOUR)
    : Math.floor(((await earliestDelivery(db))?.getTime() ?? currentHour) / HOUR) * HOUR;
  const end = Math.min(currentHour, start + MAX_SPAN_HOURS * HOUR);
  if (end <= start) return;
  const rows = await rollUpUsage(db, new Date(start), new Date(end));
  log.info('usage rolled up', { from: new Date(start).toISOString(), to: new Date(end).toISOString(), rows });
}
