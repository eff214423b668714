import { sql } from 'drizzle-orm';
import { createDb } from '../db/client';
import { claimDueForEnqueue } from '../db/queries/pipeline';
import { claimDueWebhooks, deleteExpiredWebhookData } from '../db/queries/webhook-delivery';
import type { Priority } from '../db/schema';
import { EVENT_RETENTION_DAYS } from '../domain/webhooks/event-types';
import { type AppBindings, loadConfig } from '../env';
import { createLogger } from '../observability/logger';
import { enqueueDeliveries } from '../pipeline/producer';
import { sendWebhookMessages } from '../pipeline/webhooks/enqueue';

const ENQUEUE_PER_RUN = 5000;

/**
 * Every minute: hand due deliveries to the queues (scheduled sends, failed enqueues, lost messages, abandoned
 * claims), delayed to their exact second; the same for webhook messages; then drop expired idempotency keys and
 * webhook events past the replay window.
 */
export async function handleScheduled(controller: ScheduledController, env: AppBindings): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger({ cron: controller.cron }, config.LOG_LEVEL);
  const db = createDb(env);
  const due = await claimDueForEnqueue(db, ENQUEUE_PER_RUN);
  if (due.length) {
    const now = Date.now();
    await enqueueDeliveries(
      env,
      due.map((d) => ({
        tenantId: d.tenant_id,
        deliveryId: d.id,
        priority: d.priority as Priority,
        delaySeconds: d.next_attempt_at ? Math.max(0, (Date.parse(d.next_attempt_at) - now) / 1000) : 0,
      })),
    );
    log.info('due deliveries enqueued', { count: due.length });
  }
  const webhooks = await claimDueWebhooks(db, ENQUEUE_PER_RUN);
  if (webhooks.length) {
    const now = Date.now();
    await sendWebhookMessages(
      env,
      webhooks.map((w) => ({
        ...w,
        delaySeconds: w.nextAttemptAt ? Math.max(0, (Date.parse(w.nextAttemptAt) - now) / 1000) : 0,
      })),
    );
    log.info('due webhook messages enqueued', { count: webhooks.length });
  }
  await deleteExpiredWebhookData(db, EVENT_RETENTION_DAYS);
  await db.execute(sql`DELETE FROM idempotency_keys WHERE ctid IN
    (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT 5000)`);
}
