import { createAppContext } from '../context';
import type { AppBindings } from '../env';
import type { CronContext } from './cron-context';
import { checkBudgets } from './jobs/check-budgets';
import { enqueueDueDeliveries, enqueueDueWebhooks } from './jobs/enqueue-due';
import { freezeMetricTotalsJob } from './jobs/freeze-metric-totals';
import { restartStalledFanouts } from './jobs/restart-fanouts';
import { deleteExpired, purgeExpiredBodies } from './jobs/retention';
import { rollUpUsageJob } from './jobs/roll-up-usage';
import { runDueSchedules } from './jobs/run-schedules';
import { wakeDueWorkflowRuns } from './jobs/wake-workflow-runs';

type Job = { name: string; run: (ctx: CronContext) => Promise<void> };

/**
 * Jobs by Cron Trigger (wrangler.toml `crons`). Every job is idempotent: runs may overlap, repeat or come late.
 */
export const CRON_JOBS: Record<string, Job[]> = {
  // Every minute: what is due soon goes to the queues, delayed to its exact second.
  '* * * * *': [
    // Schedules first: the occurrences due this minute are enqueued by the accept they go through.
    { name: 'run-due-schedules', run: runDueSchedules },
    { name: 'enqueue-due-deliveries', run: enqueueDueDeliveries },
    { name: 'enqueue-due-webhooks', run: enqueueDueWebhooks },
    { name: 'restart-stalled-fanouts', run: restartStalledFanouts },
    { name: 'wake-due-workflow-runs', run: wakeDueWorkflowRuns },
    { name: 'check-budgets', run: checkBudgets },
  ],
  // Hourly maintenance.
  '0 * * * *': [
    { name: 'delete-expired', run: deleteExpired },
    { name: 'roll-up-usage', run: (ctx) => rollUpUsageJob(ctx, ctx.scheduledTime.getTime()) },
    // After the roll-up: it freezes usage_hourly hours the roll-up has just written.
    { name: 'freeze-metric-totals', run: (ctx) => freezeMetricTotalsJob(ctx, ctx.scheduledTime.getTime()) },
  ],
  // Daily, off-peak: message bodies past each tenant's retention (only hours the roll-up has covered).
  '30 3 * * *': [{ name: 'purge-expired-bodies', run: (ctx) => purgeExpiredBodies(ctx) }],
};

/** One `scheduled()` for every trigger: runs the trigger's jobs; one failing job does not stop the others. */
export async function handleScheduled(controller: ScheduledController, env: AppBindings): Promise<void> {
  const app = createAppContext(env, { cron: controller.cron });
  const { log } = app;
  const jobs = CRON_JOBS[controller.cron];
  if (!jobs) {
    log.error('no jobs for this cron trigger', { cron: controller.cron });
    return;
  }
  const ctx: CronContext = { ...app, scheduledTime: new Date(controller.scheduledTime) };
  const failures: unknown[] = [];
  for (const job of jobs) {
    const started = Date.now();
    try {
      await job.run(ctx);
      log.debug('cron job done', { job: job.name, ms: Date.now() - started });
    } catch (err) {
      log.error('cron job failed', { job: job.name, err });
      failures.push(err);
    }
  }
  // Failing the invocation makes the failure visible in Cron Trigger metrics; the next run retries.
  if (failures.length) throw failures[0];
}
