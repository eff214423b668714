import { claimDueForEnqueue } from '../../db/queries/pipeline';
import { claimDueWebhooks } from '../../db/queries/webhook-delivery';
import type { Priority } from '../../db/schema';
import { secondsUntil } from '../../lib/seconds-until';
import { enqueueDeliveries } from '../../queues/enqueue-deliveries';
import { sendWebhookMessages } from '../../queues/enqueue-webhooks';
import type { CronContext } from '../cron-context';

const ENQUEUE_PER_RUN = 5000;

/**
 * Deliveries that need a queue message: scheduled sends due within the minute (delayed to their exact second),
 * failed enqueues, lost messages, abandoned claims. Claimed with SKIP LOCKED and marked enqueued in one
 * statement, so overlapping runs never enqueue the same row twice.
 */
export async function enqueueDueDeliveries({ db, env, log }: CronContext) {
  const due = await claimDueForEnqueue(db, ENQUEUE_PER_RUN);
  if (due.length === 0) return;
  const now = Date.now();
  await enqueueDeliveries(
    env,
    due.map((d) => ({
      tenantId: d.tenant_id,
      deliveryId: d.id,
      priority: d.priority as Priority,
      channel: d.channel,
      delaySeconds: secondsUntil(d.next_attempt_at, now),
    })),
  );
  log.info('due deliveries enqueued', { count: due.length });
}

/** The same for webhook messages. */
export async function enqueueDueWebhooks({ db, env, log }: CronContext) {
  const due = await claimDueWebhooks(db, ENQUEUE_PER_RUN);
  if (due.length === 0) return;
  const now = Date.now();
  await sendWebhookMessages(
    env,
    due.map((w) => ({ ...w, delaySeconds: secondsUntil(w.nextAttemptAt, now) })),
  );
  log.info('due webhook messages enqueued', { count: due.length });
}
