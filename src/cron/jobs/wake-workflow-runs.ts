import { closeAbandonedWindows } from '../../db/queries/workflow-digests';
import { claimDueRuns } from '../../db/queries/workflow-runs';
import { secondsUntil } from '../../lib/seconds-until';
import { sendRunWakes } from '../../queues/enqueue-workflows';
import type { CronContext } from '../cron-context';

const WAKES_PER_RUN = 5000;

/**
 * The due scan: runs parked beyond the queue's 12 h reach, wakes whose enqueue failed, and wakes long past whose
 * message was lost go to the workflow timer lane, delayed to their exact second. Claimed with SKIP LOCKED and marked
 * enqueued in one statement, so overlapping runs never send the same wake twice.
 */
export async function wakeDueWorkflowRuns({ db, env, log }: CronContext) {
  const due = await claimDueRuns(db, WAKES_PER_RUN);
  const now = Date.now();
  if (due.length > 0) {
    await sendRunWakes(
      env,
      due.map((r) => ({ tenantId: r.tenant_id, runId: r.id, delaySeconds: secondsUntil(r.wake_at, now) })),
      'timer',
    );
    log.info('workflow runs woken', { count: due.length });
  }
  const closed = await closeAbandonedWindows(db, WAKES_PER_RUN);
  if (closed > 0) log.info('digest windows nobody joined closed', { count: closed });
}
