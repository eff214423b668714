import { type AppContext, createAppContext } from '../context';
import { isDatabaseUnavailable } from '../db/errors';
import { loadDeliveriesForSend, markDeadLettered } from '../db/queries/pipeline';
import type { AppBindings } from '../env';
import { enqueueEmitted } from '../queues/enqueue-webhooks';
import { parseQueueName } from '../queues/lanes';
import { type DeliverMessage, QueueMessage } from '../queues/messages';
import { deliverBatch, type MessageAction } from './deliver';
import { FANOUT_DLQ, FANOUT_QUEUE, handleFanoutBatch } from './fanout-consumer';
import { DB_UNAVAILABLE_RETRY_SECONDS } from './retry-policy';
import { handleWebhookBatch, WEBHOOK_DLQ, WEBHOOK_QUEUE } from './webhooks/consumer';
import { handleWorkflowBatch, WORKFLOW_DLQ, WORKFLOW_QUEUE, WORKFLOW_TIMER_QUEUE } from './workflow-consumer';

/** Entry point of every queue: delivery lanes, webhooks, fan-out, workflows and their dead-letter queues. Acks or retries each message alone. */
export async function handleQueueBatch(batch: MessageBatch<unknown>, env: AppBindings): Promise<void> {
  const ctx = createAppContext(env, { queue: batch.queue });
  const { log } = ctx;
  if (batch.queue === WEBHOOK_QUEUE || batch.queue === WEBHOOK_DLQ) return handleWebhookBatch(batch, ctx);
  if (batch.queue === FANOUT_QUEUE || batch.queue === FANOUT_DLQ) return handleFanoutBatch(batch, ctx);
  if ([WORKFLOW_QUEUE, WORKFLOW_TIMER_QUEUE, WORKFLOW_DLQ].includes(batch.queue))
    return handleWorkflowBatch(batch, ctx);
  const lane = parseQueueName(batch.queue);
  if (!lane) {
    log.error('message batch from an unknown queue; retrying', { size: batch.messages.length });
    batch.retryAll({ delaySeconds: 60 });
    return;
  }
  const valid: { message: Message<unknown>; body: DeliverMessage }[] = [];
  for (const message of batch.messages) {
    const parsed = QueueMessage.safeParse(message.body);
    if (parsed.success) valid.push({ message, body: parsed.data });
    else {
      // Not ours or corrupt: nothing to deliver and nothing a retry could fix. Logged in full for a human.
      log.error('unparsable queue message acked', { messageId: message.id, body: message.body });
      message.ack();
    }
  }
  if (lane.deadLetter) await handleDeadLetters(ctx, valid);
  else await handleDeliveries(ctx, valid);
}

async function handleDeliveries(ctx: AppContext, items: { message: Message<unknown>; body: DeliverMessage }[]) {
  const { db, log } = ctx;
  let rows: Awaited<ReturnType<typeof loadDeliveriesForSend>>;
  const loadStarted = Date.now();
  try {
    const tenantIds = [...new Set(items.map((i) => i.body.tenantId))];
    rows = await loadDeliveriesForSend(
      db,
      tenantIds,
      items.map((i) => i.body.deliveryId),
    );
  } catch (err) {
    log.warn('could not load deliveries; retrying the batch later', { err });
    for (const { message } of items) message.retry({ delaySeconds: DB_UNAVAILABLE_RETRY_SECONDS });
    return;
  }
  log.debug('delivery batch loaded', { size: items.length, loadMs: Date.now() - loadStarted });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const known = items.filter(({ body }) => {
    const row = byId.get(body.deliveryId);
    if (row && row.tenantId === body.tenantId) return true;
    log.warn('queue message for an unknown delivery acked', { deliveryId: body.deliveryId, requestId: body.requestId });
    return false;
  });
  // Redelivered duplicates inside one batch: process the delivery once; every copy gets the same action.
  const unique = [...new Map(known.map((k) => [k.body.deliveryId, byId.get(k.body.deliveryId)!])).values()];
  let actions: Map<string, MessageAction>;
  try {
    actions = await deliverBatch(ctx, unique);
  } catch (err) {
    // Only infrastructure failures reach here (provider outcomes are handled in deliverBatch).
    const delaySeconds = isDatabaseUnavailable(err) ? DB_UNAVAILABLE_RETRY_SECONDS : 30;
    log.error('delivery batch failed; messages retried', { err, delaySeconds });
    for (const { message } of known) message.retry({ delaySeconds });
    for (const { message } of items) if (!known.some((k) => k.message === message)) message.ack();
    return;
  }
  for (const { message, body } of items) {
    const action = actions.get(body.deliveryId) ?? { kind: 'ack' };
    if (action.kind === 'retry') message.retry({ delaySeconds: action.delaySeconds });
    else message.ack();
  }
}

async function handleDeadLetters(ctx: AppContext, items: { message: Message<unknown>; body: DeliverMessage }[]) {
  const { db, log } = ctx;
  const byTenant = new Map<string, typeof items>();
  for (const item of items) {
    const list = byTenant.get(item.body.tenantId) ?? [];
    list.push(item);
    byTenant.set(item.body.tenantId, list);
  }
  await Promise.all(
    [...byTenant].map(async ([tenantId, group]) => {
      try {
        const deliveryIds = group.map((g) => g.body.deliveryId);
        const emitted = await markDeadLettered(db, tenantId, deliveryIds);
        log.warn('dead-lettered messages received', { tenantId, deliveryIds });
        await enqueueEmitted(ctx, emitted);
        for (const { message } of group) message.ack();
      } catch (err) {
        log.error('could not mark dead letters; retrying', { tenantId, err });
        for (const { message } of group) message.retry({ delaySeconds: DB_UNAVAILABLE_RETRY_SECONDS });
      }
    }),
  );
}
