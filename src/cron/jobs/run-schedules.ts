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

/**
 * Recurring schedules: each due occurrence creates its notifications (or broadcast) once — the dedupe key is
 * schedule id + occurrence time, so a cron run that repeats, overlaps or comes late creates nothing twice — then
 * the schedule moves to its next run. An occurrence is due at its minute, which is the minute of a cron run, so it
 * goes out with that run; nothing is claimed ahead, so `lastRunAt` (when the run fired) is never in the future.
 * After downtime the latest missed occurrence fires once, at once, and older ones are skipped.
 */
export async function runDueSchedules(ctx: CronContext) {
  const due = await dueSchedules(ctx.db, ctx.scheduledTime, SCHEDULES_PER_RUN);
  for (const s of due) {
    try {
      await runOccurrence(ctx, s);
    } catch (err) {
      ctx.log.error('schedule occurrence failed; retried next minute', { scheduleId: s.id, err });
    }
  }
}

async function runOccurrence(ctx: CronContext, s: ScheduleRow) {
  const firedAt = ctx.scheduledTime;
  const occurrence = occurrenceToRun(s.pattern, s, s.nextRunAt!, firedAt);
  if (!occurrence) return;
  if (occurrence.skipped) ctx.log.warn('missed schedule runs skipped', { scheduleId: s.id, running: occurrence.at });
  const at = occurrence.at;
  const dedupeKey = `${s.id}@${at.toISOString()}`;
  const req = s.request as SendNotificationRequest;
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
  // A budget stop holds the schedule like downtime: it stays due, and the latest missed run fires once it lifts.
  const held = error?.code === 'budget_exceeded';
  await advanceSchedule(
    ctx.db,
    { tenantId: s.tenantId, id: s.id, nextRunAt: s.nextRunAt! },
    held ? s.lastRunAt : firedAt,
    held ? s.nextRunAt! : nextRun(s.pattern, s, at),
    error,
  );
}
