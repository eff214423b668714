import { advanceSchedule, dueSchedules } from '../../db/queries/schedules';
import type { ScheduleRow } from '../../db/schema';
import { startBroadcast } from '../../domain/broadcasts/start-broadcast';
import { acceptNotifications } from '../../domain/notifications/accept';
import { isTopicSend, type SendNotificationRequest } from '../../domain/notifications/send-request';
import { nextRun, occurrenceToRun } from '../../domain/schedules/recurrence';
import { ApiError } from '../../errors';
import { urlPolicyFor } from '../../lib/ssrf-guard';
import type { CronContext } from '../cron-context';

const SCHEDULES_PER_RUN = 500;
/** A run claims what is due up to this far ahead, and hands it to the queue delayed to its second. */
const WINDOW_MS = 60_000;

/**
 * Recurring schedules: each due occurrence creates its notifications (or broadcast) once — the dedupe key is
 * schedule id + occurrence time, so a cron run that repeats, overlaps or comes late creates nothing twice — then
 * the schedule moves to its next run. Missed occurrences (downtime) are skipped except the latest.
 */
export async function runDueSchedules(ctx: CronContext) {
  const windowEnd = new Date(ctx.scheduledTime.getTime() + WINDOW_MS);
  const due = await dueSchedules(ctx.db, windowEnd, SCHEDULES_PER_RUN);
  for (const s of due) {
    try {
      await runOccurrence(ctx, s, windowEnd);
    } catch (err) {
      ctx.log.error('schedule occurrence failed; retried next minute', { scheduleId: s.id, err });
    }
  }
}

async function runOccurrence(ctx: CronContext, s: ScheduleRow, windowEnd: Date) {
  const occurrence = occurrenceToRun(s.pattern, s, s.nextRunAt!, windowEnd);
  if (!occurrence) return;
  if (occurrence.skipped) ctx.log.warn('missed schedule runs skipped', { scheduleId: s.id, running: occurrence.at });
  const at = occurrence.at;
  const dedupeKey = `${s.id}@${at.toISOString()}`;
  const req = {
    ...(s.request as Omit<SendNotificationRequest, 'sendAt'>),
    ...(at.getTime() > Date.now() ? { sendAt: at.toISOString() } : {}),
  } as SendNotificationRequest;
  const accept = {
    db: ctx.db,
    env: ctx.env,
    log: ctx.log,
    tenantId: s.tenantId,
    mode: s.mode,
    urlPolicy: urlPolicyFor(ctx.config),
  };
  let error: { code: string; message: string; at: string } | null = null;
  try {
    if (isTopicSend(req)) await startBroadcast(accept, req, { dedupeKey, scheduleId: s.id });
    else {
      const [result] = await acceptNotifications(accept, [req], [{ dedupeKey, scheduleId: s.id }]);
      if (result && !result.ok) throw result.error;
    }
  } catch (err) {
    // The tenant's mistake (template deleted, subscriber gone): recorded on the schedule; the next run still comes.
    if (!(err instanceof ApiError)) throw err;
    error = { code: err.code, message: err.details?.[0]?.message ?? err.message, at: at.toISOString() };
    ctx.log.warn('schedule occurrence refused', { scheduleId: s.id, code: err.code });
  }
  await advanceSchedule(
    ctx.db,
    { tenantId: s.tenantId, id: s.id, nextRunAt: s.nextRunAt! },
    at,
    nextRun(s.pattern, s, at),
    error,
  );
}
