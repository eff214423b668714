import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { EmittedMessage } from '../db/queries/webhook-events';
import type { AppBindings } from '../env';
import { SEND_BATCH_LIMIT } from '../lib/queue-limits';
import type { Logger } from '../observability/logger';
import type { WebhookMessage } from './messages';

export interface WebhookEnqueueItem extends EmittedMessage {
  delaySeconds?: number;
}

/** Sends webhook messages to their queue, 100 per sendBatch, in parallel. Throws if any send fails. */
export async function sendWebhookMessages(env: AppBindings, items: WebhookEnqueueItem[]): Promise<void> {
  const messages: MessageSendRequest<WebhookMessage>[] = items.map((i) => ({
    body: { v: 1, type: 'webhook', tenantId: i.tenantId, endpointId: i.endpointId, eventId: i.eventId },
    contentType: 'json',
    ...(i.delaySeconds ? { delaySeconds: Math.ceil(i.delaySeconds) } : {}),
  }));
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
    sends.push(env.QUEUE_WEBHOOKS.sendBatch(messages.slice(i, i + SEND_BATCH_LIMIT)));
  }
  await Promise.all(sends);
}

/**
 * Enqueues messages just emitted with their events. A failed send never loses them: the rows are marked not
 * enqueued and the every-minute cron sends them (the same contract as deliveries).
 */
export async function enqueueEmitted(ctx: { env: AppBindings; db: Db; log: Logger }, items: EmittedMessage[]) {
  if (items.length === 0) return;
  try {
    await sendWebhookMessages(ctx.env, items);
  } catch (err) {
    ctx.log.error('webhook enqueue failed; the cron will enqueue', { err, count: items.length });
    await ctx.db
      .execute(sql`
        UPDATE webhook_messages m SET enqueued_at = NULL
        FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS x("endpointId" text, "eventId" text, "tenantId" text)
        WHERE m.endpoint_id = x."endpointId" AND m.event_id = x."eventId" AND m.tenant_id = x."tenantId"`)
      .catch((e) => ctx.log.error('could not mark webhook messages for the cron', { err: e }));
  }
}
